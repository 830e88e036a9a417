"""iCalendar (RFC 5545) feeds and import (#15)."""

import datetime as dt
import re
from pathlib import Path

import icalendar
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from omvarld.accounts.roles import EDITOR, assign_role
from omvarld.core.models import Entity, MainCategory, Theme
from omvarld.events import actions, ical
from omvarld.events.models import Event, ParticipationPlan

pytestmark = pytest.mark.django_db

UTC = dt.UTC
FIXTURES = Path(__file__).parent / "fixtures" / "icalendar-tests"
ICS_FILES = sorted(FIXTURES.rglob("*.ics"))


def make_event(title="Smart City Expo World Congress", **kw):
    start = kw.pop("start", dt.datetime(2027, 11, 9, 8, tzinfo=UTC))
    return Event.objects.create(title=title, starts_at=start, ends_at=start + dt.timedelta(days=2, hours=1), **kw)


def check_rfc5545(body: bytes) -> icalendar.Calendar:
    """Strict checks of a calendar file written by us."""
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b""), "bare LF"
    assert b"\r" not in body.replace(b"\r\n", b""), "bare CR"
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, f"line not folded: {line[:40]!r}…"
    cal = icalendar.Calendar.from_ical(body)
    assert str(cal["VERSION"]) == "2.0" and cal.get("PRODID")
    zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    for ve in cal.walk("VEVENT"):
        assert ve.get("UID")
        stamp = ve.get("DTSTAMP").dt
        assert stamp.utcoffset() == dt.timedelta(0), "DTSTAMP must be UTC"
        start = ve.get("DTSTART")
        if isinstance(start.dt, dt.datetime):
            tzid = start.params.get("TZID")
            assert tzid in zones, f"DTSTART TZID {tzid} without VTIMEZONE"
        assert ve.get("DTEND").dt >= start.dt
    return cal


