import signal
import time

from django.core.management.base import BaseCommand

from omvarld.outbox import actions as outbox
from omvarld.subscriptions import actions
from omvarld.subscriptions.models import Subscription

RHYTHMS = [r for r, _ in Subscription.Rhythm.choices]


class Command(BaseCommand):
    help = (
        "Plan the digests that are due and send every mail waiting (digests, newsletters): one pass, "
        "in this process. Safe to run again at any time: nothing already sent is sent twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rhythm", choices=RHYTHMS, action="append", help="Only this rhythm (repeatable); default all")
        parser.add_argument("--enqueue", action="store_true", help="Hand the mails to background workers in batches instead of sending here")
        parser.add_argument("--loop", action="store_true", help="Repeat every --interval seconds until stopped (SIGTERM)")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between passes with --loop (default 60)")

    def handle(self, *args, **opts):
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        while True:
            self.run_once(opts["rhythm"] or RHYTHMS, enqueue=opts["enqueue"])
            if not opts["loop"] or self.stopping:
                return
            for _ in range(opts["interval"]):
                if self.stopping:
                    return
                time.sleep(1)

    def _stop(self, signum, frame):
        self.stopping = True

    def run_once(self, rhythms, *, enqueue: bool) -> None:
        for rhythm in rhythms:
            created = actions.plan_digests(rhythm=rhythm)
            self.stdout.write(f"{rhythm}: {created} digests planned")
        if enqueue:
            self.stdout.write(f"{actions.enqueue_pending()} sending tasks queued")
            return
        report = actions.send_pending()
        self.stdout.write(f"sent {report.sent}, failed {report.failed}, skipped {report.skipped}, deferred {report.deferred} (queued in the outbox)")
        if not outbox.mail_server_configured():
            self.stdout.write("no mail server is configured (EMAIL_HOST): the mail stays in the outbox, readable at /outbox/")
            return
        mail = outbox.deliver(limit=10**9)
        self.stdout.write(
            f"outbox: sent {mail.sent}, to retry {mail.retrying}, failed {mail.failed}"
            + (" (stopped early: the mail server is unreachable)" if mail.aborted else "")
        )
