"""The scheduler loop: finds due sources, claims each one, and fetches it in a thread pool.

A worker claims a source with a conditional UPDATE ("only if nobody holds an unexpired claim")
and fetches it only when that UPDATE changed exactly one row. This works the same on SQLite and
PostgreSQL, so several workers on several machines never fetch one source twice at once. A claim
is released as soon as its worker's heartbeat goes stale (``omvarld.runtime.heartbeat``), and in
any case expires after ``CLAIM_SECONDS``.

Politeness: at most ``per_host`` fetches of one host at a time (counting other workers' claims),
and ``host_delay`` seconds between two fetches of one host by this worker.

Recurring schedules, all in one place (``SCHEDULES``): fetching due sources on every step, and
retraining the learned models from editors' decisions.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import close_old_connections, connection
from django.db.models import Count, Q
from django.utils import timezone

from omvarld.monitoring import learning
from omvarld.monitoring.models import Source

log = logging.getLogger(__name__)

CLAIM_SECONDS = 600
SCHEDULES = [
    # (what, every seconds, method)
    ("fetch due sources", 0, "fetch_step"),
    ("retrain models from editors' decisions", 600, "train_step"),
]


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def claim_source(source_id: int, worker_id: str, *, now=None, due_only: bool = True) -> bool:
    """Take the source for this worker; True only if this call won it.

    ``due_only=False`` is for "fetch now" by hand: the source need not be due or unpaused, but
    it must still not be held by another worker.
    """
    now = now or timezone.now()
    rows = Source.objects.filter(pk=source_id)
    if due_only:
        rows = rows.filter(paused=False, next_check_at__lte=now)
    won = (
        rows.filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_by=worker_id, claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS))
    )
    return won == 1


def release_claims(worker_ids: list[str]) -> int:
    """Free the sources held by workers that are gone (their heartbeat went stale, #18)."""
    return Source.objects.filter(claimed_by__in=worker_ids).update(claimed_by="", claimed_until=None)


class Scheduler:
    def __init__(self, *, worker_id: str | None = None, concurrency: int = 8, per_host: int = 1, host_delay: float = 1.0,
                 fetch=None, progress=None):
        from omvarld.monitoring.actions import fetch_source

        self.worker_id = worker_id or new_worker_id()
        self.concurrency = max(1, concurrency)
        self.per_host = max(1, per_host)
        self.host_delay = host_delay
        self.fetch = fetch or fetch_source
        self.progress = progress  # called with each FetchLog
        self.pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="fetch")
        self.running: dict[int, tuple[str, Future]] = {}
        self.host_last: dict[str, float] = {}
        self.last_run: dict[str, float] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()

    # Each step returns whether it found work, so tests can drive one step at a time.
    def fetch_step(self) -> bool:
        self._reap()
        free = self.concurrency - len(self.running)
        if free <= 0:
            return True
        now = timezone.now()
        due = list(
            Source.objects.filter(paused=False, next_check_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("priority", "next_check_at")
            .values_list("pk", "host")[: free * 20]
        )
        if not due:
            return bool(self.running)
        busy = dict(
            Source.objects.filter(claimed_until__gte=now, host__in={h for _p, h in due})
            .values_list("host").annotate(n=Count("pk")).values_list("host", "n")
        )
        started, waiting = 0, False
        clock = time.monotonic()
        for pk, host in due:
            if started >= free:
                break
            if clock - self.host_last.get(host, -1e9) < self.host_delay:
                waiting = True
                continue
            if busy.get(host, 0) >= self.per_host:
                waiting = waiting or host in {h for h, _f in self.running.values()}
                continue
            if not claim_source(pk, self.worker_id, now=now):
                continue
            busy[host] = busy.get(host, 0) + 1
            self.host_last[host] = clock
            self.running[pk] = (host, self.pool.submit(self._run, pk))
            started += 1
        return started > 0 or waiting or bool(self.running)

    def train_step(self) -> bool:
        return learning.train_if_due()

    def _run(self, source_id: int):
        close_old_connections()
        try:
            source = Source.objects.get(pk=source_id)
            result = self.fetch(source=source, worker=self.worker_id)
            if self.progress:
                self.progress(source, result)
            return result
        finally:
            connection.close()

    def _reap(self) -> None:
        for pk, (host, future) in list(self.running.items()):
            if future.done():
                del self.running[pk]
                self.host_last[host] = time.monotonic()
                if future.exception():
                    log.error("fetch of source %s failed: %s", pk, future.exception())

    def step(self) -> bool:
        """Run each recurring schedule that is due; whether any found work."""
        found = False
        for _what, every, method in SCHEDULES:
            if time.monotonic() - self.last_run.get(method, -1e9) >= every:
                self.last_run[method] = time.monotonic()
                found = getattr(self, method)() or found
        return found

    def run(self, *, once: bool = False, idle_sleep: float = 2.0) -> None:
        """Loop until ``stop`` is set; with ``once``, until nothing is due and nothing runs."""
        try:
            while not self.stop.is_set():
                found = self.step()
                if once and not found:
                    break
                self.stop.wait(0.05 if found else idle_sleep)
        finally:
            self.pool.shutdown(wait=True)
            self._reap()
            close_old_connections()
