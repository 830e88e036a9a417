import json

from django.core.management.base import BaseCommand, CommandError

from omvarld.monitoring.errors import describe
from omvarld.monitoring.inspection import InspectError, inspect


class Command(BaseCommand):
    help = ("Show what the pipeline makes of one feed, web page or plain-text file (URL or path), "
            "without storing anything.")
    # It reads and stores nothing of the site's pages; checking every URL pattern (which imports
    # every view) would only slow it down.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("target", metavar="URL_OR_FILE")
        parser.add_argument("--json", action="store_true", help="Print one JSON document (a list of entries, or an object with an error)")
        parser.add_argument("--chars", type=int, default=600, help="Characters of text to show per entry (not with --json)")

    def handle(self, *args, target, json=False, chars=600, **opts):
        try:
            report = inspect(target)
        except InspectError as exc:
            message = describe(exc.key, exc.params)
            if json:
                self.stdout.write(_dumps({"error": message, "code": exc.key}))
            raise CommandError(message, returncode=2) from None
        if json:
            self.stdout.write(_dumps(report["entries"]))
            return
        entries = report["entries"]
        self.stdout.write(f"Kind: {report['kind']} · {len(entries)} entries")
        for n, e in enumerate(entries, 1):
            self.stdout.write("")
            self.stdout.write(f"[{n}] {e['title']}")
            self.stdout.write(f"    link: {e['link'] or '–'}")
            self.stdout.write(f"    language: {e['language'] or '?'} · published: {e['published'] or '–'} · relevance: {e['relevance']:.2f} · cluster: {e['cluster']}"
                              + (f" (near-duplicate of stored entries {e['near_duplicates_stored']})" if e["near_duplicates_stored"] else ""))
            for label, tags in (("entities", e["entities"]), ("themes", e["themes"])):
                if tags:
                    self.stdout.write(f"    {label}:")
                    for t in tags:
                        self.stdout.write(f"      - {t['name']} ({t['confidence']:.2f}): {t['reason']}")
                else:
                    self.stdout.write(f"    {label}: none")
            text = e["text"]
            self.stdout.write("    text: " + (text[:chars] + ("…" if len(text) > chars else "")))


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
