from django.core.management.base import BaseCommand

from omvarld.demo.loader import DEMO_FILE, load_demo
from omvarld.demo.snapshot import load_desk, load_snapshot


class Command(BaseCommand):
    help = "Load the demo map (the report's cities, networks, organisations, events and items) and demo sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEMO_FILE), help="YAML file to load (default: the bundled demo)")
        parser.add_argument("--no-users", action="store_true", help="Do not create the demo sign-ins")
        parser.add_argument("--no-news", action="store_true",
                            help="Do not replay the recorded monitoring snapshot (inbox, tips, notices, newsletter)")

    def handle(self, *args, **opts):
        report = load_demo(opts["file"], with_users=not opts["no_users"])
        for name, n in report.counts.items():
            self.stdout.write(f"{name}: {n}")
        if not opts["no_news"] and opts["file"] == str(DEMO_FILE):
            news = load_snapshot()
            desk = load_desk()
            self.stdout.write(
                f"demo entries (recorded snapshot, dated from today): {news.entries} in {news.clusters} clusters, "
                f"{news.tips} tips; suggestions: {desk.suggestions}; notices: {desk.notices}; newsletter draft: {desk.newsletter}"
            )
        if report.users:
            self.stdout.write(self.style.SUCCESS("Demo sign-ins (change them before going live):"))
            for username, role, password in report.users:
                self.stdout.write(f"  {role:8} user: {username:8} password: {password}")
