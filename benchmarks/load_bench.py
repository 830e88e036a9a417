"""The public site under load: start page, entity, item, search and API at 32 and 50 connections.

Runs `omvarld serve` (gunicorn, WEB_WORKERS processes, SQLite) on 127.0.0.1 and drives it with
`wrk` (Debian: apt-get install wrk), one target at a time, for a bounded time each. Prints
requests/s, p50, p95, p99 and the 5xx count per target and connection count, the server's peak
memory, and as a baseline measured in the same run a static file from the same server (the
ratio to it says how the site compares with what the machine and server can do at all). Every
request goes to 127.0.0.1 and every loop stops by itself. The last line is one JSON object.

    python benchmarks/load_bench.py [--items 20000 | --data-dir DIR] [--seconds 10]
        [--connections 32,50] [--slow-clients N] [--pending-fetches N] [--soak MINUTES]

--data-dir reuses a site, e.g. the 450,000-item one map_bench.py leaves with MAP_BENCH_DIR=DIR.
--slow-clients N keeps N connections open that send one header line a second (slow-loris) while
the targets are measured; --pending-fetches N runs a background worker with N fetches held open
by a local server that answers one byte a second. --soak MINUTES then runs every target mixed
for that long and reports how the server's memory grew.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QUERIES = ["energy", "district heating", "fjärrvärme", "C40", "climate", "mobility", "heating", "water", "solar",
           "housing", "transport", "circular economy"]

LUA = r"""
local paths = %(paths)s
local i = 0
local threads = {}
local n5xx = 0
setup = function(thread) table.insert(threads, thread) end
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
response = function(status, headers, body)
  if status >= 500 then n5xx = n5xx + 1 end
end
done = function(summary, latency, requests)
  local total5xx = 0
  for _, t in ipairs(threads) do total5xx = total5xx + (t:get("n5xx") or 0) end
  io.write(string.format("RESULT {\"requests\": %%d, \"seconds\": %%f, \"p50_ms\": %%f, \"p95_ms\": %%f, \"p99_ms\": %%f, \"max_ms\": %%f, \"n5xx\": %%d, \"socket_errors\": %%d}\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, total5xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(base: str, paths: list[str], seconds: float, connections: int, workdir: Path) -> dict:
    from urllib.parse import quote

    script = workdir / "targets.lua"
    quoted = [quote(p, safe="/?=&+") for p in paths]
    script.write_text(LUA % {"paths": "{" + ",".join(json.dumps(p) for p in quoted) + "}"})
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{max(1, int(seconds))}s", "--timeout", "10s", "-s", str(script), base],
        capture_output=True, text=True, timeout=seconds + 60,
    ).stdout
    found = re.search(r"^RESULT (\{.*\})$", out, re.M)
    if not found:
        raise RuntimeError(f"wrk gave no result:\n{out}")
    r = json.loads(found.group(1))
    r["rps"] = r["requests"] / r["seconds"] if r["seconds"] else 0.0
    return r


def descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(parents.get(p, []))
    return out


def memory_mb(pids: list[int], field: str) -> dict[int, float]:
    out = {}
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    out[pid] = int(line.split()[1]) / 1024
        except OSError:
            pass
    return out


def prepare_site(args, env) -> Path:
    """Data dir with a site in it: the one given, or a fresh one with ``--items`` items."""
    if args.data_dir:
        return Path(args.data_dir)
    tmp = Path(tempfile.mkdtemp(prefix="omvarld-load-bench-"))
    env["OMVARLD_DATA_DIR"] = str(tmp)
    code = (
        "import importlib.util, sys; spec = importlib.util.spec_from_file_location('api_bench', sys.argv[1]);"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); m.fill(int(sys.argv[2]))"
    )
    subprocess.run([sys.executable, "-c", code, str(ROOT / "benchmarks" / "api_bench.py"), str(args.items)],
                   env=env, cwd=ROOT, check=True)
    return tmp


