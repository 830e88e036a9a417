from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from omvarld.monitoring import actions
from omvarld.monitoring.errors import describe
from omvarld.monitoring.opml import MAX_BYTES


class Command(BaseCommand):
    help = "Add the feeds of an OPML (or RDF/FOAF) subscription list as sources, and report what was not added."

    def add_arguments(self, parser):
        parser.add_argument("file", help="OPML file")

    def handle(self, *args, file, **opts):
        with translation.override("en"):
            try:
                with Path(file).open("rb") as f:
                    data = f.read(MAX_BYTES + 1)  # a larger file is refused without being read whole
            except OSError as exc:
                raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
            try:
                report = actions.import_opml(data=data, user=None)
            except actions.SourceError as exc:
                raise CommandError(f"{file}: {describe(exc.key, exc.params)}") from None
            for p in report.unsafe:
                self.stderr.write(f"{file}:{p.line}: skipped as unsafe: {p.what}: {p.message}")
            for p in report.unreadable:
                self.stderr.write(f"{file}:{p.line}: unreadable{': ' + p.what if p.what else ''}: {p.message}")
            self.stdout.write(
                f"{report.created} feeds added, {report.existing} already present, "
                f"{len(report.unsafe)} skipped as unsafe addresses, {len(report.unreadable)} unreadable."
            )
