"""Reading the calendar: upcoming and past events, filters, and the month grid."""

import calendar
import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from .models import Event, ParticipationPlan


def base() -> QuerySet[Event]:
    return Event.objects.select_related("plan").prefetch_related("themes", "entities")


def filtered(qs: QuerySet[Event], *, theme: str = "", entity: str = "", region: str = "", ours: bool = False) -> QuerySet[Event]:
    if theme:
        qs = qs.filter(themes__slug=theme)
    if entity:
        qs = qs.filter(entities__slug=entity)
    if region:
        qs = qs.filter(entities__region__slug=region)
    if ours:
        qs = qs.filter(plan__status__in=ParticipationPlan.TAKING_PART)
    return qs.distinct()


def upcoming(qs: QuerySet[Event], now=None) -> QuerySet[Event]:
    """Events not yet over (an event under way is still upcoming), soonest first."""
    return qs.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "title")


def past(qs: QuerySet[Event], now=None) -> QuerySet[Event]:
    return qs.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "title")


def month_grid(qs: QuerySet[Event], year: int, month: int) -> list[list[dict]]:
    """Weeks (Monday first) of days, each with the events under way that day (in the site's zone)."""
    tz = timezone.get_current_timezone()
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min), tz)
    events = list(qs.filter(starts_at__lt=end, ends_at__gte=start).order_by("starts_at"))
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            day_start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
            day_end = day_start + dt.timedelta(days=1)
            row.append({
                "date": day,
                "in_month": day.month == month,
                "events": [e for e in events if e.starts_at < day_end and e.ends_at >= day_start],
            })
        weeks.append(row)
    return weeks
