"""Every recurring job of the product, in one place.

``omvarld worker`` runs these beside the queue of one-off tasks. Each job is safe to run in
several workers at once (they claim work with conditional updates), so a second worker on
another machine only adds capacity.

| job                     | how often                 | where |
|-------------------------|---------------------------|-------|
| fetch due sources       | continuously, per source's own next_check_at | omvarld.monitoring.scheduler |
| plan and queue digests  | every DIGEST_PLAN_INTERVAL seconds            | plan_and_queue_digests below |
| event deadline reminders | every DIGEST_PLAN_INTERVAL seconds (once per due date) | send_event_deadline_reminders below |
"""

import logging
import threading

from django.conf import settings

log = logging.getLogger(__name__)


def plan_and_queue_digests() -> int:
    """Plan the digests that are due (immediate, daily, weekly) and queue their sending."""
    from omvarld.subscriptions import actions
    from omvarld.subscriptions.models import Subscription

    for rhythm in Subscription.Rhythm.values:
        actions.plan_digests(rhythm=rhythm)
    return actions.enqueue_pending()


def send_event_deadline_reminders() -> int:
    """Remind responsible people of participation-plan deadlines (once per due date)."""
    from omvarld.events import actions

    return actions.send_deadline_reminders()


def run_periodic(stop: threading.Event, interval: float | None = None) -> None:
    """Run the periodic jobs until ``stop`` is set; a failing job is logged and retried next time."""
    interval = interval or settings.DIGEST_PLAN_INTERVAL
    while not stop.is_set():
        try:
            plan_and_queue_digests()
        except Exception:  # the worker must keep running; the failure is in the log
            log.exception("planning digests failed")
        try:
            send_event_deadline_reminders()
        except Exception:  # the worker must keep running; the failure is in the log
            log.exception("event deadline reminders failed")
        stop.wait(interval)
