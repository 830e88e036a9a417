from django.core.management.base import BaseCommand, CommandError

from omvarld.lib.programme import ProfileError
from omvarld.programmes.actions import create_programme


class Command(BaseCommand):
    help = (
        "Create a new programme's site from a profile file: its own data folder and database with the "
        "profile's taxonomy, themes, sources and look. Nothing is shared with other programmes."
    )

    def add_arguments(self, parser):
        parser.add_argument("profile", help="Profile file (YAML), e.g. omvarld/programmes/profiles/mobility.yaml")
        parser.add_argument("data_dir", help="New, empty folder for the programme's database, static files and backups")
        parser.add_argument("--database-url", default="", help="An empty PostgreSQL database for the programme (default: SQLite in the folder)")
        parser.add_argument("--no-content", action="store_true", help="Leave out the entities and items of the profile's content file")

    def handle(self, *args, **opts):
        try:
            env_file = create_programme(opts["profile"], opts["data_dir"], database_url=opts["database_url"],
                                        with_content=not opts["no_content"], out=self.stdout)
        except ProfileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Programme created; its settings are in {env_file}"))
        self.stdout.write(f"Start it with:  set -a; . {env_file}; set +a; omvarld serve")
