"""The public map at 100× its designed size (MISSION M2: ~4,500 items → 450,000).

Builds a throwaway SQLite site (or uses BENCH_DATABASE_URL for PostgreSQL) with the demo taxonomy
and MAP_BENCH_ITEMS synthetic published items spread over the entities, then times each public
page through Django's request handler (no network), 20 requests each. Prints milliseconds per
page (p50 and p95) and the peak memory; the last line is one JSON object.

The anonymous-page cache is turned off (``OMVARLD_PAGE_CACHE_SECONDS=0``): these figures are
what a page costs when it has to be rendered, after an edit or on a page nobody asked for yet.
``MAP_BENCH_DIR=/some/folder`` keeps the SQLite site there and reuses it on the next run when it
already holds the items (on PostgreSQL a database that already holds them is reused too).
"""

import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
N_ITEMS = int(os.environ.get("MAP_BENCH_ITEMS", "450000"))
tmp = os.environ.get("MAP_BENCH_DIR") or tempfile.mkdtemp(prefix="omvarld-mapbench-")
os.environ["OMVARLD_DATA_DIR"] = tmp
os.environ["OMVARLD_PAGE_CACHE_SECONDS"] = "0"
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "omvarld.settings"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402

settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
settings.ALLOWED_HOSTS = ["testserver"]
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from omvarld.core import search  # noqa: E402
from omvarld.core.models import Entity, Item, Placement, SearchDocument, Theme  # noqa: E402
from omvarld.core.stats import refresh_entity_stats  # noqa: E402
from omvarld.demo.loader import DEMO_FILE, load_demo  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
DOMAIN_PHRASES = [
    "district heating", "fjärrvärme", "climate neutrality", "klimatneutral stad", "energy efficiency",
    "C40 Cities", "Eurocities", "Covenant of Mayors", "circular economy", "cirkulär ekonomi",
    "smart grid", "positive energy district", "mobility as a service", "kollektivtrafik", "citizen dialogue",
    "medborgardialog", "digital twin", "urban data platform", "green bonds", "gröna obligationer",
    "nature-based solutions", "heat pumps", "solar panels", "solceller", "cycling infrastructure",
]


def corpus_words() -> list[str]:
    """Real running text (Swedish news, English articles), so term frequencies are realistic."""
    words: list[str] = []
    ner = DATA / "text" / "swedish-ner" / "test_corpus.txt"
    if ner.exists():
        words += [line.split()[0] for line in ner.read_text(encoding="utf-8").splitlines() if line.split()]
    truth = DATA / "extraction" / "scrapinghub-aeb" / "ground-truth.json"
    if truth.exists():
        for doc in json.loads(truth.read_text(encoding="utf-8")).values():
            words += doc.get("articleBody", "").split()
    return [w for w in words if any(c.isalnum() for c in w)] or "city energy climate data mobility".split()


def build():
    call_command("migrate", verbosity=0)
    if Item.objects.count() >= N_ITEMS:
        print(f"  reusing the site in {tmp if connection.vendor == 'sqlite' else 'the database'}", file=sys.stderr)
        return 0.0
    demo = DEMO_FILE if DEMO_FILE.exists() else ROOT / "omvarld" / "demo" / "tests" / "mini.yaml"
    load_demo(demo, with_users=False)
    entities = list(Entity.objects.values_list("id", flat=True))
    themes = list(Theme.objects.all())
    rng = random.Random(7)
    words_pool = corpus_words()
    now = timezone.now()

    def text(n):
        start = rng.randrange(0, max(1, len(words_pool) - n))
        words = words_pool[start : start + n]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words) + 1), rng.choice(DOMAIN_PHRASES))
        return " ".join(words)

    t0 = time.perf_counter()
    batch = 5000
    for start in range(0, N_ITEMS, batch):
        with transaction.atomic():
            items = []
            for i in range(start, min(N_ITEMS, start + batch)):
                created = now - timezone.timedelta(days=rng.randint(0, 2000))
                items.append(
                    Item(
                        type=rng.choice(Item.Type.values), title=text(8)[:280],
                        url=f"https://example.org/{i}", language=rng.choice(["sv", "en"]), summary=text(40),
                        commentary=text(25), status=Item.Status.PUBLISHED,
                        published_on=created.date(), published_at=created, created_at=created, updated_at=created,
                    )
                )
            Item.objects.bulk_create(items)
            Placement.objects.bulk_create([Placement(item=it, entity_id=rng.choice(entities)) for it in items])
            through = Item.themes.through
            through.objects.bulk_create([through(item_id=it.id, theme_id=rng.choice(themes).id) for it in items])
            SearchDocument.objects.bulk_create([search.document("item", it.id, it.title, it.summary + " " + it.commentary) for it in items])
        print(f"  {min(N_ITEMS, start + batch)} items", file=sys.stderr, end="\r")
    refresh_entity_stats()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return time.perf_counter() - t0