def test_one_event_as_ics_is_strict_and_keeps_its_time_zone(client):
    event = make_event(time_zone="Europe/Madrid", city="Barcelona", country="Spain", latitude=41.35, longitude=2.13,
                       organiser="Fira de Barcelona", url="https://www.smartcityexpo.com/",
                       description="Long text with, commas; semicolons and ÅÄÖ " * 20)
    response = client.get(f"/events/{event.pk}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content
    cal = check_rfc5545(body)
    (ve,) = cal.walk("VEVENT")
    assert str(ve["UID"]) == event.uid
    assert ve["DTSTART"].params["TZID"] == "Europe/Madrid"
    assert ve["DTSTART"].dt == event.starts_at and ve["DTSTART"].dt.hour == 9
    assert str(ve["DESCRIPTION"]) == event.description.strip() or str(ve["DESCRIPTION"]) == event.description
    assert str(ve["LOCATION"]) == "Barcelona, Spain"
    assert b"\r\n " in body  # the long description was folded


def test_all_day_event_uses_dates_with_exclusive_end(client):
    start = dt.datetime(2027, 5, 26, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    event = Event.objects.create(title="GA", starts_at=start, ends_at=start + dt.timedelta(days=1), all_day=True, time_zone="Europe/Brussels")
    cal = check_rfc5545(client.get(f"/events/{event.pk}.ics").content)
    (ve,) = cal.walk("VEVENT")
    assert ve["DTSTART"].dt == dt.date(2027, 5, 26) and ve["DTEND"].dt == dt.date(2027, 5, 28)


def test_feeds_all_per_theme_per_entity_and_ours(client):
    cat = MainCategory.objects.create(slug="cities", name_sv="Städer", name_en="Cities")
    bcn = Entity.objects.create(slug="barcelona", name_sv="Barcelona", name_en="Barcelona", main_category=cat)
    energy = Theme.objects.create(slug="energy", label_sv="Energi", label_en="Energy")
    a = make_event("Energy expo", time_zone="Europe/Oslo")
    a.themes.add(energy)
    b = make_event("Barcelona congress", time_zone="Europe/Madrid")
    b.entities.add(bcn)
    ParticipationPlan.objects.create(event=b, form="exhibition", status="confirmed")
    make_event("Other", time_zone="America/New_York")

    def summaries(url):
        response = client.get(url)
        assert response.status_code == 200
        cal = check_rfc5545(response.content)
        return {str(ve["SUMMARY"]) for ve in cal.walk("VEVENT")}

    assert summaries("/events/feed.ics") == {"Energy expo", "Barcelona congress", "Other"}
    assert summaries("/events/themes/energy.ics") == {"Energy expo"}
    assert summaries("/events/entities/barcelona.ics") == {"Barcelona congress"}
    assert summaries("/events/we-take-part.ics") == {"Barcelona congress"}
    assert summaries("/events/feed.ics?theme=energy") == {"Energy expo"}
    assert client.get("/events/themes/no-such.ics").status_code == 404
    body = client.get("/events/feed.ics").content.decode()
    assert {"Europe/Oslo", "Europe/Madrid", "America/New_York"} <= set(re.findall(r"BEGIN:VTIMEZONE\r\nTZID:([^\r]+)", body))


def test_export_then_import_round_trip_updates_by_uid():
    event = make_event(time_zone="Europe/Madrid", city="Barcelona")
    body = ical.build([event], name="x")
    report = actions.import_calendar(body)
    assert (report.created, report.updated) == (0, 1)
    assert Event.objects.count() == 1
    changed = body.replace(b"SUMMARY:Smart City Expo World Congress", b"SUMMARY:SCEWC renamed")
    actions.import_calendar(changed)
    event.refresh_from_db()
    assert event.title == "SCEWC renamed" and Event.objects.count() == 1
    assert event.time_zone == "Europe/Madrid" and event.starts_at == dt.datetime(2027, 11, 9, 8, tzinfo=UTC)


EXAMPLE = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "{events}"
    "END:VCALENDAR\r\n"
)
VEVENT = (
    "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270101T000000Z\r\nSUMMARY:{summary}\r\n"
    "DTSTART;TZID={tz}:20270921T090000\r\nDTEND;TZID={tz}:{end}\r\n{extra}END:VEVENT\r\n"
)


def vevent(uid="a@x", summary="Nordic Edge", tz="Europe/Oslo", end="20270923T170000", extra=""):
    return VEVENT.format(uid=uid, summary=summary, tz=tz, end=end, extra=extra)


def test_import_creates_then_updates_without_duplicates():
    data = EXAMPLE.format(events=vevent() + vevent(uid="b@x", summary="Other")).encode()
    assert (actions.import_calendar(data).created, Event.objects.count()) == (2, 2)
    data = EXAMPLE.format(events=vevent(summary="Nordic Edge 2027")).encode()
    report = actions.import_calendar(data)
    assert (report.created, report.updated) == (0, 1)
    assert Event.objects.get(uid="a@x").title == "Nordic Edge 2027" and Event.objects.count() == 2
    e = Event.objects.get(uid="a@x")
    assert e.time_zone == "Europe/Oslo" and e.starts_at == dt.datetime(2027, 9, 21, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    "events, message",
    [
        (vevent(end="20270920T090000"), "det slutar innan det börjar"),
        (vevent(tz="Mars/Olympus"), "Mars/Olympus"),
        (vevent(uid=""), "UID"),
        (vevent(extra="DESCRIPTION:" + "x" * 30_000 + "\r\n"), "beskrivningen har 30000 tecken"),
    ],
    ids=["end-before-start", "unknown-time-zone", "no-uid", "long-description"],
)
def test_bad_events_are_refused_and_nothing_changes(events, message):
    Event.objects.create(uid="keep@x", title="Kept", starts_at=dt.datetime(2027, 1, 1, tzinfo=UTC), ends_at=dt.datetime(2027, 1, 2, tzinfo=UTC))
    data = EXAMPLE.format(events=vevent(uid="good@x", summary="Good") + events).encode()
    with pytest.raises(ical.CalendarError) as err:
        actions.import_calendar(data)
    assert message in str(err.value)
    assert list(Event.objects.values_list("uid", flat=True)) == ["keep@x"]


def test_huge_files_are_refused():
    many = EXAMPLE.format(events="".join(vevent(uid=f"{i}@x") for i in range(100_000))).encode()
    with pytest.raises(ical.CalendarError) as err:
        actions.import_calendar(many)
    assert "MB" in str(err.value) or "events" in str(err.value)
    # Small enough in bytes but too many events:
    many = EXAMPLE.format(events="".join(vevent(uid=f"{i}@x") for i in range(ical.MAX_EVENTS + 1))).encode()
    assert len(many) < ical.MAX_FILE_BYTES
    with pytest.raises(ical.CalendarError) as err:
        actions.import_calendar(many)
    assert str(ical.MAX_EVENTS) in str(err.value)
    big = EXAMPLE.format(events=vevent(extra="DESCRIPTION:" + "x" * (10 * 1024 * 1024) + "\r\n")).encode()
    with pytest.raises(ical.CalendarError) as err:
        actions.import_calendar(big)
    assert "MB" in str(err.value)
    assert Event.objects.count() == 0


@pytest.mark.parametrize("path", ICS_FILES, ids=[str(p.relative_to(FIXTURES)) for p in ICS_FILES])
def test_every_fixture_calendar_imports_or_gives_a_clear_error(path):
    assert len(ICS_FILES) > 100
    try:
        report = actions.import_calendar(path.read_bytes())
    except ical.CalendarError as exc:
        assert str(exc).strip()
        assert Event.objects.count() == 0
    else:
        assert report.created + report.updated >= 1
        assert Event.objects.count() >= 1
        for e in Event.objects.all():
            e.full_clean()


def test_import_page_for_editors(client):
    editor = get_user_model().objects.create_user("ed", "ed@example.org")
    assign_role(editor, EDITOR)
    client.force_login(editor)
    good = SimpleUploadedFile("cal.ics", EXAMPLE.format(events=vevent()).encode(), content_type="text/calendar")
    response = client.post("/events/import/", {"file": good}, follow=True)
    assert response.status_code == 200 and Event.objects.filter(uid="a@x").exists()
    bad = SimpleUploadedFile("cal.ics", EXAMPLE.format(events=vevent(uid="z@x", tz="Nowhere/Land")).encode())
    response = client.post("/events/import/", {"file": bad})
    assert response.status_code == 400
    assert "Nowhere/Land" in response.content.decode()
    assert not Event.objects.filter(uid="z@x").exists()
    client.logout()
    assert client.get("/events/import/").status_code == 302


# Import from a URL, through the worker -------------------------------------------------------

@pytest.fixture
def server():
    from omvarld.monitoring.tests.conftest import LocalServer

    s = LocalServer()
    yield s
    s.close()


def _request_url_import(client, url):
    from omvarld.events.models import CalendarImport

    editor = get_user_model().objects.create_user("ed", "ed@example.org")
    assign_role(editor, EDITOR)
    client.force_login(editor)
    response = client.post("/events/import/", {"url": url})
    assert response.status_code == 302
    assert Event.objects.count() == 0  # the request itself fetched nothing
    return CalendarImport.objects.get(url=url)


def test_url_import_runs_in_the_worker_and_updates_by_uid(client, server, settings):
    settings.FETCH_ALLOW_LOOPBACK = True
    server.add("/cal.ics", EXAMPLE.format(events=vevent()).encode(), content_type="text/calendar")
    job = _request_url_import(client, server.url("/cal.ics"))
    assert job.state == "pending"
    assert actions.import_calendar_url(job.pk) == "done"
    job.refresh_from_db()
    assert (job.created, job.updated) == (1, 0) and Event.objects.get(uid="a@x").title == "Nordic Edge"
    assert actions.import_calendar_url(job.pk) == "not pending"  # a second run does nothing
    page = client.get("/events/import/").content.decode()
    assert server.url("/cal.ics") in page


def test_url_import_refuses_private_addresses_and_bad_calendars(client, server, settings):
    settings.FETCH_ALLOW_LOOPBACK = False
    server.add("/cal.ics", EXAMPLE.format(events=vevent()).encode(), content_type="text/calendar")
    job = _request_url_import(client, server.url("/cal.ics"))
    assert actions.import_calendar_url(job.pk) == "failed"
    job.refresh_from_db()
    assert "127.0.0.1" in job.message and job.state == "failed"
    assert Event.objects.count() == 0
    settings.FETCH_ALLOW_LOOPBACK = True
    server.add("/bad.ics", EXAMPLE.format(events=vevent(tz="Nowhere/Land")).encode(), content_type="text/calendar")
    from omvarld.events.models import CalendarImport

    bad = CalendarImport.objects.create(url=server.url("/bad.ics"))
    assert actions.import_calendar_url(bad.pk) == "failed"
    bad.refresh_from_db()
    assert "Nowhere/Land" in bad.message and Event.objects.count() == 0


def test_import_form_needs_exactly_one_source(client):
    editor = get_user_model().objects.create_user("ed", "ed@example.org")
    assign_role(editor, EDITOR)
    client.force_login(editor)
    assert client.post("/events/import/", {}).status_code == 400
    assert client.post("/events/import/", {"url": "ftp://example.org/cal.ics"}).status_code == 400
