"""OPML round trip over the shared subscription lists: feed addresses kept after
import -> export -> import, compared with listparser's reading of each list.

Every list under the test fixtures (a copy of shared/data/opml, plus our FOAF and damaged lists)
is imported into an empty SQLite database; the sources are exported as one OPML file, the
database is emptied, and the export is imported again. Figures: the addresses listparser finds,
how many of them the first import added, how many survive the round trip (with title and folder
path unchanged), and the time taken. Last line: JSON.

    .venv/bin/python benchmarks/opml_roundtrip.py [--data DIR]
"""

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT / "omvarld/monitoring/tests/fixtures/opml"),
                        help="folder of OPML lists (default: the test fixtures, a copy of shared/data/opml)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="opml-bench-")
    os.environ["OMVARLD_DATA_DIR"] = tmp
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omvarld.settings")
    import django

    django.setup()
    import listparser
    from django.core.management import call_command

    from omvarld.monitoring import actions
    from omvarld.monitoring.models import Source

    call_command("migrate", verbosity=0)
    files = sorted(p for p in Path(args.data).rglob("*") if p.is_file() and p.suffix not in (".tsv", ".md", ".txt"))
    reference: set[str] = set()
    refused = unsafe = unreadable = 0
    started = time.perf_counter()
    for path in files:
        data = path.read_bytes()
        reference |= {f.url for f in listparser.parse(data).feeds}
        try:
            report = actions.import_opml(data=data, user=None)
        except actions.SourceError:
            refused += 1
            continue
        unsafe += len(report.unsafe)
        unreadable += len(report.unreadable)
    first_s = time.perf_counter() - started
    first = {(s.url, s.title, s.category) for s in Source.objects.all()}
    t0 = time.perf_counter()
    exported = actions.export_opml()
    Source.objects.all().delete()
    again = actions.import_opml(data=exported, user=None)
    round_s = time.perf_counter() - t0
    second = {(s.url, s.title, s.category) for s in Source.objects.all()}

    first_urls = {r[0] for r in first}
    kept = {r[0] for r in first & second}
    print(f"lists: {len(files)} ({refused} refused whole: not subscription lists)")
    print(f"feed addresses listparser finds: {len(reference)}; first import added {len(first_urls)}"
          f" ({len(reference & first_urls)} of listparser's, {len(first_urls - reference)} more recovered from damaged tags)")
    print(f"outlines reported: {unsafe} unsafe, {unreadable} unreadable; re-import: {again.created} added, "
          f"{len(again.unsafe)} unsafe, {len(again.unreadable)} unreadable")
    print(f"kept after import -> export -> import (address, title and folder path identical): {len(kept)} of {len(first_urls)}")
    missing = sorted(reference - {r[0] for r in second})
    for url in missing[:20]:
        print("  not kept:", url)
    figures = {
        "lists": len(files),
        "reference_addresses": len(reference),
        "imported_addresses": len(first_urls),
        "roundtrip_kept_pct": round(100.0 * len(kept) / max(1, len(first_urls)), 2),
        "reference_kept_pct": round(100.0 * len(reference & {r[0] for r in second}) / max(1, len(reference)), 2),
        "import_all_s": round(first_s, 3),
        "export_reimport_s": round(round_s, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
