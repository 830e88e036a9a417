from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from omvarld.editorial import backup


class Command(BaseCommand):
    help = "Take a consistent copy of the running site's database (SQLite online backup, or pg_dump)."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(settings.DATA_DIR / "backups"), help="Folder for the copy (default: OMVARLD_DATA_DIR/backups)")

    def handle(self, *args, directory, **options):
        try:
            path = backup.backup(Path(directory))
        except backup.BackupError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(str(path))
