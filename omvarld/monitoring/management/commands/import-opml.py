from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from omvarld.monitoring import actions
from omvarld.monitoring.errors import describe


class Command(BaseCommand):
    help = "Add the feeds of an OPML subscription list as sources."

    def add_arguments(self, parser):
        parser.add_argument("file", help="OPML file")

    def handle(self, *args, file, **opts):
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        try:
            report = actions.import_opml(data=data, user=None)
        except actions.SourceError as exc:
            raise CommandError(f"{file}: {describe(exc.key, exc.params)}") from None
        for url, key in report.invalid:
            self.stderr.write(f"refused {url}: {describe(key)}")
        self.stdout.write(f"{report.created} sources added, {report.existing} already present, {len(report.invalid)} refused.")
