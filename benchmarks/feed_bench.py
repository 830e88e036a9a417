"""My feed and the trend radar at scale: 5,000 members over 1,000,000 monitored entries.

Builds a throwaway SQLite database: the demo map, 300 sources, 1,000,000 entries spread over a
year (denser lately) with 1.6 tags each, near-duplicate clusters, and 5,000 members with three to
eight follows each (entities, themes, categories, sources, words) and 30 days of history (opens,
saves, hides, learned affinities). Rows go in with executemany in large transactions. The
worker's jobs are then timed (trend table, feed pool, ranking model), and a fresh process serves
the pages through Django's request handler:

* first feed page of 300 random members (p50, p95), after one warm-up request that loads the pool;
* feedback: 50 members hide their 5th entry and say "more like this" of their 15th; the next page
  must lack the hidden entry and show the other higher up (share of members for which it did);
* the trend radar, 4 and 52 weeks (p50, p95);
* a baseline: the sign-in page, to compare machines (ratios printed).

    python benchmarks/feed_bench.py            # FEED_BENCH_ENTRIES / FEED_BENCH_MEMBERS change the size
    python benchmarks/feed_bench.py --keep     # keep the database; then --reuse DIR times the jobs and pages again

Last line: JSON with the figures; peak_rss_mb is the serving process's, build_peak_rss_mb the builder's.
"""

import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ENTRIES = int(os.environ.get("FEED_BENCH_ENTRIES", 1_000_000))
MEMBERS = int(os.environ.get("FEED_BENCH_MEMBERS", 5_000))
SOURCES = 300


