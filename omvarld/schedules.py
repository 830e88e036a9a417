"""Every recurring job of the product, in one place.

``omvarld worker`` runs these beside the queue of one-off tasks. Each job is safe to run in
several workers at once (they claim work with conditional updates), so a second worker on
another machine only adds capacity.

| job                     | how often                 | where |
|-------------------------|---------------------------|-------|
| fetch due sources       | continuously, per source's own next_check_at | omvarld.monitoring.scheduler |
| plan and queue digests  | every DIGEST_PLAN_INTERVAL seconds            | plan_and_queue_digests below |
| analytics rollup        | every ANALYTICS_ROLLUP_MINUTES minutes        | rollup_analytics below |
| send due mail (retries) | every DIGEST_PLAN_INTERVAL seconds            | send_due_mail below |
| trend radar table       | hourly; "what is rising" summary on Mondays   | omvarld.trends.jobs.run_due |
| feed pool, ranking model, "for you" mail | pool every 5 min, model every 6 h, mail Mondays | omvarld.personal.jobs.run_due |
| event deadline reminders | every DIGEST_PLAN_INTERVAL seconds (once per due date) | send_event_deadline_reminders below |
"""

import logging
import threading
import time

from django.conf import settings

log = logging.getLogger(__name__)


def plan_and_queue_digests() -> int:
    """Plan the digests that are due (immediate, daily, weekly) and queue their sending."""
    from omvarld.subscriptions import actions
    from omvarld.subscriptions.models import Subscription

    for rhythm in Subscription.Rhythm.values:
        actions.plan_digests(rhythm=rhythm)
    return actions.enqueue_pending()


def rollup_analytics() -> int:
    """Fold raw analytics events into per-day figures; delete finished days' events and salts."""
    from omvarld.analytics.actions import rollup

    return rollup()


def send_due_mail() -> int:
    """Queue the sending of outbox mail that is due again (retries, wake-ups that were lost)."""
    from omvarld.outbox import actions

    return actions.wake_due()


def run_feed_and_trends() -> None:
    """The trend radar first (the feed pool reads what is rising), then the personal feed."""
    from omvarld.personal import jobs as personal_jobs
    from omvarld.trends import jobs as trend_jobs

    for name, job in (("trend radar", trend_jobs.run_due), ("personal feed", personal_jobs.run_due)):
        try:
            job()
        except Exception:  # the worker must keep running; the failure is in the log
            log.exception("%s jobs failed", name)


def send_event_deadline_reminders() -> int:
    """Remind responsible people of participation-plan deadlines (once per due date)."""
    from omvarld.events import actions

    return actions.send_deadline_reminders()


def run_periodic(stop: threading.Event, interval: float | None = None) -> None:
    """Run the periodic jobs until ``stop`` is set; a failing job is logged and retried next time."""
    interval = interval or settings.DIGEST_PLAN_INTERVAL
    next_rollup = 0.0
    while not stop.is_set():
        try:
            plan_and_queue_digests()
        except Exception:  # the worker must keep running; the failure is in the log
            log.exception("planning digests failed")
        if time.monotonic() >= next_rollup:
            next_rollup = time.monotonic() + settings.ANALYTICS_ROLLUP_MINUTES * 60
            try:
                rollup_analytics()
            except Exception:
                log.exception("analytics rollup failed")
        try:
            send_due_mail()
        except Exception:
            log.exception("queueing due mail failed")
        run_feed_and_trends()
        try:
            send_event_deadline_reminders()
        except Exception:  # the worker must keep running; the failure is in the log
            log.exception("event deadline reminders failed")
        stop.wait(interval)
