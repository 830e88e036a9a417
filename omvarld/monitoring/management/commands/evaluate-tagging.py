import json

from django.core.management.base import BaseCommand

from omvarld.monitoring.evaluation import evaluate


class Command(BaseCommand):
    help = "Tag the labelled evaluation texts and print precision and recall per tag and micro-averaged."

    def add_arguments(self, parser):
        parser.add_argument("--errors", action="store_true", help="List every missed and wrong tag")

    def handle(self, *args, errors=False, **opts):
        result = evaluate.evaluate()
        self.stdout.write(evaluate.report(result, show_errors=errors))
        self.stdout.write(json.dumps({"texts": result["texts"], **{
            k: {m: round(result[k][m], 3) for m in ("precision", "recall", "f1")} for k in ("entities", "themes")}}))