def setup(data_dir: str):
    os.environ["OMVARLD_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "omvarld.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings

    # Pages are rendered without a collectstatic step, as in the other benchmarks.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def ts(d: dt.datetime) -> str:
    return d.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def insert(table: str, columns: list[str], rows, batch: int = 50_000) -> int:
    from django.db import connection, transaction

    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    n, chunk = 0, []
    with connection.cursor() as cur:
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                with transaction.atomic():
                    cur.executemany(sql, chunk)
                n += len(chunk)
                chunk = []
        if chunk:
            with transaction.atomic():
                cur.executemany(sql, chunk)
            n += len(chunk)
    return n


WORDS = ("energy heat pump district heating solar wind hydrogen battery grid retrofit housing mobility bus tram bike "
         "cycling parking traffic congestion charging electric vehicle data platform twin sensor open digital ai "
         "climate neutral emissions carbon budget finance bond investment procurement circular waste reuse textile "
         "water flood heatwave green roof tree park biodiversity citizen dialogue participation living lab pilot "
         "strategy plan policy mayor council network summit conference report study index ranking award").split()
SV_WORDS = ("energi värmepump fjärrvärme sol vind vätgas batteri elnät renovering bostäder mobilitet buss spårvagn "
            "cykel parkering trafik laddning elbil data plattform sensor klimat utsläpp budget finansiering "
            "upphandling cirkulär avfall vatten översvämning park medborgardialog strategi plan kommun rapport").split()


def run_jobs(figures: dict) -> dict:
    """The worker's jobs, timed: the trend table, the feed pool, the ranking model."""
    from omvarld.personal import jobs
    from omvarld.trends.compute import compute_trends

    t = time.perf_counter()
    figures["trends"] = compute_trends()
    figures["trend_compute_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    figures["pool_size"] = jobs.refresh_pool()
    figures["pool_build_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    figures["training_samples"] = jobs.train_ranking()
    figures["train_s"] = round(time.perf_counter() - t, 1)
    return figures


def build(rnd) -> dict:
    from django.core.management import call_command

    from omvarld.core.models import Entity, MainCategory, Theme
    from omvarld.demo.loader import DEMO_FILE, load_demo

    figures = {}
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    load_demo(DEMO_FILE, with_users=False)
    entities = list(Entity.objects.values_list("id", flat=True))
    themes = list(Theme.objects.values_list("id", flat=True))
    categories = list(MainCategory.objects.values_list("id", flat=True))
    now = dt.datetime.now(dt.UTC)
    insert("monitoring_source", ["kind", "url", "host", "title", "site_url", "css_selector", "category", "priority", "etag", "last_modified",
                                 "content_hash", "interval_s", "next_check_at", "claimed_by", "error_count", "last_error_key",
                                 "last_error_params", "paused", "paused_reason", "created_at"],
           ((("feed", f"https://s{i}.example.org/feed", f"s{i}.example.org", f"Source {i}", "", "", "", 1 + i % 3, "", "", "", 3600,
              ts(now), "", 0, "", "{}", False, "", ts(now))) for i in range(SOURCES)))
    from omvarld.monitoring.models import Source

    sources = list(Source.objects.values_list("id", flat=True))
    source_topics = {s: rnd.sample(entities, 6) for s in sources}
    # Clusters for near-duplicates among recent entries.
    n_clusters = max(1, ENTRIES // 500)
    insert("monitoring_cluster", ["created_at", "title", "size"], ((ts(now), f"story {i}", rnd.choice((2, 2, 3, 4, 6))) for i in range(n_clusters)))
    first_cluster = __import__("omvarld.monitoring.models", fromlist=["Cluster"]).Cluster.objects.order_by("id").values_list("id", flat=True).first()

    def entry_rows():
        for i in range(ENTRIES):
            # Denser lately: a quarter of the year's entries in the last 30 days.
            days = rnd.uniform(0, 30) if rnd.random() < 0.25 else rnd.uniform(0, 365)
            at = now - dt.timedelta(days=days)
            source = sources[i % SOURCES]
            sv = rnd.random() < 0.2
            words = rnd.sample(SV_WORDS if sv else WORDS, 6)
            if days < 28 and rnd.random() < 0.02 * (28 - days) / 28 and source % 7 < 3:
                words.append("vätgasbussar" if sv else "microgrid")  # a planted rising term
            title = " ".join(words).capitalize()
            cluster = first_cluster + rnd.randrange(n_clusters) if days < 14 and rnd.random() < 0.05 else None
            yield (source, f"g{i}", f"https://s{source}.example.org/a/{i}", title, "", title + ".", False, "sv" if sv else "en",
                   ts(at), ts(at), f"{i:064x}", 0, 0, 0, 0, 0, 0, cluster, round(rnd.random(), 3),
                   "discarded" if rnd.random() < 0.05 else "new")

    figures["entries"] = insert("monitoring_entry", ["source_id", "guid", "url", "title", "summary_html", "text", "full_text", "language",
                                                     "published_at", "fetched_at", "content_hash", "simhash", "band0", "band1", "band2",
                                                     "band3", "band4", "cluster_id", "relevance", "status"], entry_rows())
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT min(id) FROM monitoring_entry")
        first_entry = cur.fetchone()[0]

    def tag_rows():
        for i in range(ENTRIES):
            eid = first_entry + i
            source = sources[i % SOURCES]
            if rnd.random() < 0.8:
                yield (eid, rnd.choice(source_topics[source]), None, 1.0, "name", "x")
            for t in rnd.sample(themes, rnd.choice((0, 1, 1, 2))):
                yield (eid, None, t, 0.8, "model", "")

    figures["tags"] = insert("monitoring_entrytag", ["entry_id", "entity_id", "theme_id", "confidence", "method", "matched"], tag_rows())
    # Members, follows, profiles and 30 days of feedback.
    insert("auth_user", ["password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active", "date_joined"],
           (("!", False, f"member{i}", "", "", f"member{i}@example.org", False, True, ts(now)) for i in range(MEMBERS)))
    from django.contrib.auth import get_user_model

    users = list(get_user_model().objects.filter(username__startswith="member").values_list("id", flat=True))
    follows, profiles, marks, feedback = [], [], [], []
    recent_ids = list(range(first_entry + ENTRIES - 40_000, first_entry + ENTRIES))
    for u in users:
        keys = set()
        for _ in range(rnd.randint(3, 8)):
            kind = rnd.choice(("entity", "entity", "entity", "theme", "theme", "category", "source", "keyword"))
            target = {"entity": entities, "theme": themes, "category": categories, "source": sources, "keyword": WORDS}[kind]
            value = rnd.choice(target)
            key = f"{kind}:{value}"
            if key in keys:
                continue
            keys.add(key)
            follows.append((u, kind, value if kind == "entity" else None, value if kind == "theme" else None,
                            value if kind == "category" else None, value if kind == "source" else None,
                            value if kind == "keyword" else "", key, ts(now)))
        affinity = {f"e:{rnd.choice(entities)}": round(rnd.uniform(-2, 4), 2) for _ in range(10)}
        affinity |= {f"w:{rnd.choice(WORDS)}": round(rnd.uniform(-1, 2), 2) for _ in range(20)}
        profiles.append((u, f"secret-{u}-{rnd.random()}", rnd.random() < 0.5, False, json.dumps(affinity)))
        for _ in range(rnd.randint(5, 40)):
            eid = rnd.choice(recent_ids)
            at = ts(now - dt.timedelta(days=rnd.uniform(0, 30)))
            action = rnd.choice(("open", "open", "open", "save", "hide", "more"))
            feedback.append((u, action, "entry", eid, at))
            if action in ("save", "hide"):
                marks.append((u, "entry", eid, at if action == "save" else None, at if action == "hide" else None))
    insert("personal_follow", ["user_id", "kind", "entity_id", "theme_id", "category_id", "source_id", "keyword", "target_key", "created_at"], follows)
    insert("personal_profile", ["user_id", "feed_secret", "include_stream", "weekly_digest", "affinity"], profiles)
    dedup = {(m[0], m[1], m[2]): m for m in marks}
    insert("personal_mark", ["user_id", "kind", "object_id", "saved_at", "hidden_at"], dedup.values())
    insert("personal_feedback", ["user_id", "action", "kind", "object_id", "at"], feedback)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    figures["build_s"] = round(time.perf_counter() - t0, 1)
    figures["follows"] = len(follows)
    figures["feedback_events"] = len(feedback)

    return run_jobs(figures)


def pct(values, p):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))], 1)


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return (time.perf_counter() - t) * 1000, result


