import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from omvarld.monitoring import actions


class Command(BaseCommand):
    help = "Write every feed source as an OPML list, to FILE or to standard output."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Output file (default: standard output)")

    def handle(self, *args, file=None, **opts):
        data = actions.export_opml()
        if file:
            Path(file).write_bytes(data)
            self.stderr.write(f"Wrote {file}")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
