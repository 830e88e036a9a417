from django.core.management.base import BaseCommand

from omvarld.analytics.actions import rollup


class Command(BaseCommand):
    help = "Fold raw analytics events into per-day figures and delete finished days' events and salts (the worker does this every few minutes)."

    def handle(self, *args, **options):
        days = rollup()
        self.stdout.write(f"rolled up {days} day(s)")