def keys(response) -> list[str]:
    """The feed entries of a page, in order, as "entry-123" / "item-4"."""
    import re

    return re.findall(r'<li class="feed-entry card" id="((?:entry|item)-\d+)"', response.content.decode())


def serve(rnd) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    figures = {}
    users = list(get_user_model().objects.filter(username__startswith="member").order_by("id"))
    client = Client()
    client.force_login(users[0])
    ms, _ = timed(lambda: client.get("/feed/"))
    figures["pool_load_ms"] = round(ms, 1)
    times = []
    for u in rnd.sample(users, min(300, len(users))):
        client.force_login(u)
        ms, response = timed(lambda: client.get("/feed/"))
        assert response.status_code == 200
        times.append(ms)
    figures["feed_first_page_p50_ms"], figures["feed_first_page_p95_ms"] = pct(times, 50), pct(times, 95)

    visible, action_ms = 0, []
    tried = 0
    for u in rnd.sample(users, min(50, len(users))):
        client.force_login(u)
        entries = keys(client.get("/feed/"))
        if len(entries) < 16:
            continue
        tried += 1
        hide, more = entries[4], entries[15]
        t = time.perf_counter()
        client.post(f"/feed/{hide.replace('-', '/')}/hide/")
        client.post(f"/feed/{more.replace('-', '/')}/more/")
        after = keys(client.get("/feed/"))
        action_ms.append((time.perf_counter() - t) * 1000)
        if hide not in after and more in after and after.index(more) < 15:
            visible += 1
    figures["feedback_members"] = tried
    figures["feedback_visible_share"] = round(visible / max(1, tried), 3)
    figures["feedback_and_next_page_p50_ms"] = pct(action_ms, 50)

    anon = Client()
    for weeks in (4, 52):
        times = [timed(lambda: anon.get(f"/trends/?weeks={weeks}"))[0] for _ in range(60)]
        figures[f"trends_{weeks}w_p50_ms"], figures[f"trends_{weeks}w_p95_ms"] = pct(times, 50), pct(times, 95)
    times = [timed(lambda: anon.get("/accounts/login/"))[0] for _ in range(60)]
    figures["baseline_signin_p50_ms"] = pct(times, 50)
    figures["feed_p95_to_baseline"] = round(figures["feed_first_page_p95_ms"] / figures["baseline_signin_p50_ms"], 1)
    figures["trends_p95_to_baseline"] = round(figures["trends_4w_p95_ms"] / figures["baseline_signin_p50_ms"], 1)
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over an exec, so the child would report the
    # builder's peak.
    with open("/proc/self/status") as status:
        hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    figures["peak_rss_mb"] = round(hwm / 1024, 1)
    return figures


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        setup(sys.argv[2])
        print(json.dumps(serve(random.Random(2))))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--reuse":
        # A database a run built before (kept with --keep): only the jobs and the pages again.
        tmp = sys.argv[2]
        setup(tmp)
        figures = run_jobs({})
        measure(tmp, figures)
        return
    keep = "--keep" in sys.argv
    with tempfile.TemporaryDirectory(prefix="feedbench-", delete=not keep) as tmp:
        setup(tmp)
        figures = build(random.Random(1))
        measure(tmp, figures)
        if keep:
            print("database kept in", tmp)


def measure(tmp: str, figures: dict) -> None:
    figures["build_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print("built:", json.dumps(figures), flush=True)
    out = subprocess.run([sys.executable, __file__, "--serve", tmp], capture_output=True, text=True)
    if out.returncode:
        sys.exit(out.stderr[-3000:])
    served = json.loads(out.stdout.strip().splitlines()[-1])
    figures |= served
    for k, v in served.items():
        print(f"{k:34s} {v}")
    print(json.dumps({"members": MEMBERS} | figures))


if __name__ == "__main__":
    main()
