"""iCalendar (RFC 5545) for the events calendar: writing feeds and reading files, with the
``icalendar`` library. Reading only parses and checks: ``actions.import_calendar`` stores."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Event, time_zone_names

PRODID = "-//Viable Cities//Omvärld events//EN"
MAX_FILE_BYTES = 2 * 1024 * 1024  # a calendar of a few thousand events fits easily
MAX_EVENTS = 5000
MAX_TEXT = 20_000  # characters in one description


class CalendarError(ValueError):
    """A calendar file that cannot be imported; the message is for the editor."""


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def build(events, *, name: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return cal.to_ical()


def _vevent(event: Event) -> icalendar.Event:
    ve = icalendar.Event()
    ve.add("uid", event.uid)
    ve.add("dtstamp", _utc(event.updated_at or timezone.now()))
    ve.add("created", _utc(event.created_at or timezone.now()))
    ve.add("last-modified", _utc(event.updated_at or timezone.now()))
    ve.add("sequence", event.sequence)
    ve.add("summary", event.title)
    if event.all_day:
        start = event.local_start.date()
        ve.add("dtstart", start)
        ve.add("dtend", max(event.local_end.date(), start) + dt.timedelta(days=1))
    else:
        ve.add("dtstart", event.local_start)
        ve.add("dtend", event.local_end)
    if event.description:
        ve.add("description", event.description)
    place = ", ".join(p for p in (event.venue, event.city, event.country) if p)
    if place:
        ve.add("location", place)
    if event.latitude is not None and event.longitude is not None:
        ve.add("geo", (event.latitude, event.longitude))
    if event.url:
        ve.add("url", event.url)
    if event.organiser:
        org = icalendar.vCalAddress("mailto:noreply@invalid")
        org.params["cn"] = icalendar.vText(event.organiser)
        ve.add("organizer", org)
    for theme in event.themes.all():
        ve.add("categories", [theme.label_en or theme.label_sv])
    ve.add("status", "CONFIRMED" if event.dates_confirmed else "TENTATIVE")
    return ve


@dataclass
class Parsed:
    uid: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    all_day: bool
    time_zone: str
    description: str = ""
    venue: str = ""
    url: str = ""
    organiser: str = ""
    latitude: float | None = None
    longitude: float | None = None
    sequence: int = 0


@dataclass
class ParseResult:
    events: list[Parsed] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _text(component, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0]
    return str(value).strip()


def _zone_of(prop, value: dt.datetime, default: str) -> str | None:
    """The IANA name of a date-time's zone; None when the zone is unknown.

    A zone the file defines itself (a VTIMEZONE with a private name) is kept as the exact
    moment in UTC; a TZID that neither the file nor the IANA database defines is unknown."""
    tzid = prop.params.get("TZID") if prop is not None else None
    if value.tzinfo is None:
        if tzid:
            return tzid if tzid in time_zone_names() else None
        return default  # floating time: the calendar's (or the site's) zone
    key = getattr(value.tzinfo, "key", None)
    if key in time_zone_names():
        return key
    if tzid in time_zone_names():
        return tzid
    return "UTC"


def _moment(value, zone: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=zoneinfo.ZoneInfo(zone))
        return value.astimezone(zoneinfo.ZoneInfo(zone))
    return dt.datetime.combine(value, dt.time.min, tzinfo=zoneinfo.ZoneInfo(zone))


def parse(data: bytes) -> ParseResult:
    """Check a calendar file and return its events, or raise CalendarError for the whole file.
    Problems with single events are returned in ``errors`` (the import then stores nothing)."""
    if len(data) > MAX_FILE_BYTES:
        raise CalendarError(_("The file is %(size)s MB; at most %(max)s MB can be imported.") % {
            "size": round(len(data) / 1024 / 1024, 1), "max": MAX_FILE_BYTES // 1024 // 1024})
    if data.count(b"BEGIN:VEVENT") > MAX_EVENTS:
        raise CalendarError(_("The file holds more than %(max)s events; split it into smaller files.") % {"max": MAX_EVENTS})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CalendarError(_("The file is not UTF-8 text: %(error)s") % {"error": exc}) from exc
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # the library raises ValueError, KeyError, IndexError… on broken input
        raise CalendarError(_("This is not a readable iCalendar file: %(error)s") % {"error": str(exc) or type(exc).__name__}) from exc
    if calendars and all(getattr(c, "name", "") == "VEVENT" for c in calendars):
        # Bare VEVENTs (no VCALENDAR around them), as some programs export one event.
        wrapper = icalendar.Calendar()
        for c in calendars:
            wrapper.add_component(c)
        calendars = [wrapper]
    calendars = [c for c in calendars if getattr(c, "name", "") == "VCALENDAR"]
    if not calendars:
        raise CalendarError(_("The file holds no VCALENDAR."))
    result = ParseResult()
    for cal in calendars:
        default_zone = _text(cal, "X-WR-TIMEZONE")
        if default_zone not in time_zone_names():
            default_zone = settings.TIME_ZONE
        for n, ve in enumerate(cal.walk("VEVENT"), start=1):
            try:
                parsed = _event(ve, default_zone)
            except (CalendarError, ValueError, TypeError, KeyError, AttributeError) as exc:
                title = _text(ve, "SUMMARY") or "?"
                result.errors.append(_("Event %(n)s (%(title)s): %(error)s") % {"n": n, "title": title[:80], "error": exc})
            else:
                result.events.append(parsed)
    if len(result.events) + len(result.errors) > MAX_EVENTS:
        raise CalendarError(_("The file holds more than %(max)s events; split it into smaller files.") % {"max": MAX_EVENTS})
    if not result.events and not result.errors:
        raise CalendarError(_("The file holds no events."))
    return result


def _event(ve, default_zone: str) -> Parsed:
    if getattr(ve, "errors", None):
        raise CalendarError("; ".join(f"{prop}: {err}" for prop, err in ve.errors))
    uid = _text(ve, "UID")
    if not uid:
        raise CalendarError(_("it has no UID"))
    if len(uid) > 255:
        raise CalendarError(_("its UID is longer than 255 characters"))
    title = _text(ve, "SUMMARY") or _("Untitled event")
    description = _text(ve, "DESCRIPTION")
    if len(description) > MAX_TEXT:
        raise CalendarError(_("its description has %(n)s characters; at most %(max)s are allowed") % {"n": len(description), "max": MAX_TEXT})
    for name in ("DTSTART", "DTEND", "DURATION", "GEO"):
        if isinstance(ve.get(name), list):
            raise CalendarError(_("it has more than one %(name)s") % {"name": name})
    start_prop = ve.get("DTSTART")
    if start_prop is None:
        raise CalendarError(_("it has no DTSTART"))
    start = start_prop.dt
    if not isinstance(start, dt.date):
        raise CalendarError(_("its DTSTART is not a date"))
    all_day = not isinstance(start, dt.datetime)
    zone = default_zone if all_day else _zone_of(start_prop, start, default_zone)
    if zone is None:
        raise CalendarError(_("unknown time zone %(tz)s") % {"tz": start_prop.params.get("TZID") or start.tzname()})
    end_prop = ve.get("DTEND")
    if end_prop is not None:
        end = end_prop.dt
        if isinstance(end, dt.datetime) and not all_day and _zone_of(end_prop, end, zone) is None:
            raise CalendarError(_("unknown time zone %(tz)s") % {"tz": end_prop.params.get("TZID") or end.tzname()})
    elif ve.get("DURATION") is not None:
        end = start + ve.get("DURATION").dt
    else:
        end = start + dt.timedelta(days=1) if all_day else start
    if all_day:
        if isinstance(end, dt.datetime):
            end = end.date()
        # DTEND of an all-day event is exclusive; store the last day's start.
        end = max(end - dt.timedelta(days=1), start)
    starts_at, ends_at = _moment(start, zone), _moment(end, zone)
    if ends_at < starts_at:
        raise CalendarError(_("it ends before it starts"))
    geo = ve.get("GEO")
    lat = lon = None
    if geo is not None:
        lat, lon = float(geo.latitude), float(geo.longitude)
    organiser = ""
    org = ve.get("ORGANIZER")
    if org is not None:
        if isinstance(org, list):
            org = org[0]
        organiser = str(org.params.get("CN", "")) or str(org).removeprefix("mailto:").removeprefix("MAILTO:")
    url = _text(ve, "URL")
    if url and not url.lower().startswith(("http://", "https://")):
        url = ""
    try:
        sequence = int(str(ve.get("SEQUENCE", 0)))
    except ValueError:
        sequence = 0
    return Parsed(
        uid=uid, title=title[:255], starts_at=starts_at, ends_at=ends_at, all_day=all_day, time_zone=zone,
        description=description, venue=_text(ve, "LOCATION")[:255], url=url[:500], organiser=organiser[:255],
        latitude=lat, longitude=lon, sequence=max(sequence, 0),
    )
