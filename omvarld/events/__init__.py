"""Events calendar, participation plans and iCalendar (P1)."""
