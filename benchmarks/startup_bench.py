"""How fast the product's commands start: `omvarld inspect` on a one-line text file, `omvarld
--help`, and a worker from launch to its first finished task.

Uses a throwaway SQLite data folder. The first `inspect` fits the seed theme model and unpacks
the language identifier into the data folder (reported as inspect_first_s); every later process
loads them. Each figure is the median of RUNS runs. As a baseline for this machine's speed,
the same run also times `python -c "import django; django.setup()"` with the product's settings,
and prints the ratio of each figure to it.
Last line: JSON with inspect_s, help_s, worker_ready_s, the baseline, the ratios and peak_rss_mb.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", 5))
OMVARLD = [sys.executable, "-m", "omvarld.cli"]


def timed(cmd, env) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median(cmd, env) -> float:
    return statistics.median(timed(cmd, env) for _ in range(RUNS))


def worker_ready(env) -> float:
    """From launching `omvarld worker` to the moment it has run a task queued before it started."""
    code = (
        "import django; django.setup();"
        "from omvarld.outbox.tasks import deliver_due_task; print(deliver_due_task.enqueue().id)"
    )
    task_id = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout.strip()
    start = time.perf_counter()
    worker = subprocess.Popen([*OMVARLD, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in worker.stdout:  # the task runner logs each task's state
            if task_id in line and "state=SUCCESSFUL" in line:
                elapsed = time.perf_counter() - start
                break
            if time.perf_counter() - start > 120:
                raise RuntimeError("the worker did not run its task within two minutes")
        else:
            raise RuntimeError("the worker stopped before running its task")
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="omvarld-startup-") as folder:
        env = {**os.environ, "OMVARLD_DATA_DIR": folder, "DJANGO_SETTINGS_MODULE": "omvarld.settings"}
        env.pop("DATABASE_URL", None)
        text = Path(folder) / "one.txt"
        text.write_text("Stockholm bygger ut fjärrvärmen och nya cykelbanor för klimatet.\n", encoding="utf-8")
        subprocess.run([*OMVARLD, "migrate", "--no-input", "-v0"], env=env, check=True)
        first = timed([*OMVARLD, "inspect", str(text)], env)
        baseline = median([sys.executable, "-c", "import django; django.setup()"], env)
        inspect = median([*OMVARLD, "inspect", str(text)], env)
        help_s = median([*OMVARLD, "--help"], env)
        ready = statistics.median(worker_ready(env) for _ in range(max(1, RUNS // 2)))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    figures = {
        "inspect_s": round(inspect, 3), "help_s": round(help_s, 3), "worker_ready_s": round(ready, 3),
        "inspect_first_s": round(first, 3), "django_setup_baseline_s": round(baseline, 3),
        "inspect_ratio": round(inspect / baseline, 2), "help_ratio": round(help_s / baseline, 2),
        "worker_ready_ratio": round(ready / baseline, 2), "peak_rss_mb": round(peak, 1),
    }
    print(f"inspect {inspect:.2f} s (first run {first:.2f} s), --help {help_s:.2f} s, worker ready {ready:.2f} s; "
          f"baseline django.setup() {baseline:.2f} s")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
