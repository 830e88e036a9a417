from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from omvarld.editorial import backup


class Command(BaseCommand):
    help = "Replace the site's database with a copy made by `omvarld backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A file made by `omvarld backup`")
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="Do not ask for confirmation")

    def handle(self, *args, file, interactive, **options):
        if interactive and input(f"Replace everything in the database with {file}? Type 'yes': ").strip() != "yes":
            raise CommandError("Nothing restored.")
        try:
            backup.restore(Path(file))
        except backup.BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"Restored {file}.")
