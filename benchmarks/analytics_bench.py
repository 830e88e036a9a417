"""Curator analytics: what counting adds to a cached page, and the dashboard over a year.

1. Recording path. A tracked page (an entity page) answered from a cache, i.e. a view that
   returns a ready response, through the product's full middleware stack, called by 32 threads
   at once (32 concurrent connections, in process, so the server's own queueing does not drown
   the figure). Rounds with and without AnalyticsMiddleware alternate in the same run; the
   figure is the difference of their p99. Measured with the default in-memory buffer (a
   background thread writes it every ANALYTICS_FLUSH_SECONDS) and with one insert per request.
2. Dashboard. 12 months of per-day aggregates standing for 10 M page views (plus searches,
   clicks, follows and inbox entries) in SQLite (or BENCH_DATABASE_URL); the whole
   /analytics/?period=12m page, rendered for an editor, timed 20 times after a warm-up.

    python benchmarks/analytics_bench.py [--views 10000000] [--requests 300] [--runs 20]

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
import threading
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
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


# -- 1. recording path ---------------------------------------------------------------------

def recording_figures(requests_per_thread: int, threads: int = 32) -> dict:
    import types

    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.http import HttpResponse
    from django.urls import include, path

    from omvarld.analytics import recording
    from omvarld.analytics.models import Hit

    body = b"<!doctype html><title>cached</title>" + b"x" * 20_000

    def cached_page(request, slug):  # what a page cache hands back: a finished response
        return HttpResponse(body)

    urls = types.ModuleType("analytics_bench_urls")
    urls.urlpatterns = [path("", include(([path("entities/<slug:slug>/", cached_page, name="entity")], "catalogue")))]
    sys.modules["analytics_bench_urls"] = urls
    settings.ROOT_URLCONF = "analytics_bench_urls"

    full = list(settings.MIDDLEWARE)
    without = [m for m in full if not m.endswith("AnalyticsMiddleware")]
    environ_base = {
        "REQUEST_METHOD": "GET", "SERVER_NAME": "testserver", "SERVER_PORT": "80", "wsgi.url_scheme": "http",
        "HTTP_HOST": "testserver", "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "HTTP_ACCEPT": "text/html,application/xhtml+xml,*/*;q=0.8", "HTTP_ACCEPT_LANGUAGE": "sv-SE,sv;q=0.9",
        "HTTP_SEC_FETCH_MODE": "navigate", "wsgi.input": None, "QUERY_STRING": "",
    }

    def handler_with(middleware):
        settings.MIDDLEWARE = middleware
        h = WSGIHandler()
        settings.MIDDLEWARE = full
        return h

    def run(handler) -> list[float]:
        import io

        times: list[float] = []
        lock = threading.Lock()
        start = threading.Barrier(threads)

        def worker(n):
            local = []
            start.wait()
            for i in range(requests_per_thread):
                env = dict(environ_base, PATH_INFO=f"/entities/city-{(n * 31 + i) % 500}/", REMOTE_ADDR=f"10.{n}.{i % 250}.1")
                env["wsgi.input"] = io.BytesIO()
                t0 = time.perf_counter()
                result = handler(env, lambda status, headers, exc_info=None: None)
                b"".join(result)
                if hasattr(result, "close"):
                    result.close()
                local.append((time.perf_counter() - t0) * 1000)
            with lock:
                times.extend(local)

        ts = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return times

    figures = {}
    for mode, flush in (("buffer", 2), ("insert", 0)):
        settings.ANALYTICS_FLUSH_SECONDS = flush
        h_with, h_without = handler_with(full), handler_with(without)
        run(h_with), run(h_without)  # warm-up
        with_ms, without_ms = [], []
        for _round in range(3):  # alternate, so load from elsewhere hits both alike
            with_ms += run(h_with)
            without_ms += run(h_without)
        recording.buffer.flush()
        figures[f"record_{mode}_p50_ms"] = round(pct(with_ms, 50), 3)
        figures[f"record_{mode}_p99_ms"] = round(pct(with_ms, 99), 3)
        figures[f"record_{mode}_baseline_p50_ms"] = round(pct(without_ms, 50), 3)
        figures[f"record_{mode}_baseline_p99_ms"] = round(pct(without_ms, 99), 3)
        figures[f"record_{mode}_added_p99_ms"] = round(pct(with_ms, 99) - pct(without_ms, 99), 3)
        figures[f"record_{mode}_added_p50_ms"] = round(pct(with_ms, 50) - pct(without_ms, 50), 3)
    figures["recorded_hits"] = Hit.objects.count()
    settings.ANALYTICS_FLUSH_SECONDS = 2
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "omvarld.urls"
    clear_url_caches()
    return figures


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

    user = get_user_model().objects.create_user("bench-editor", password="x")
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
    parser.add_argument("--requests", type=int, default=300, help="requests per thread and round")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(tmp)
        figures = {}
        figures.update(recording_figures(args.requests))
        print(json.dumps(figures), flush=True)
        figures.update(fill_year(args.views))
        figures.update(dashboard_figures(args.runs))
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
