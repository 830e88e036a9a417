"""The world map and the relationship graph at 5,000 places and 20,000 relations (MISSION M11).

Builds a throwaway SQLite site (or uses BENCH_DATABASE_URL for PostgreSQL) with the demo
taxonomy, MAP_VIEWS_PLACES entities spread over the world and MAP_VIEWS_RELATIONS relations
among them (a few hubs with many members, as networks have), plus recent items so every marker
has activity to count. Then:

- times the map's data answer (/map/data.json), as served (from the cache after the first
  request) and cold (cache emptied before each request), and the graph neighbourhood of one entity
  (/graph/data.json?focus=…, one and two steps) through Django's request handler, 40 requests
  each, and measures the data answer's size with gzip;
- serves the site with gunicorn on 127.0.0.1 and, in Debian's Chromium through Playwright, times
  from navigation to the map being interactive (basemap drawn, markers placed and focusable),
  five loads, with the sign-in page's load in the same browser as a baseline;
- checks that every request the browser made went to 127.0.0.1.

The last printed line is one JSON object of figure name -> number.
"""

import gzip
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
N_PLACES = int(os.environ.get("MAP_VIEWS_PLACES", "5000"))
N_RELATIONS = int(os.environ.get("MAP_VIEWS_RELATIONS", "20000"))
N_ITEMS = int(os.environ.get("MAP_VIEWS_ITEMS", "20000"))
REPEAT = 40
tmp = tempfile.mkdtemp(prefix="omvarld-mapviews-")
os.environ["OMVARLD_DATA_DIR"] = tmp
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "omvarld.settings"
os.environ["DEBUG"] = "false"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")

import django  # noqa: E402

django.setup()
from django.conf import settings  # noqa: E402

settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from omvarld.core.models import Entity, EntityRelation, Item, MainCategory, Placement, Region  # noqa: E402
from omvarld.demo.loader import DEMO_FILE, load_demo  # noqa: E402
from omvarld.editorial import revisions  # noqa: E402


def build(rng: random.Random) -> None:
    call_command("migrate", verbosity=0)
    load_demo(DEMO_FILE, with_users=False)
    cats = list(MainCategory.objects.all())
    regions = list(Region.objects.all())
    now = timezone.now()
    with transaction.atomic(), revisions.paused():
        Entity.objects.bulk_create([
            Entity(
                main_category=rng.choice(cats), slug=f"place-{i}", name_sv=f"Plats {i}", name_en=f"Place {i}",
                summary_sv="Bevakad plats.", region=rng.choice(regions), latitude=rng.uniform(-55, 70), longitude=rng.uniform(-170, 175),
                priority=rng.choice([1, 2, 2, 3]), created_at=now - __import__("datetime").timedelta(days=rng.randint(0, 800)),
            )
            for i in range(max(0, N_PLACES - Entity.objects.count()))
        ], batch_size=1000)
        ids = list(Entity.objects.values_list("id", flat=True))
        hubs = rng.sample(ids, 60)
        kinds = EntityRelation.Kind.values
        existing = set(EntityRelation.objects.values_list("source_id", "kind", "target_id"))
        rels = []
        while len(existing) < N_RELATIONS:
            source = rng.choice(ids)
            target = rng.choice(hubs) if rng.random() < 0.6 else rng.choice(ids)
            key = (source, rng.choice(kinds), target)
            if source != target and key not in existing:
                existing.add(key)
                rels.append(EntityRelation(source_id=key[0], kind=key[1], target_id=key[2]))
        EntityRelation.objects.bulk_create(rels, batch_size=2000)
        items = Item.objects.bulk_create([
            Item(title=f"News {i}", type=rng.choice(["link", "report", "news_notice", "article"]), status="published",
                 published_at=now, created_at=now - __import__("datetime").timedelta(days=rng.randint(0, 120)))
            for i in range(N_ITEMS)
        ], batch_size=2000)
        Placement.objects.bulk_create([Placement(item=it, entity_id=rng.choice(ids)) for it in items], batch_size=2000)


