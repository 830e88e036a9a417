"""Load the JSON API's list and search endpoints and compare with a static file from the same server.

450,000 published items in SQLite, gunicorn on 127.0.0.1 (WEB_WORKERS sync workers, default 2),
`wrk` with 32 connections for 20 s over a mix of list and search URLs, then 20 s against a static
file. Needs `wrk` (Debian: apt-get install wrk). The last line printed is JSON.

    python benchmarks/api_bench.py [--items 450000] [--seconds 20] [--connections 32]
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
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORDS = ("circular", "energy", "mobility", "heating", "housing", "climate", "water", "digital", "nature", "waste",
         "transport", "buildings", "governance", "finance", "health", "food", "solar", "wind", "district", "data")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fill(n_items: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from omvarld.api import versioning
    from omvarld.core import indexing, search
    from omvarld.core.models import Entity, Item, MainCategory, Placement, SearchDocument, Theme

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    now = timezone.now()
    types = [t for t in Item.Type.values if t != Item.Type.EVENT]
    with indexing.paused(), transaction.atomic():
        cat = MainCategory.objects.create(slug="cities", name_sv="Städer", name_en="Cities")
        entities = Entity.objects.bulk_create(
            [Entity(main_category=cat, slug=f"city-{i}", name_sv=f"Stad {i}", name_en=f"City {i}", country="SE") for i in range(200)]
        )
        themes = Theme.objects.bulk_create([Theme(slug=w, label_sv=w, label_en=w) for w in WORDS[:8]])
        batch = 10_000
        for start in range(0, n_items, batch):
            rows = []
            for i in range(start, min(start + batch, n_items)):
                a, b = WORDS[i % 20], WORDS[(i * 7 + 3) % 20]
                kind = Item.Type.EVENT if i % 50 == 0 else types[i % len(types)]
                rows.append(Item(
                    type=kind, title=f"{a.title()} and {b} report {i}", summary=f"A note on {a} and {b} in city {i % 200}.",
                    language="en", status=Item.Status.PUBLISHED, published_at=now - timezone.timedelta(minutes=n_items - i),
                    published_on=(now - timezone.timedelta(days=i % 3000)).date(),
                    starts_on=(now + timezone.timedelta(days=i % 400)).date() if kind == Item.Type.EVENT else None,
                    created_at=now, updated_at=now,
                ))
            items = Item.objects.bulk_create(rows)
            Placement.objects.bulk_create([Placement(item=it, entity=entities[it.pk % 200]) for it in items])
            Item.themes.through.objects.bulk_create([Item.themes.through(item_id=it.pk, theme_id=themes[it.pk % 8].pk) for it in items])
            SearchDocument.objects.bulk_create(
                [search.document("item", it.pk, it.title, it.summary) for it in items]
            )
        versioning.bump()


def wrk(url: str, paths: list[str], seconds: int, connections: int, script_dir: Path) -> dict:
    lua = script_dir / "paths.lua"
    lua.write_text(
        "local paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
        "local i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
    )
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s", str(lua), url],
        capture_output=True, text=True, check=True, timeout=seconds + 60,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = {m.group(1): _ms(m.group(2), m.group(3)) for m in re.finditer(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50_ms": pct["50"], "p99_ms": pct["99"], "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def _ms(value: str, unit: str) -> float:
    return round(float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=450_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    tmp = Path(tempfile.mkdtemp(prefix="omvarld-api-bench-"))
    env = {**os.environ, "OMVARLD_DATA_DIR": str(tmp), "DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "omvarld.settings",
           "LOG_LEVEL": "WARNING", "DEBUG": "false"}
    os.environ.update(env)
    t0 = time.monotonic()
    fill(args.items)
    print(f"filled {args.items} items in {time.monotonic() - t0:.0f} s", flush=True)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "omvarld.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--timeout", "60"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/api/v1/themes", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        first = urllib.request.urlopen(base + "/api/v1/items?limit=20", timeout=10)
        cursor = json.loads(first.read())["meta"]["next_cursor"]
        lists = ["/api/v1/items", "/api/v1/items?limit=50", f"/api/v1/items?cursor={cursor}", "/api/v1/items?type=report",
                 "/api/v1/items?theme=energy", "/api/v1/items?entity=city-7", "/api/v1/notices", "/api/v1/events",
                 "/api/v1/entities", "/api/v1/entities?limit=100", "/api/v1/themes", "/api/v1/items?published_from=2020-01-01"]
        searches = [f"/api/v1/items?q={w}" for w in WORDS[:10]] + ["/api/v1/items?q=heating+district", "/api/v1/items?q=report+12345"]
        paths = [p for pair in zip(lists, searches) for p in pair]
        # One uncached pass, timed, so the figures say what a miss costs; then a warm-up per worker.
        cold = []
        for p in paths:
            t = time.monotonic()
            urllib.request.urlopen(base + p, timeout=60).read()
            cold.append((time.monotonic() - t) * 1000)
        wrk(base, paths, 3, args.connections, tmp)
        api = wrk(base, paths, args.seconds, args.connections, tmp)
        static = wrk(base, ["/static/omvarld/site.css"], args.seconds, args.connections, tmp)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    cold.sort()
    result = {
        "items": args.items, "connections": args.connections, "seconds": args.seconds, "workers": args.workers,
        "api_rps": api["rps"], "api_p50_ms": api["p50_ms"], "api_p99_ms": api["p99_ms"], "api_non_2xx": api["non_2xx"],
        "static_rps": static["rps"], "static_p99_ms": static["p99_ms"],
        "api_to_static": round(api["rps"] / static["rps"], 3) if static["rps"] else None,
        "uncached_median_ms": round(cold[len(cold) // 2], 1), "uncached_max_ms": round(cold[-1], 1),
        "target_p99_ms": 100, "meets_target": api["p99_ms"] <= 100,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
