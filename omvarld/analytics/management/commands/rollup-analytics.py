import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from omvarld.analytics.actions import backfill_sources, rollup


class Command(BaseCommand):
    help = "Fold raw analytics events into per-day figures and delete finished days' events and salts (the worker does this every few minutes)."

    def add_arguments(self, parser):
        parser.add_argument("--sources-since", metavar="YYYY-MM-DD", help="Also count the inbox's entries per source for every day since this date")

    def handle(self, *args, **options):
        if options["sources_since"]:
            try:
                since = dt.date.fromisoformat(options["sources_since"])
            except ValueError:
                raise CommandError("--sources-since must be a date like 2026-01-31") from None
            backfill_sources(since)
        days = rollup()
        self.stdout.write(f"rolled up {days} day(s)")
