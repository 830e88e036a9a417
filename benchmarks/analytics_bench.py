"""Curator analytics: what counting adds to a cached page, and the dashboard over a year.

1. Recording path. A tracked page (an entity page) answered as from a page cache, i.e. a view
   that returns a ready response, behind the product's full middleware stack. gunicorn with the
   product's sync workers (WEB_WORKERS, default 2) is loaded by wrk with 32 connections, once
   with AnalyticsMiddleware and once without, in alternating 10 s rounds (three each) in the
   same run; the figure is the difference of the median p99s, with their ratio. Also the CPU
   time counting adds to one request (single thread, median of 4,000).
2. Dashboard. 12 months of per-day aggregates standing for 10 M page views (plus searches,
   clicks, follows and inbox entries) in SQLite (or BENCH_DATABASE_URL); the whole
   /analytics/?period=12m page, rendered for an editor, timed 20 times after a warm-up.

    python benchmarks/analytics_bench.py [--views 10000000] [--seconds 10] [--connections 32] [--runs 20] [--data-dir DIR]

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
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


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def setup(tmp: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omvarld.settings")
    os.environ["OMVARLD_DATA_DIR"] = tmp
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Pages are rendered without collectstatic's manifest, as in the tests.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

    call_command("migrate", interactive=False, verbosity=0)


# -- 1. recording path ---------------------------------------------------------------------

CACHED_BODY = b"<!doctype html><html lang=sv><title>cached</title>" + b"x" * 20_000
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
BROWSER_HEADERS = {"User-Agent": FIREFOX, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                   "Accept-Language": "sv-SE,sv;q=0.9", "Sec-Fetch-Mode": "navigate"}


def cached_page(request, slug):
    """What a page cache hands back for a tracked page: a finished response."""
    from django.http import HttpResponse

    return HttpResponse(CACHED_BODY)


def _bench_urlpatterns():
    from django.urls import include, path

    return [path("", include(([path("entities/<slug:slug>/", cached_page, name="entity")], "catalogue")))]


def bench_application():
    """The WSGI app gunicorn serves for the recording rounds: the product's settings and full
    middleware stack, with the entity page answered as from a cache; ANALYTICS_BENCH_RECORD=0
    leaves AnalyticsMiddleware out."""
    import django
    from django.conf import settings

    django.setup()
    if os.environ.get("ANALYTICS_BENCH_RECORD") == "0":
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("AnalyticsMiddleware")]
    settings.ROOT_URLCONF = __name__
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


if os.environ.get("ANALYTICS_BENCH_SERVE"):
    urlpatterns = _bench_urlpatterns()
    application = bench_application()


def cpu_cost_us(n: int = 4000) -> dict:
    """Time one request takes through the full stack with and without counting, one thread."""
    import io

    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    import types
    mod = types.ModuleType("analytics_bench_urls")
    mod.urlpatterns = _bench_urlpatterns()
    sys.modules["analytics_bench_urls"] = mod
    settings.ROOT_URLCONF = "analytics_bench_urls"
    full = list(settings.MIDDLEWARE)
    handlers = {}
    for name, middleware in (("with", full), ("without", [m for m in full if not m.endswith("AnalyticsMiddleware")])):
        settings.MIDDLEWARE = middleware
        handlers[name] = WSGIHandler()
    settings.MIDDLEWARE = full
    base = {"REQUEST_METHOD": "GET", "SERVER_NAME": "testserver", "SERVER_PORT": "80", "wsgi.url_scheme": "http",
            "HTTP_HOST": "testserver", "QUERY_STRING": "", "REMOTE_ADDR": "10.0.0.1",
            **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in BROWSER_HEADERS.items()}}
    times = {"with": [], "without": []}
    for round_ in range(2 * 5):
        name = "with" if round_ % 2 == 0 else "without"
        for i in range(n // 5):
            env = dict(base, PATH_INFO=f"/entities/city-{i % 500}/", **{"wsgi.input": io.BytesIO()})
            t0 = time.perf_counter()
            b"".join(handlers[name](env, lambda *a: None))
            times[name].append((time.perf_counter() - t0) * 1e6)
    settings.ROOT_URLCONF = "omvarld.urls"
    from django.urls import clear_url_caches

    clear_url_caches()
    med_with, med_without = statistics.median(times["with"]), statistics.median(times["without"])
    return {"record_cpu_us": round(med_with - med_without, 1), "page_cpu_us": round(med_without, 1)}


def _wrk(url: str, seconds: int, connections: int) -> dict:
    import re
    import subprocess

    headers = [a for k, v in BROWSER_HEADERS.items() for a in ("-H", f"{k}: {v}")]
    out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", *headers, url],
                         capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    unit = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    pct_ = {m.group(1): float(m.group(2)) * unit[m.group(3)] for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    return {"p50": pct_["50"], "p99": pct_["99"], "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}


def http_figures(data_dir: str, seconds: int, connections: int, workers: int) -> dict:
    """gunicorn (the product's sync workers) with and without counting, wrk with 32 connections,
    rounds alternating so that load from elsewhere on the machine falls on both alike."""
    import shutil
    import socket
    import subprocess
    import urllib.request

    if not shutil.which("wrk"):
        return {}
    servers = {}
    for name, record in (("with", "1"), ("without", "0")):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {**os.environ, "ANALYTICS_BENCH_SERVE": "1", "ANALYTICS_BENCH_RECORD": record, "OMVARLD_DATA_DIR": data_dir,
               "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "analytics_bench:application", "--chdir", str(ROOT / "benchmarks"),
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        servers[name] = (proc, f"http://127.0.0.1:{port}/entities/city-1/")
    try:
        for _proc, url in servers.values():
            for _ in range(150):
                try:
                    urllib.request.urlopen(url, timeout=2)
                    break
                except OSError:
                    time.sleep(0.2)
        results = {"with": [], "without": []}
        for _round in range(3):
            for name in ("with", "without"):
                results[name].append(_wrk(servers[name][1], seconds, connections))
    finally:
        for proc, _url in servers.values():
            proc.terminate()
            proc.wait(timeout=30)
    p99 = {k: statistics.median(r["p99"] for r in v) for k, v in results.items()}
    p50 = {k: statistics.median(r["p50"] for r in v) for k, v in results.items()}
    rps = {k: statistics.median(r["rps"] for r in v) for k, v in results.items()}
    return {
        "http_p99_ms": round(p99["with"], 2), "http_baseline_p99_ms": round(p99["without"], 2),
        "http_added_p99_ms": round(p99["with"] - p99["without"], 2), "http_p99_ratio": round(p99["with"] / p99["without"], 3),
        "http_p50_ms": round(p50["with"], 2), "http_baseline_p50_ms": round(p50["without"], 2),
        "http_rps": round(rps["with"]), "http_baseline_rps": round(rps["without"]),
    }


# -- 2. dashboard over a year ----------------------------------------------------------------

def fill_year(total_views: int) -> dict:
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from omvarld.analytics.models import DailyCount, DailyTotal, Kind
    from omvarld.core import indexing
    from omvarld.core.models import Entity, Item, MainCategory, Theme
    from omvarld.monitoring.models import Entry, Source

    rng = random.Random(13)
    t0 = time.perf_counter()
    with indexing.paused(), transaction.atomic():
        cat = MainCategory.objects.create(slug="cities", name_sv="Städer", name_en="Cities")
        entities = Entity.objects.bulk_create(
            [Entity(main_category=cat, slug=f"city-{i}", name_sv=f"Stad {i}", name_en=f"City {i}") for i in range(500)]
        )
        now = timezone.now()
        items = Item.objects.bulk_create([
            Item(title=f"Report {i}", url=f"https://site{i % 300}.example/r/{i}", status=Item.Status.PUBLISHED, published_at=now,
                 type=Item.Type.NEWS_NOTICE if i % 5 == 0 else Item.Type.REPORT)
            for i in range(3000)
        ])
        themes = Theme.objects.bulk_create([Theme(slug=f"t{i}", label_sv=f"Tema {i}", label_en=f"Theme {i}") for i in range(30)])
        sources = Source.objects.bulk_create([Source(kind="feed", url=f"https://src{i}.example/feed", title=f"Source {i}") for i in range(60)])
        statuses = ["new", "picked", "discarded", "discarded"]
        Entry.objects.bulk_create([
            Entry(source=sources[i % 60], guid=str(i), title=f"E{i}", content_hash=str(i), status=statuses[i % 4],
                  fetched_at=now - dt.timedelta(hours=i % 8000), decided_at=None if i % 4 == 0 else now - dt.timedelta(hours=i % 8000))
            for i in range(40_000)
        ], batch_size=5000)

    today = timezone.localdate()
    per_day = total_views // 365
    # Page views spread over kinds like a map site's: items and notices most, then entities.
    shares = [(Kind.VIEW_ITEM, [f"item:{it.pk}" for it in items if it.type != Item.Type.NEWS_NOTICE], 0.45),
              (Kind.VIEW_NOTICE, [f"notice:{it.pk}" for it in items if it.type == Item.Type.NEWS_NOTICE], 0.2),
              (Kind.VIEW_ENTITY, [f"entity:{e.pk}" for e in entities], 0.25),
              (Kind.VIEW_THEME, [f"theme:{t.pk}" for t in themes], 0.07),
              (Kind.VIEW_CATEGORY, [f"category:{cat.pk}"], 0.03)]
    queries = [f"query {i}" for i in range(2000)]
    rows = 0
    batch: list = []
    for d in range(365):
        day = today - dt.timedelta(days=d)
        totals = {}
        for kind, keys, share in shares:
            n_views = int(per_day * share)
            # a long tail: about 1,500 distinct items a day, every entity, theme and category
            sample = keys if len(keys) <= 600 else rng.sample(keys, min(len(keys), 1500 if kind == Kind.VIEW_ITEM else 500))
            weights = [1 / (i + 1) for i in range(len(sample))]
            scale = n_views / sum(weights)
            for key, w in zip(sample, weights):
                c = max(1, int(w * scale))
                batch.append(DailyCount(day=day, kind=kind, target=key, count=c, visitors=max(1, c * 2 // 3)))
            totals[kind] = n_views
        for q in rng.sample(queries, 400):
            batch.append(DailyCount(day=day, kind=Kind.SEARCH, detail=q, count=rng.randint(1, 20), visitors=1))
        for q in rng.sample(queries, 80):
            batch.append(DailyCount(day=day, kind=Kind.SEARCH_EMPTY, detail=q, count=rng.randint(1, 5), visitors=1))
        for it in rng.sample(items, 300):
            batch.append(DailyCount(day=day, kind=Kind.OUT, target=f"item:{it.pk}", detail=it.url.split("/")[2], count=rng.randint(1, 9), visitors=1))
        for e in rng.sample(entities, 40):
            batch.append(DailyCount(day=day, kind=rng.choice([Kind.FOLLOW, Kind.UNFOLLOW, Kind.SUBSCRIBE, Kind.UNSUBSCRIBE]), target=f"entity:{e.pk}", count=1, visitors=0))
        visits = sum(totals.values())
        DailyTotal.objects.bulk_create([DailyTotal(day=day, kind=k, count=n) for k, n in totals.items()] + [
            DailyTotal(day=day, kind=Kind.VISITS, count=visits, visitors=visits // 3),
            DailyTotal(day=day, kind=Kind.SEARCH, count=4000), DailyTotal(day=day, kind=Kind.OUT, count=1500),
            DailyTotal(day=day, kind=Kind.CLOSED),
        ])
        if len(batch) > 50_000:
            DailyCount.objects.bulk_create(batch, batch_size=5000)
            rows += len(batch)
            batch = []
    DailyCount.objects.bulk_create(batch, batch_size=5000)
    rows += len(batch)
    from omvarld.analytics.actions import rebuild_months

    rebuild_months()
    return {"daily_rows": rows, "fill_s": round(time.perf_counter() - t0, 1),
            "page_views": DailyTotal.objects.filter(kind=Kind.VISITS).aggregate(n=__import__("django.db.models", fromlist=["Sum"]).Sum("count"))["n"]}


def dashboard_figures(runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from omvarld.accounts.roles import EDITOR, assign_role

    user, _new = get_user_model().objects.get_or_create(username="bench-editor")
    assign_role(user, EDITOR)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")
    else:
        with connection.cursor() as c:
            c.execute("ANALYZE")
    figures = {}
    for name, query in (("12m", "?period=12m"), ("30d", "?period=30d")):
        assert client.get(f"/analytics/{query}").status_code == 200
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            response = client.get(f"/analytics/{query}")
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        figures[f"dashboard_{name}_p50_ms"] = round(pct(times, 50), 1)
        figures[f"dashboard_{name}_p95_ms"] = round(pct(times, 95), 1)
    t0 = time.perf_counter()
    response = client.get("/analytics/csv/top-items.csv?period=12m")
    figures["csv_12m_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    return figures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--views", type=int, default=10_000_000)
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk round")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--skip-recording", action="store_true")
    parser.add_argument("--skip-dashboard", action="store_true")
    parser.add_argument("--data-dir", help="keep the filled database here and reuse it on the next run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(args.data_dir or tmp)
        from omvarld.analytics.models import DailyCount

        figures = {}
        if not args.skip_recording:
            figures.update(cpu_cost_us())
            figures.update(http_figures(args.data_dir or tmp, args.seconds, args.connections, args.workers))
            from omvarld.analytics.models import Hit

            figures["recorded_hits"] = Hit.objects.count()
            print(json.dumps(figures), flush=True)
        if args.skip_dashboard:
            print(json.dumps(figures))
            return
        if not DailyCount.objects.exists():
            figures.update(fill_year(args.views))
        if not DailyCount.objects.filter(kind="source_new").exists():
            import datetime as dt

            from django.utils import timezone

            from omvarld.analytics.actions import backfill_sources

            t0 = time.perf_counter()
            backfill_sources(timezone.localdate() - dt.timedelta(days=365))
            figures["backfill_sources_s"] = round(time.perf_counter() - t0, 1)
        figures.update(dashboard_figures(args.runs))
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
