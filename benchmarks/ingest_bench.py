"""Ingest benchmark: 1,000 local feeds x 50 entries, served with 50-200 ms of latency.

Prints processing CPU time per entry without the network (parse, sanitise, deduplicate, tag
with entities, theme rules, the theme model scoring every entry in one batch per feed, language,
near-duplicates, and store; no full-text extraction), feedparser alone parsing the same feeds in
the same run and the ratio of the two (``ratio_to_feedparser``: machine load moves both alike), one full polling cycle over all sources through the real
scheduler and fetcher, entries per second end to end, and the worker's peak memory. The feeds
are served by a separate process on 127.0.0.1 (50 ports, 20 sources each), so the worker's
memory is measured alone. Last line: JSON.

    .venv/bin/python benchmarks/ingest_bench.py [--sources 1000] [--entries 50] [--rounds 3] [--profile FILE]

``--profile FILE`` writes where processing spends its time (cProfile, top functions) to FILE.
"""

import argparse
import json
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = ("city climate energy district heating transport cycling housing water data budget council mayor plan green "
         "neutral carbon emissions citizens innovation mobility solar wind tram bus school health circular waste").split()
CITIES = ["Stockholm", "Göteborg", "Malmö", "Amsterdam", "Copenhagen", "Helsinki", "Oslo", "Barcelona", "Vienna", "Lund"]


def make_feed(n: int, entries: int) -> bytes:
    rnd = random.Random(n)
    items = []
    for i in range(entries):
        city = rnd.choice(CITIES)
        body = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(40, 120)))
        items.append(
            f"<item><title>{city} news {n}-{i}: {' '.join(rnd.choice(WORDS) for _ in range(6))}</title>"
            f"<link>https://feed{n}.example/post/{i}?utm_source=rss</link><guid>feed{n}-{i}</guid>"
            f"<pubDate>Mon, 0{1 + i % 9} Jun 2025 10:00:00 GMT</pubDate>"
            f"<description><![CDATA[<p>{city} {body}</p><script>alert(1)</script><a href='javascript:x()'>x</a>]]></description></item>"
        )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {n}</title>'
            f"<link>https://feed{n}.example/</link>{''.join(items)}</channel></rss>").encode()


def serve(ports_queue, n_ports, sources, entries):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    feeds = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            n = int(self.path.strip("/").split(".")[0])
            body = feeds.get(n)
            if body is None:
                body = feeds[n] = make_feed(n, entries)
            time.sleep(random.uniform(0.05, 0.2))
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    ports = []
    for _ in range(n_ports):
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        ports.append(httpd.server_address[1])
    ports_queue.put(ports)
    while True:
        time.sleep(3600)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="processing and feedparser are each timed this often, interleaved; best counts")
    parser.add_argument("--profile", help="write a profile of processing to this file")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="omvarld-bench-")
    os.environ.update({
        "OMVARLD_DATA_DIR": tmp, "OMVARLD_FETCH_ALLOW_LOOPBACK": "true", "OMVARLD_FETCH_FULLTEXT": "0",
        "OMVARLD_FETCH_PER_HOST": "4", "OMVARLD_FETCH_HOST_DELAY_MS": "0", "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "omvarld.settings",
    })
    os.environ.pop("DATABASE_URL", None)
    n_ports = 50
    queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(queue, n_ports, args.sources, args.entries), daemon=True)
    server.start()
    ports = queue.get(timeout=30)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from omvarld.core.models import Entity, MainCategory, Theme
    from omvarld.monitoring import pipeline
    from omvarld.monitoring.models import Entry, Source
    from omvarld.monitoring.scheduler import Scheduler
    from omvarld.monitoring.sources.feed.parse import parse_feed

    cat = MainCategory.objects.create(slug="cities", name_sv="Städer", name_en="Cities")
    for city in CITIES:
        Entity.objects.create(slug=city.lower(), main_category=cat, name_sv=city, name_en=city, is_watched=True, priority=1)
    Theme.objects.create(slug="energy", label_sv="Energi", label_en="Energy", synonyms_en="district heating\nsolar\nwind")
    Theme.objects.create(slug="mobility", label_sv="Mobilitet", label_en="Mobility", synonyms_en="tram\nbus\ncycling")

    # 1. Processing without the network: parse, sanitise, deduplicate, tag, store.
    sample = 100
    bodies = [make_feed(100_000 + n, args.entries) for n in range(sample)]
    ctx = pipeline.Context.load()
    from omvarld.monitoring.text import detect_language

    detect_language("warm up the language model once, as a worker does at its first entry")
    import feedparser

    def process():
        for body in bodies:
            harvest = parse_feed(body)
            items = pipeline.prepare_many(harvest.candidates, ctx)
            pipeline.store(None, pipeline.drop_known(None, items))

    def feedparser_alone():
        for body in bodies:
            feedparser.parse(body)

    processed = sample * args.entries
    ours, theirs = [], []
    for _ in range(max(1, args.rounds)):
        started = time.process_time()
        feedparser_alone()
        theirs.append(time.process_time() - started)
        started = time.process_time()
        process()
        ours.append(time.process_time() - started)
        Entry.objects.all().delete()
    cpu, fp_cpu = min(ours), min(theirs)
    per_core, fp_per_core = processed / cpu, processed / fp_cpu
    if args.profile:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        process()
        profiler.disable()
        Entry.objects.all().delete()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        Path(args.profile).write_text(out.getvalue())
        print(f"profile written to {args.profile}")

    # 2. One full polling cycle through the scheduler and the guarded fetcher.
    Source.objects.bulk_create([
        Source(kind="feed", url=f"http://127.0.0.1:{ports[n % n_ports]}/{n}.xml", host=f"127.0.0.1:{ports[n % n_ports]}")
        for n in range(args.sources)
    ])
    done = [0]

    def progress(source, log):
        done[0] += 1
        if done[0] % 100 == 0:
            print(f"  {done[0]} sources fetched", file=sys.stderr)

    scheduler = Scheduler(concurrency=args.concurrency, per_host=4, host_delay=0, progress=progress)
    started = time.monotonic()
    scheduler.run(once=True)
    cycle = time.monotonic() - started
    stored = Entry.objects.count()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    server.terminate()

    print(f"processing: {processed} entries in {cpu:.2f} s CPU = {per_core:.0f} entries/s per core ({1000 * cpu / processed:.3f} ms/entry); "
          f"rounds {', '.join(f'{processed / c:.0f}' for c in ours)}")
    print(f"feedparser alone, same feeds: {fp_per_core:.0f} entries/s per core; rounds {', '.join(f'{processed / c:.0f}' for c in theirs)}")
    print(f"ratio to feedparser: {per_core / fp_per_core:.2f} (target >= 3)")
    print(f"cycle: {args.sources} sources, {stored} entries stored in {cycle:.1f} s = {stored / cycle:.0f} entries/s end to end")
    print(f"worker peak memory: {peak_mb:.0f} MB")
    print(json.dumps({
        "entries_per_s_per_core": round(per_core), "cpu_ms_per_entry": round(1000 * cpu / processed, 3),
        "feedparser_entries_per_s": round(fp_per_core), "ratio_to_feedparser": round(per_core / fp_per_core, 2),
        "cycle_1000_sources_s": round(cycle * 1000 / args.sources, 1), "entries_per_s_end_to_end": round(stored / cycle),
        "entries_stored": stored, "worker_peak_rss_mb": round(peak_mb), "peak_rss_mb": round(peak_mb),
    }))


if __name__ == "__main__":
    main()
