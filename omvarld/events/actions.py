"""Changing the calendar: importing iCalendar files and reminding responsible people of deadlines."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from omvarld.accounts import emails

from . import ical
from .models import Deadline, Event

log = logging.getLogger(__name__)

REMINDER_DAYS = 7  # a deadline's reminder goes out this many days before it is due


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0


@transaction.atomic
def import_calendar(data: bytes) -> ImportReport:
    """Create or update (by UID) the events of an iCalendar file. Any problem raises
    ``ical.CalendarError`` with every reason, and nothing is stored."""
    result = ical.parse(data)
    if result.errors:
        shown = result.errors[:10]
        more = len(result.errors) - len(shown)
        raise ical.CalendarError("\n".join(shown + ([f"… (+{more})"] if more else [])))
    report = ImportReport()
    for p in result.events:
        values = {
            "title": p.title, "description": p.description, "starts_at": p.starts_at, "ends_at": p.ends_at,
            "all_day": p.all_day, "time_zone": p.time_zone, "venue": p.venue, "url": p.url,
            "organiser": p.organiser, "latitude": p.latitude, "longitude": p.longitude,
            "sequence": p.sequence, "imported": True,
        }
        existing = Event.objects.filter(uid=p.uid).first()
        if existing is None:
            Event.objects.create(uid=p.uid, **values)
            report.created += 1
        else:
            for k, v in values.items():
                if k == "imported":
                    continue  # an event made here and re-imported stays ours
                setattr(existing, k, v)
            existing.save()
            report.updated += 1
    return report


def due_deadlines(today: dt.date):
    return (
        Deadline.objects.select_related("plan__event")
        .filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=REMINDER_DAYS))
        .exclude(plan__status__in=["done", "dropped"])
    )


def send_deadline_reminders(now=None) -> int:
    """Mail the responsible people of every deadline due within REMINDER_DAYS, once per due
    date (a moved date is reminded again). Safe in several workers: each deadline is claimed
    with a conditional update before its mail is sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for deadline in due_deadlines(today):
        if deadline.reminded_for == deadline.due_on:
            continue
        claimed = (
            Deadline.objects.filter(pk=deadline.pk, due_on=deadline.due_on)
            .exclude(reminded_for=deadline.due_on)
            .update(reminded_for=deadline.due_on)
        )
        if not claimed:
            continue
        event = deadline.plan.event
        for person in deadline.plan.responsible.filter(is_active=True).exclude(email=""):
            context = {"deadline": deadline, "event": event, "plan": deadline.plan, "person": person,
                       "days_left": (deadline.due_on - today).days}
            try:
                emails.send("events/email/deadline_reminder", person.email, context, language=None)
            except Exception:  # one bad address must not stop the others
                log.exception("deadline reminder to %s failed", person.pk)
            else:
                sent += 1
    return sent




def import_calendar_url(import_id: int) -> str:
    """Fetch a calendar URL through the guarded fetcher (no private addresses, size and time
    limits) and import it; the outcome is kept on the CalendarImport row. Runs in the worker."""
    from django.conf import settings

    from omvarld.lib.fetch import FetchError, FetchPolicy, fetch

    from .models import CalendarImport

    claimed = CalendarImport.objects.filter(pk=import_id, state=CalendarImport.State.PENDING).update(state=CalendarImport.State.RUNNING)
    if not claimed:
        return "not pending"
    job = CalendarImport.objects.get(pk=import_id)
    policy = FetchPolicy(
        connect_timeout=settings.FETCH_CONNECT_TIMEOUT, total_timeout=settings.FETCH_TIMEOUT,
        max_bytes=ical.MAX_FILE_BYTES, allow_loopback=settings.FETCH_ALLOW_LOOPBACK,
        accept="text/calendar, application/octet-stream;q=0.5, */*;q=0.1",
    )
    try:
        body = fetch(job.url, policy).body
        report = import_calendar(body)
    except FetchError as exc:
        job.state, job.message = CalendarImport.State.FAILED, _fetch_message(exc)
    except ical.CalendarError as exc:
        job.state, job.message = CalendarImport.State.FAILED, str(exc)
    else:
        job.state, job.created, job.updated, job.message = CalendarImport.State.DONE, report.created, report.updated, ""
    job.finished_at = timezone.now()
    job.save()
    return job.state


def _fetch_message(exc) -> str:
    from omvarld.monitoring.errors import describe

    return str(describe(exc.key, exc.params))