def timed(client, url, n=20):
    """Wall-clock and CPU milliseconds (p50, p95) of ``n`` requests for ``url``.

    On SQLite the whole request runs in this process, so its CPU time is the work the page
    costs, whatever else the machine is doing; the wall-clock time includes waiting for a core.
    """
    client.get(url)  # warm
    times, cpu = [], []
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        r = client.get(url)
        cpu.append((time.process_time() - c) * 1000)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    times.sort()
    cpu.sort()
    p95 = int(len(times) * 0.95) - 1
    return statistics.median(times), times[p95], statistics.median(cpu), cpu[p95]


def baseline_ms(rounds=5) -> float:
    """A fixed piece of work (Python and an in-memory SQLite sort), best of ``rounds``, in ms.

    It moves with the machine (its speed and what else runs on it), so figures divided by it
    compare across machines and runs; on a quiet run of the project's 2-core machine it is
    about the figure printed in benchmarks/README.md.
    """
    import sqlite3

    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        db = sqlite3.connect(":memory:")
        db.execute("CREATE TABLE t (a INTEGER, b TEXT)")
        db.executemany("INSERT INTO t VALUES (?, ?)", ((i * 7919 % 10007, f"w{i % 997}") for i in range(20000)))
        db.execute("SELECT b, count(*) FROM t GROUP BY b ORDER BY 2 DESC").fetchall()
        sum(len(str(i)) for i in range(100000))
        db.close()
        best = min(best, (time.perf_counter() - t) * 1000)
    return best


def main():
    build_s = build()
    client = Client()
    ent = Entity.objects.filter(is_watched=True).first() or Entity.objects.first()
    item = Item.objects.order_by("-id").first()
    pages = {
        "home": "/",
        "category": f"/categories/{ent.main_category.slug}/",
        "entity": f"/entities/{ent.slug}/",
        "item": f"/items/{item.pk}/",
        "search_common": "/search/?q=energy",
        "search_two_words": "/search/?q=district+heating",
        "search_swedish": "/search/?q=fjärrvärme",
        "search_entity": "/search/?q=C40",
        "browse_filtered": "/search/?type=report&lang=en",
        "whats_new": "/whats-new/",
    }
    figures = {"items": N_ITEMS, "build_s": round(build_s, 1), "engine": 1 if connection.vendor == "sqlite" else 2}
    base_before = baseline_ms()
    for name, url in pages.items():
        p50, p95, cpu50, cpu95 = timed(client, url)
        figures[f"{name}_p50_ms"] = round(p50, 1)
        figures[f"{name}_p95_ms"] = round(p95, 1)
        figures[f"{name}_cpu_p95_ms"] = round(cpu95, 1)
        print(f"{name:18} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   cpu p50 {cpu50:6.1f} p95 {cpu95:6.1f} ms   {url}")
    base = min(base_before, baseline_ms())
    figures["baseline_ms"] = round(base, 1)
    for name in pages:
        figures[f"{name}_p95_to_baseline"] = round(figures[f"{name}_p95_ms"] / base, 2)
    print(f"baseline (fixed work, best of 10): {base:.1f} ms; p95 / baseline per page in the JSON")
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(f"peak memory: {figures['peak_rss_mb']} MB")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
