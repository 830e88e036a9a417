import datetime as dt

from django.core.management.base import BaseCommand

from omvarld.newsdesk import actions


class Command(BaseCommand):
    help = "Build (or rebuild, while still a draft) the weekly newsletter draft from the week's notices and map updates."

    def add_arguments(self, parser):
        parser.add_argument("--week", type=dt.date.fromisoformat, help="Any day of the week (YYYY-MM-DD); default this week")

    def handle(self, *args, week=None, **options):
        draft = actions.build_newsletter_draft(week_start=week)
        self.stdout.write(f"{draft.week_start}: {draft.subject} ({draft.get_status_display()})")
