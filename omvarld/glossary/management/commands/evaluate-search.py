import json

from django.core.management.base import BaseCommand

from omvarld.glossary.evaluation import PAIRS_FILE, evaluate, read_pairs


class Command(BaseCommand):
    help = "Cross-language search: recall of Swedish and English query pairs against the union of both (#17)."

    def add_arguments(self, parser):
        parser.add_argument("--pairs", default=str(PAIRS_FILE), help="TSV file of Swedish<TAB>English queries")
        parser.add_argument("--errors", action="store_true", help="list the pairs where a query misses items")

    def handle(self, *args, pairs, errors, **options):
        from pathlib import Path

        report = evaluate(read_pairs(Path(pairs)))
        f = report.figures()
        out = self.stdout.write
        out(f"Query pairs: {f['pairs']} ({f['pairs_with_hits']} with at least one hit on this map)")
        out("Recall against the union of both queries' items (mean over pairs):")
        out(f"  with expansion     English {f['en_recall']:.3f}   Swedish {f['sv_recall']:.3f}")
        out(f"  without expansion  English {f['en_recall_before']:.3f}   Swedish {f['sv_recall_before']:.3f}"
            f"   (English against today's union: {f['en_recall_before_vs_union_now']:.3f})")
        out(f"Swedish queries keep {f['sv_kept']:.3f} of the items they found without expansion")
        out(f"Mean hits per query: English {f['mean_hits_en']}, Swedish {f['mean_hits_sv']}")
        if errors:
            for p in report.errors():
                out(f"- {p.sv!r} {len(p.sv_hits)} / {p.en!r} {len(p.en_hits)}: union {len(p.union)}, "
                    f"sv misses {sorted(p.union - p.sv_hits)}, en misses {sorted(p.union - p.en_hits)}")
        out(json.dumps(f))
