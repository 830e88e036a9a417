"""Cost of cross-language query expansion (#17), measured in one run.

Builds the same synthetic map as map_bench.py (MAP_BENCH_ITEMS items, default 30,000 here) and
times the search queries, and then the whole search pages, with and without expansion, interleaved so that both see the
same machine load. The last line is one JSON object; ``*_ratio`` is p95 with / p95 without.
"""

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("MAP_BENCH_ITEMS", "30000")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import map_bench  # noqa: E402  (sets up Django and the throwaway database)

from omvarld.core import search  # noqa: E402
from omvarld.glossary.evaluation import without_expansion  # noqa: E402

QUERIES = {"common": "energy", "two_words": "district heating", "swedish": "fjärrvärme", "entity": "C40"}


def pages(figures):
    """The whole search page (ranking, facets, paging), as map_bench.py times it."""
    from urllib.parse import quote

    from django.test import Client

    client = Client()
    for name, q in QUERIES.items():
        url = f"/search/?q={quote(q)}"
        on, off = [], []
        client.get(url)
        for _ in range(20):
            t = time.perf_counter()
            client.get(url)
            on.append((time.perf_counter() - t) * 1000)
            with without_expansion():
                t = time.perf_counter()
                client.get(url)
                off.append((time.perf_counter() - t) * 1000)
        p95_on = sorted(on)[int(len(on) * 0.95) - 1]
        p95_off = sorted(off)[int(len(off) * 0.95) - 1]
        figures.update({
            f"page_{name}_p95_ms_without": round(p95_off, 1), f"page_{name}_p95_ms_with": round(p95_on, 1),
            f"page_{name}_p95_ratio": round(p95_on / p95_off, 3),
        })
        print(f"page {name:10} without p95 {p95_off:7.1f} ms   with p95 {p95_on:7.1f} ms")


def main():
    map_bench.build()
    figures = {"items": map_bench.N_ITEMS}
    for name, q in QUERIES.items():
        on, off = [], []
        search.find(q)
        with without_expansion():
            search.find(q)
        for _ in range(30):
            t = time.perf_counter()
            n_on = len(search.find(q))
            on.append((time.perf_counter() - t) * 1000)
            with without_expansion():
                t = time.perf_counter()
                n_off = len(search.find(q))
                off.append((time.perf_counter() - t) * 1000)
        p95_on = sorted(on)[int(len(on) * 0.95) - 1]
        p95_off = sorted(off)[int(len(off) * 0.95) - 1]
        figures.update({
            f"{name}_hits_without": n_off, f"{name}_hits_with": n_on,
            f"{name}_p50_ms_without": round(statistics.median(off), 1), f"{name}_p50_ms_with": round(statistics.median(on), 1),
            f"{name}_p95_ms_without": round(p95_off, 1), f"{name}_p95_ms_with": round(p95_on, 1),
            f"{name}_p95_ratio": round(p95_on / p95_off, 3),
        })
        print(f"{name:10} without p95 {p95_off:7.1f} ms ({n_off} hits)   with p95 {p95_on:7.1f} ms ({n_on} hits)")
    pages(figures)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