def targets_for(env) -> dict[str, list[str]]:
    code = (
        "import django, json; django.setup();"
        "from omvarld.core.queries import published_items; from omvarld.core.models import Entity;"
        "e = Entity.objects.alive().filter(is_watched=True).first() or Entity.objects.alive().first();"
        "i = published_items().order_by('-id').first();"
        "print(json.dumps([e.slug, i.pk]))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    slug, item = json.loads(out.strip().splitlines()[-1])
    return {
        "start": ["/"],
        "entity": [f"/entities/{slug}/"],
        "item": [f"/items/{item}/"],
        "search": [f"/search/?q={q.replace(' ', '+')}" for q in QUERIES],
        "api": ["/api/v1/items", "/api/v1/items?limit=50", "/api/v1/entities", "/api/v1/items?q=energy"],
    }


class SlowClients:
    """N connections that each send one header line a second and never finish their request."""

    def __init__(self, port: int, n: int, stop: threading.Event):
        self.port, self.n, self.stop = port, n, stop
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(n)]

    def start(self):
        for t in self.threads:
            t.start()

    def run(self):
        deadline = time.monotonic() + 3600
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    for n in range(600):
                        if self.stop.wait(1.0):
                            return
                        s.sendall(f"X-Slow-{n}: {'a' * 10}\r\n".encode())
            except OSError:
                self.stop.wait(0.5)


