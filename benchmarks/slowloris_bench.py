"""50 slow clients and normal traffic side by side, against the old and the new way of serving.

Each slow client opens a connection to 127.0.0.1 and sends its request headers one line a second,
never finishing (slow-loris). Meanwhile four ordinary clients fetch the start page and the news
stream in a loop. Measured twice in one run, on a throwaway SQLite database with the demo data:

- ``gunicorn_sync``: gunicorn with sync workers, as `omvarld serve` ran before (#18);
- ``gunicorn_gthread``: gunicorn with 2 gthread workers of 8 threads and a 30 s timeout;
- ``serve``: the server `omvarld serve` runs now (granian with a header read timeout).

Per server: ordinary requests' p50/p95/p99 in ms, how many failed (5xx, timed out or refused),
how many slow connections the server closed by itself. Bounded: each phase lasts --seconds.
The machine is shared, so the figures come from a loaded machine; compare the two in the same run.

    python benchmarks/slowloris_bench.py [--slow 50] [--seconds 30]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATHS = ["/", "/news/"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
            return
        except urllib.error.HTTPError:
            return  # 503 without a worker is an answer
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def slow_client(port: int, stop: threading.Event, closed: list, opened: list) -> None:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError:
        return
    opened.append(1)
    try:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        n = 0
        while not stop.wait(1.0):
            n += 1
            s.sendall(f"X-Slow-{n}: {'a' * 10}\r\n".encode())
    except OSError:
        closed.append(1)  # the server hung up on us: what a defended server does
    finally:
        s.close()


def normal_client(port: int, stop: threading.Event, times: list, failures: list) -> None:
    i = 0
    while not stop.is_set():
        path = PATHS[i % len(PATHS)]
        i += 1
        t0 = time.perf_counter()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
                r.read()
            times.append((time.perf_counter() - t0) * 1000)
        except urllib.error.HTTPError as e:
            if e.code >= 500:
                failures.append(e.code)
            else:
                times.append((time.perf_counter() - t0) * 1000)
        except OSError:
            failures.append("timeout")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * p / 100))], 1)


def measure(name: str, cmd: list[str], port: int, env: dict, slow: int, seconds: float) -> dict:
    server = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_up(port)
        stop = threading.Event()
        closed, opened, times, failures = [], [], [], []
        threads = [threading.Thread(target=slow_client, args=(port, stop, closed, opened), daemon=True) for _ in range(slow)]
        for t in threads:
            t.start()
        time.sleep(2)  # let the slow clients take their places
        normal = [threading.Thread(target=normal_client, args=(port, stop, times, failures), daemon=True) for _ in range(4)]
        for t in normal:
            t.start()
        time.sleep(seconds)
        stop.set()
        for t in normal + threads:
            t.join(timeout=15)
        return {
            f"{name}_p50_ms": pct(times, 50), f"{name}_p95_ms": pct(times, 95), f"{name}_p99_ms": pct(times, 99),
            f"{name}_ok": len(times), f"{name}_failed": len(failures),
            f"{name}_5xx": sum(1 for f in failures if isinstance(f, int)),
            f"{name}_slow_closed_by_server": len(closed), f"{name}_slow_opened": len(opened),
        }
    finally:
        os.killpg(server.pid, 15)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slow", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    data = tempfile.mkdtemp(prefix="omvarld-slowloris-")
    env = {**os.environ, "OMVARLD_DATA_DIR": data, "DATABASE_URL": "", "WEB_WORKERS": "2", "WEB_HEADER_TIMEOUT": "10"}
    env.pop("DEBUG", None)
    omvarld = [sys.executable, "-m", "omvarld.cli"]
    subprocess.run(omvarld + ["migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True)
    subprocess.run(omvarld + ["loaddemo"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(omvarld + ["collectstatic", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True)
    figures = {"slow_clients": args.slow, "seconds": args.seconds}
    port = free_port()
    figures.update(measure("gunicorn_sync", [sys.executable, "-m", "gunicorn", "omvarld.wsgi:application", "--bind", f"127.0.0.1:{port}",
                                             "--workers", "2", "--timeout", "60"], port, env, args.slow, args.seconds))
    port = free_port()
    figures.update(measure("gunicorn_gthread", [sys.executable, "-m", "gunicorn", "omvarld.wsgi:application", "--bind", f"127.0.0.1:{port}",
                                                "--workers", "2", "--worker-class", "gthread", "--threads", "8", "--timeout", "30"],
                           port, env, args.slow, args.seconds))
    port = free_port()
    figures.update(measure("serve", omvarld + ["serve", "--no-migrate", "--port", str(port)], port, env, args.slow, args.seconds))
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
