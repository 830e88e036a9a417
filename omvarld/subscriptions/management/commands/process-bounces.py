import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from omvarld.subscriptions import actions, bounces
from omvarld.subscriptions.models import Subscriber


class Command(BaseCommand):
    help = (
        "Stop mail to addresses that bounce or complain. Reads bounce (RFC 3464) and complaint "
        "(RFC 5965) report messages from files, or one from standard input; or takes --address."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Report messages (.eml); '-' or none reads standard input")
        parser.add_argument("--address", action="append", default=[], help="Stop this address directly (repeatable)")
        parser.add_argument("--reason", choices=[Subscriber.StopReason.BOUNCED, Subscriber.StopReason.COMPLAINED], default=Subscriber.StopReason.BOUNCED)

    def handle(self, *args, **opts):
        reports = [(a, opts["reason"]) for a in opts["address"]]
        sources = opts["files"] or ([] if opts["address"] else ["-"])
        for name in sources:
            try:
                raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {name}: {exc}") from exc
            reports += bounces.parse_report(raw)
        stopped = actions.stop_addresses(reports=reports)
        self.stdout.write(f"{len(reports)} addresses reported, {stopped} stopped")
