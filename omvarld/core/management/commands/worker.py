from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run a background worker: takes queued tasks (fetching, processing, digests) from the database queue."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the queued tasks, then exit")

    def handle(self, *args, **opts):
        # django-tasks-db's worker claims each task with a row lock, so several workers on several
        # machines sharing one PostgreSQL never run the same task twice.
        argv = ["--queue-name", "*"] + (["--batch"] if opts["once"] else [])
        call_command("db_worker", *argv)
