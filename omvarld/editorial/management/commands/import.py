from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from omvarld.editorial import transfer


class Command(BaseCommand):
    help = "Load a file written by `omvarld export` into an empty database. A damaged or foreign file changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export to load")

    def handle(self, *args, file, **options):
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(f"Cannot read {file}: {e}") from None
        try:
            counts = transfer.import_site(transfer.read_export(text))
        except transfer.ImportRefused as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"Imported {sum(counts.values())} records from {file}.")
