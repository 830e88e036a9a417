from django.core.management.base import BaseCommand

from omvarld.monitoring.evaluation import evaluate


class Command(BaseCommand):
    help = "Tag the labelled evaluation texts and print precision and recall per tag and micro-averaged."

    def add_arguments(self, parser):
        parser.add_argument("--errors", action="store_true", help="List every missed and wrong tag")
        parser.add_argument("--agreement", action="store_true", help="Also print how far two human readers agree on themes")

    def handle(self, *args, errors=False, agreement=False, **opts):
        self.stdout.write(evaluate.run(show_errors=errors, show_agreement=agreement))