def timed(client: Client, paths: list[str]) -> tuple[list[float], list[int]]:
    times, sizes = [], []
    for path in paths:
        t = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        sizes.append(len(gzip.compress(response.content, 6)))
    return times, sizes


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser_figures(base: str) -> dict:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    outside: list[str] = []
    loads, baseline, card = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])
        for _ in range(5):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
            t = time.perf_counter()
            page.goto(base + "/accounts/login/", wait_until="load")
            baseline.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            page.goto(base + "/map/")
            page.wait_for_selector("#map[data-ready=true]", timeout=30_000)
            page.wait_for_selector(".atlas-marker, .atlas-cluster", timeout=30_000)
            loads.append((time.perf_counter() - t) * 1000)
            # Interactive means a place answers: focus the first marker or cluster and press Enter.
            t = time.perf_counter()
            page.locator(".leaflet-marker-icon").first.focus()
            page.keyboard.press("Enter")
            page.wait_for_function(
                "() => document.querySelector('#place-card h2') || (window.__zoomed = (window.__zoomed || 0) + 1) > 5", timeout=10_000
            )
            card.append((time.perf_counter() - t) * 1000)
            context.close()
        browser.close()
    return {
        "browser_interactive_p50_ms": pct(loads, 0.5), "browser_interactive_max_ms": round(max(loads), 1),
        "browser_baseline_login_p50_ms": pct(baseline, 0.5),
        "browser_interactive_ratio_to_baseline": round(statistics.median(loads) / max(1.0, statistics.median(baseline)), 2),
        "browser_first_answer_ms": pct(card, 0.5),
        "browser_requests_outside_site": len(outside),
    }


def main() -> None:
    rng = random.Random(14)
    t0 = time.monotonic()
    build(rng)
    build_s = round(time.monotonic() - t0, 1)
    places = Entity.objects.filter(latitude__isnull=False).count()
    relations = EntityRelation.objects.count()
    print(f"built {places} places, {relations} relations, {Item.objects.count()} items in {build_s} s", flush=True)

    from django.core.cache import cache

    client = Client()
    # Cold: the cache emptied before each request, so every answer is computed from the database.
    cold = []
    for _ in range(REPEAT // 2):
        cache.clear()
        cold += timed(client, ["/map/data.json"])[0]
    client.get("/map/data.json")
    map_times, map_sizes = timed(client, ["/map/data.json"] * REPEAT)
    page_times, _ = timed(client, ["/map/"] * (REPEAT // 2))
    filtered_times, _ = timed(client, [f"/map/data.json?region={r}&days=90" for r in ["europe", "asia", "nordics", "north-america"]] * (REPEAT // 4))
    raw = len(client.get("/map/data.json").content)
    slugs = [s for s in Entity.objects.order_by("?").values_list("slug", flat=True)[:REPEAT]]
    graph1, _ = timed(client, [f"/graph/data.json?focus={s}" for s in slugs])
    graph2, _ = timed(client, [f"/graph/data.json?focus={s}&depth=2" for s in slugs])
    baseline, _ = timed(client, ["/accounts/login/"] * REPEAT)

    figures = {
        "places": places, "relations": relations, "build_s": build_s,
        "map_data_p50_ms": pct(map_times, 0.5), "map_data_p95_ms": pct(map_times, 0.95),
        "map_data_cold_p50_ms": pct(cold, 0.5), "map_data_cold_p95_ms": pct(cold, 0.95),
        "map_page_p95_ms": pct(page_times, 0.95),
        "map_data_filtered_p95_ms": pct(filtered_times, 0.95),
        "map_data_kb": round(raw / 1024, 1), "map_data_gzip_kb": round(max(map_sizes) / 1024, 1),
        "graph_neighbourhood_p50_ms": pct(graph1, 0.5), "graph_neighbourhood_p95_ms": pct(graph1, 0.95),
        "graph_two_steps_p95_ms": pct(graph2, 0.95),
        "baseline_login_page_p95_ms": pct(baseline, 0.95),
        "map_data_ratio_to_baseline": round(pct(map_times, 0.95) / max(0.1, pct(baseline, 0.95)), 2),
        "map_data_cold_ratio_to_baseline": round(pct(cold, 0.95) / max(0.1, pct(baseline, 0.95)), 2),
        "graph_neighbourhood_ratio_to_baseline": round(pct(graph1, 0.95) / max(0.1, pct(baseline, 0.95)), 2),
    }
    for k, v in figures.items():
        print(f"{k}: {v}", flush=True)

    if os.environ.get("MAP_VIEWS_BROWSER", "1") != "0":
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "false"}
        # As `omvarld serve` does: hashed, compressed static files served by the application.
        subprocess.run([sys.executable, "-m", "django", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "omvarld.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--timeout", "60"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(Path(tmp) / "gunicorn.log", "w"),
        )
        try:
            for _ in range(150):
                try:
                    urllib.request.urlopen(base + "/accounts/login/", timeout=2)
                    break
                except OSError:
                    time.sleep(0.2)
            figures.update(browser_figures(base))
        except Exception:
            print((Path(tmp) / "gunicorn.log").read_text()[-3000:], file=sys.stderr)
            raise
        finally:
            server.terminate()
            server.wait(timeout=30)
        for k in [k for k in figures if k.startswith("browser_")]:
            print(f"{k}: {figures[k]}", flush=True)

    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
