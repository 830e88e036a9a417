from django.core.management.base import BaseCommand

from omvarld.core.indexing import reindex_all


class Command(BaseCommand):
    help = "Rebuild the full-text search index of entities and published items."

    def handle(self, *args, **opts):
        n = reindex_all()
        self.stdout.write(f"indexed {n} documents")
