import sys

from django.core.management.base import BaseCommand

from omvarld.editorial import transfer


class Command(BaseCommand):
    help = "Write the whole site (taxonomy, entities, items, suggestions, revisions, users without secrets) to one JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-", help="Where to write; '-' or nothing for standard output")

    def handle(self, *args, file, **options):
        if file == "-":
            transfer.write_export(sys.stdout)
            return
        with open(file, "w", encoding="utf-8") as out:
            counts = transfer.write_export(out)
        self.stderr.write(f"Exported {sum(counts.values())} records to {file}.")