def slow_feed_server(stop: threading.Event) -> tuple[int, list[int]]:
    """A local server whose every answer trickles one byte a second, for at most 10 minutes."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    open_now = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            open_now[0] += 1
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                for _ in range(600):
                    if stop.wait(1.0):
                        return
                    self.wfile.write(b" ")
                    self.wfile.flush()
            except OSError:
                pass
            finally:
                open_now[0] -= 1

        def log_message(self, *a):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd.server_address[1], open_now


def start_pending_fetches(n: int, env: dict, stop: threading.Event, workdir: Path):
    port, open_now = slow_feed_server(stop)
    code = (
        "import django, sys; django.setup(); from omvarld.monitoring.models import Source;"
        "port, n = int(sys.argv[1]), int(sys.argv[2]);"
        "Source.objects.filter(url__startswith=f'http://127.0.0.1:{port}/').delete();"
        "Source.objects.bulk_create([Source(kind='feed', url=f'http://127.0.0.1:{port}/slow/{i}.xml', host=f'127.0.0.1:{port}') for i in range(n)])"
    )
    subprocess.run([sys.executable, "-c", code, str(port), str(n)], env=env, cwd=ROOT, check=True)
    worker_env = {**env, "OMVARLD_FETCH_ALLOW_LOOPBACK": "true", "OMVARLD_FETCH_CONCURRENCY": str(n),
                  "OMVARLD_FETCH_PER_HOST": str(n), "OMVARLD_FETCH_HOST_DELAY_MS": "0", "OMVARLD_FETCH_TIMEOUT": "900"}
    worker = subprocess.Popen([sys.executable, "-m", "omvarld.cli", "worker"], env=worker_env, cwd=ROOT,
                              stdout=open(workdir / "worker.log", "w"), stderr=subprocess.STDOUT)
    for _ in range(120):
        if open_now[0] >= n:
            break
        time.sleep(0.5)
    return worker, open_now


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=20_000, help="items in a fresh site (ignored with --data-dir)")
    parser.add_argument("--data-dir", help="reuse the site in this OMVARLD_DATA_DIR (SQLite)")
    parser.add_argument("--seconds", type=float, default=10, help="seconds per target and connection count")
    parser.add_argument("--connections", default="32,50")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))
    parser.add_argument("--slow-clients", type=int, default=0)
    parser.add_argument("--pending-fetches", type=int, default=0)
    parser.add_argument("--soak", type=float, default=0, help="minutes of mixed load after the targets")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    if args.soak > 120 or args.seconds > 600:
        sys.exit("runs are bounded: --soak at most 120 minutes, --seconds at most 600")

    env = {**os.environ, "DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "omvarld.settings", "LOG_LEVEL": "WARNING",
           "DEBUG": "false", "WEB_WORKERS": str(args.workers)}
    workdir = Path(tempfile.mkdtemp(prefix="omvarld-load-"))
    data_dir = prepare_site(args, env)
    env["OMVARLD_DATA_DIR"] = str(data_dir)
    targets = targets_for(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "omvarld.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=open(workdir / "server.log", "w"))
    stop = threading.Event()
    worker = None
    figures: dict[str, float] = {"workers": args.workers, "seconds_per_run": args.seconds}
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/", timeout=5).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("the server did not start")
        if args.pending_fetches:
            worker, open_now = start_pending_fetches(args.pending_fetches, env, stop, workdir)
            figures["pending_fetches_open"] = open_now[0]
            print(f"{open_now[0]} slow fetches held open by the worker", flush=True)
        if args.slow_clients:
            SlowClients(port, args.slow_clients, stop).start()
            time.sleep(2)
            print(f"{args.slow_clients} slow clients connected", flush=True)
        # Warm every target once per worker (misses are what an edit costs; see map_bench.py).
        for paths in targets.values():
            wrk(base, paths, 2, 4, workdir)
        baseline = wrk(base, ["/static/omvarld/site.css"], args.seconds, 32, workdir)
        figures["static_rps"] = round(baseline["rps"])
        print(f"baseline: static file at 32 connections {baseline['rps']:.0f} req/s, p99 {baseline['p99_ms']:.1f} ms")
        print(f"{'target':8} {'conn':>4} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'5xx':>5} {'errors':>6} {'to static':>9}")
        for connections in [int(c) for c in args.connections.split(",")]:
            for name, paths in targets.items():
                r = wrk(base, paths, args.seconds, connections, workdir)
                ratio = r["rps"] / baseline["rps"] if baseline["rps"] else 0
                print(f"{name:8} {connections:4d} {r['rps']:8.0f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['p99_ms']:8.1f} "
                      f"{r['n5xx']:5d} {r['socket_errors']:6d} {ratio:9.3f}", flush=True)
                for key in ("rps", "p50_ms", "p95_ms", "p99_ms"):
                    figures[f"{name}_{connections}_{key}"] = round(r[key], 1)
                figures[f"{name}_{connections}_5xx"] = r["n5xx"]
                figures[f"{name}_{connections}_socket_errors"] = r["socket_errors"]
                figures[f"{name}_{connections}_to_static"] = round(ratio, 3)
        server_pids = descendants(server.pid)
        if args.soak:
            everything = [p for paths in targets.values() for p in paths]
            before = sum(memory_mb(server_pids, "VmRSS").values())
            started, samples = time.monotonic(), []
            while time.monotonic() - started < args.soak * 60:
                r = wrk(base, everything, min(60, args.soak * 60 - (time.monotonic() - started) + 1), 32, workdir)
                rss = sum(memory_mb(descendants(server.pid), "VmRSS").values())
                samples.append(rss)
                print(f"soak {int(time.monotonic() - started):5d} s: {r['rps']:.0f} req/s, p99 {r['p99_ms']:.0f} ms, "
                      f"5xx {r['n5xx']}, server {rss:.0f} MB", flush=True)
            figures.update({"soak_minutes": args.soak, "soak_rss_start_mb": round(before), "soak_rss_end_mb": round(samples[-1]),
                            "soak_rss_growth_mb": round(samples[-1] - before), "soak_rss_max_mb": round(max(samples))})
        peaks = memory_mb(descendants(server.pid), "VmHWM")
        figures["peak_rss_mb"] = round(max(peaks.values())) if peaks else 0
        figures["server_rss_total_mb"] = round(sum(memory_mb(descendants(server.pid), "VmRSS").values()))
        import resource

        figures["bench_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        with open("/proc/loadavg") as f:
            figures["load_average_1m"] = float(f.read().split()[0])
    except Exception:
        print((workdir / "server.log").read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        stop.set()
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=15)
        everyone = descendants(server.pid)
        server.terminate()
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:  # held up by slow clients: stop it and its workers
            for pid in everyone:
                try:
                    os.kill(pid, 9)
                except OSError:
                    pass
            server.wait(timeout=10)
        if not args.data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"server peak memory (largest process): {figures['peak_rss_mb']} MB; machine load average {figures['load_average_1m']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
