"""The calendar's main path in a real browser, in Swedish and English, checked with axe (#15)."""

from pathlib import Path

import pytest

from omvarld.demo.loader import DEMO_FILE, load_demo
from omvarld.events.models import Event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "catalogue" / "tests" / "vendor" / "axe.min.js"


def axe(page):
    page.evaluate(AXE.read_text())  # not a <script> tag: the CSP refuses inline script
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


@pytest.mark.parametrize(
    "locale, upcoming, ours, month_word, ics",
    [("sv-SE", "Kommande evenemang", "Bara evenemang vi deltar i", "Månadsvy", "Lägg till i din kalender (.ics)"),
     ("en-GB", "Upcoming events", "Only events we take part in", "Month view", "Add to your calendar (.ics)")],
)
def test_calendar_main_path(browser, live_server, transactional_db, locale, upcoming, ours, month_word, ics):
    load_demo(DEMO_FILE, with_users=True)
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    found = {}
    page.goto("/events/")
    assert page.get_by_role("heading", name=upcoming).is_visible()
    assert page.get_by_role("link", name="Smart City Expo World Congress 2027").is_visible()
    assert page.get_by_role("link", name="Smart City Expo World Congress 2025").count() == 0
    found["list"] = axe(page)
    page.screenshot(path=f"/tmp/i15-events-{locale}.png", full_page=True)
    # Only the events we take part in (plan confirmed): SCEWC 2027, not the GA (in talks).
    page.get_by_label(ours).check()
    page.get_by_role("button", name="Filtrera" if locale == "sv-SE" else "Filter").click()
    page.wait_for_url("**ours=on**")
    assert page.get_by_role("link", name="Smart City Expo World Congress 2027").is_visible()
    assert page.get_by_role("link", name="EIP SCC General Assembly 2027").count() == 0
    # The event page, then its month.
    page.get_by_role("link", name="Smart City Expo World Congress 2027").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Smart City Expo World Congress 2027")
    assert "Europe/Madrid" in page.content() and "Barcelona" in page.content()
    assert page.get_by_role("link", name=ics).get_attribute("href").endswith(".ics")
    found["detail"] = axe(page)
    page.screenshot(path=f"/tmp/i15-event-{locale}.png", full_page=True)
    event = Event.objects.get(uid="scewc-2027@omvarld")
    page.goto(f"/events/{event.starts_at.year}/{event.starts_at.month}/")
    assert page.locator("table.month").get_by_role("link", name="Smart City Expo World Congress 2027").count() == 3
    found["month"] = axe(page)
    page.screenshot(path=f"/tmp/i15-month-{locale}.png", full_page=True)
    page.goto("/events/")
    assert page.get_by_role("link", name=month_word).is_visible()
    context.close()
    assert {k: v for k, v in found.items() if v} == {}
