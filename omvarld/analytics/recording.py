"""The one way events get stored: ``record`` puts an ``Event`` into a buffer in memory.

A background thread of the web process writes the buffer to the database every
ANALYTICS_FLUSH_SECONDS, in one multi-row insert, so that a page never waits for the database
on behalf of counting. With ANALYTICS_FLUSH_SECONDS = 0 each event is one insert, done at once
(tests, commands and the worker's signals use this). Counting never breaks the caller: a failed
write is logged (without the rows) and dropped.
"""

import atexit
import logging
import os
import threading
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.db import close_old_connections

log = logging.getLogger(__name__)

# Beyond this many waiting rows (a database that stopped answering), new events are dropped
# rather than letting memory grow.
MAX_WAITING = 50_000


class Event(NamedTuple):
    """One counted event; a plain tuple, so the request path builds no model instance."""

    day: date
    kind: str
    target: str = ""
    detail: str = ""
    results: int | None = None
    visitor: str = ""


class Buffer:
    def __init__(self):
        self._lock = threading.Lock()
        self._rows: list = []
        self._pid = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def add(self, event: Event) -> None:
        if settings.ANALYTICS_FLUSH_SECONDS <= 0:
            _write([event])
            return
        with self._lock:
            if self._pid != os.getpid():  # a forked web worker starts with its own buffer and thread
                self._rows, self._pid, self._thread = [], os.getpid(), None
            if len(self._rows) < MAX_WAITING:
                self._rows.append(event)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="analytics-flush", daemon=True)
                self._thread.start()

    def flush(self) -> int:
        with self._lock:
            rows, self._rows = self._rows, []
        if rows and not _write(rows) and threading.current_thread() is self._thread:
            close_old_connections()  # the flush thread's own connection; a fresh one next time
        return len(rows)

    def pending(self) -> int:
        return len(self._rows)

    def _run(self) -> None:
        # The thread keeps its own database connection open between writes; a failed write
        # closes it (see _write), and the next flush opens a fresh one.
        while not self._stop.wait(max(settings.ANALYTICS_FLUSH_SECONDS, 0.05)):
            try:
                self.flush()
            except Exception:  # the thread must outlive any one failure
                log.exception("flushing analytics events failed")


def _write(rows: list[Event]) -> bool:
    """One multi-row insert. Plain ``executemany`` rather than model instances: this runs in the
    web process, and building thousands of objects would hold the interpreter while pages wait."""
    try:
        _insert(rows)
    except Exception:  # counting must never break a page or a worker
        log.exception("could not store %d analytics events", len(rows))
        return False
    return True


ROWS_PER_STATEMENT = 500


def _insert(rows: list[Event]) -> None:
    """Multi-row INSERT statements of up to ROWS_PER_STATEMENT rows each. Not ``executemany``:
    that releases and retakes the interpreter lock once per row, and every handover can keep
    the thread serving a page waiting for the CPU on a busy machine."""
    from django.db import connection, transaction

    from omvarld.analytics.models import Hit

    q = connection.ops.quote_name
    head = f"INSERT INTO {q(Hit._meta.db_table)} ({', '.join(q(c) for c in Event._fields)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(Event._fields)) + ")"
    adapt = connection.ops.adapt_datefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start:start + ROWS_PER_STATEMENT]
            params = [value for r in chunk for value in (adapt(r.day), *r[1:])]
            cursor.execute(head + ", ".join([one] * len(chunk)), params)


buffer = Buffer()
record = buffer.add


@atexit.register
def _flush_at_exit() -> None:
    try:
        buffer.flush()
    except Exception:
        pass
