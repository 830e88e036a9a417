from django.core.management.base import BaseCommand, CommandError

from omvarld.monitoring import actions
from omvarld.monitoring.models import Source
from omvarld.monitoring.scheduler import claim_source, new_worker_id


class Command(BaseCommand):
    help = "Fetch one source now (by id or address), whether due or paused, and print what happened."

    def add_arguments(self, parser):
        parser.add_argument("source", help="Source id or address")

    def handle(self, *args, source, **opts):
        found = Source.objects.filter(pk=int(source)).first() if source.isdigit() else Source.objects.filter(url=source).first()
        if found is None:
            raise CommandError(f"No source {source!r}.")
        worker = new_worker_id()
        if not claim_source(found.pk, worker, due_only=False):
            raise CommandError("Another worker is fetching this source right now; try again in a moment.")
        result = actions.fetch_source(source=found, worker=worker)
        if result.error_key:
            raise CommandError(f"{found}: {result.error} (HTTP {result.status or '–'})")
        self.stdout.write(f"{found}: HTTP {result.status}, {result.entries_seen} entries seen, {result.entries_new} new, {result.duration_ms} ms")
