"""Several workers, one PostgreSQL, one of them killed with SIGKILL again and again (#18).

Three `omvarld worker` processes share the task queue and the fetch schedule of one PostgreSQL
database for --minutes, while every --kill-every seconds one of them, chosen at random, is
killed with `kill -9` and started again. Meanwhile probe tasks are queued steadily, and 60 feeds
on a local server (127.0.0.1 only) are made due again every few seconds. The feed server counts
how many fetches of each feed ran at the same time. At the end the workers are stopped, the
queue is drained, and the script prints (last line, JSON):

- fetch_overlaps: times one feed was being fetched by two workers at once (must be 0);
- tasks_queued, tasks_done_once, tasks_done_twice, tasks_lost (done twice and lost must be 0);
- fetches, kills, worker_ids_seen (each restart beats under a new id).

Mail sending through the outbox is not covered yet (pending). Needs PostgreSQL: DATABASE_URL or
postgres://postgres@127.0.0.1:55432/omvarld_workers_bench (created and dropped by the script).
The machine is shared, so the figures were taken on a loaded machine.

    python benchmarks/workers_bench.py [--minutes 10] [--kill-every 60] [--workers 3]
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import random
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FEEDS = 60


class FeedServer:
    def __init__(self):
        self.lock = threading.Lock()
        self.in_flight: dict[str, int] = {}
        self.overlaps = 0
        self.fetches = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self):
                if self.path == "/robots.txt":
                    body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
                else:
                    with server.lock:
                        n = server.in_flight.get(self.path, 0) + 1
                        server.in_flight[self.path] = n
                        server.fetches += 1
                        if n > 1:
                            server.overlaps += 1
                    try:
                        time.sleep(0.3)  # a fetch takes a while, so overlaps would show
                        stamp = int(time.time())
                        items = "".join(
                            f"<item><title>Story {self.path} {stamp} {i}</title><link>http://e.org{self.path}/{stamp}/{i}</link>"
                            f"<guid>{self.path}-{stamp}-{i}</guid><description>District heating news {i}</description></item>"
                            for i in range(3))
                        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {self.path}</title><link>http://e.org/</link>{items}</channel></rss>'.encode()
                        ctype = "application/rss+xml"
                    finally:
                        with server.lock:
                            server.in_flight[self.path] -= 1
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--kill-every", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--tasks-per-second", type=float, default=5)
    args = parser.parse_args()

    admin_url = "postgres://postgres@127.0.0.1:55432/postgres"
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:55432/omvarld_workers_bench"
    created = False
    if not os.environ.get("DATABASE_URL"):
        import psycopg

        with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS omvarld_workers_bench")
            conn.execute("CREATE DATABASE omvarld_workers_bench")
        created = True
    env = {**os.environ, "DATABASE_URL": url, "OMVARLD_FETCH_ALLOW_LOOPBACK": "true", "OMVARLD_FETCH_PER_HOST": "8",
           "OMVARLD_FETCH_HOST_DELAY_MS": "0", "OMVARLD_FETCH_FULLTEXT": "0", "OMVARLD_HEARTBEAT_SECONDS": "2",
           "OMVARLD_HEARTBEAT_STALE": "10", "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "omvarld.settings"}
    os.environ.update(env)
    subprocess.run([sys.executable, "-m", "omvarld.cli", "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True)

    import django

    django.setup()
    from django.utils import timezone

    from omvarld.monitoring.models import Source
    from omvarld.runtime.models import Heartbeat, Job
    from omvarld.runtime.tasks import probe_task

    feeds = FeedServer()
    Source.objects.bulk_create([Source(kind="feed", url=f"{feeds.base}/feed{n}", host=feeds.base.split("//")[1],
                                       title=f"Feed {n}", interval_s=3600) for n in range(FEEDS)])

    def start_worker():
        return subprocess.Popen([sys.executable, "-m", "omvarld.cli", "worker", "-v", "0"], env=env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    workers = [start_worker() for _ in range(args.workers)]
    kills, queued = 0, 0
    seen_heartbeats: set[str] = set()
    end = time.monotonic() + args.minutes * 60
    next_kill = time.monotonic() + args.kill_every
    next_due = time.monotonic()
    try:
        while time.monotonic() < end:
            for _ in range(max(1, int(args.tasks_per_second))):
                job = Job.objects.create(kind="probe", params={})
                probe_task.enqueue(job.pk)
                queued += 1
            if time.monotonic() >= next_due:
                Source.objects.update(next_check_at=timezone.now())  # everything is due again
                next_due = time.monotonic() + 5
            seen_heartbeats |= set(Heartbeat.objects.values_list("worker_id", flat=True))
            if time.monotonic() >= next_kill:
                victim = random.randrange(len(workers))
                os.kill(workers[victim].pid, signal.SIGKILL)
                workers[victim].wait()
                workers[victim] = start_worker()
                kills += 1
                next_kill = time.monotonic() + args.kill_every
            time.sleep(1)
        # Drain: the workers finish what is queued (and what the killed ones held).
        from django_tasks_db.models import DBTaskResult

        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
            seen_heartbeats |= set(Heartbeat.objects.values_list("worker_id", flat=True))
            time.sleep(2)
    finally:
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=60)
            except subprocess.TimeoutExpired:
                w.kill()
    runs = [len(m) for m in Job.objects.filter(kind="probe").values_list("message", flat=True)]
    figures = {
        "minutes": args.minutes, "workers": args.workers, "kills": kills,
        "fetches": feeds.fetches, "fetch_overlaps": feeds.overlaps,
        "tasks_queued": queued, "tasks_done_once": sum(1 for r in runs if r == 1),
        "tasks_done_twice": sum(1 for r in runs if r > 1), "tasks_lost": sum(1 for r in runs if r == 0),
        "worker_ids_seen": len(seen_heartbeats),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if created:
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS omvarld_workers_bench WITH (FORCE)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
