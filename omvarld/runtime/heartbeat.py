"""Worker liveness: each worker process writes a heartbeat; a stale one means the worker is gone.

A worker that dies (``kill -9``, a machine lost) stops beating. After ``HEARTBEAT_STALE`` seconds
any live worker releases what the dead one held: its source claims and its running tasks.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from omvarld.runtime.models import Heartbeat

log = logging.getLogger(__name__)

_PROCESS_ID: str | None = None


def worker_id() -> str:
    """This process's worker id (under 64 characters, as the task queue requires)."""
    global _PROCESS_ID
    if _PROCESS_ID is None or not _PROCESS_ID.split(":")[1] == str(os.getpid()):
        _PROCESS_ID = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    return _PROCESS_ID


def beat(wid: str, *, started_at=None, now=None) -> None:
    now = now or timezone.now()
    updated = Heartbeat.objects.filter(worker_id=wid).update(seen_at=now)
    if not updated:
        Heartbeat.objects.create(worker_id=wid, pid=int(wid.split(":")[1]) if wid.count(":") >= 2 else 0,
                                 host=wid.split(":")[0], started_at=started_at or now, seen_at=now)


def stop(wid: str) -> None:
    Heartbeat.objects.filter(worker_id=wid).delete()


def cutoff(now=None):
    return (now or timezone.now()) - dt.timedelta(seconds=settings.HEARTBEAT_STALE)


def live(now=None):
    return Heartbeat.objects.filter(seen_at__gte=cutoff(now))


def reap_stale(*, now=None, releasers=()) -> list[str]:
    """Forget workers whose heartbeat is stale and release what they held; their ids.

    ``releasers`` are callables taking the list of dead worker ids (the monitoring app passes
    one that frees their source claims). Running tasks of a dead worker go back to the queue.
    """
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        dead = list(Heartbeat.objects.filter(seen_at__lt=cutoff(now)).values_list("worker_id", flat=True))
        if not dead:
            return []
        for release in releasers:
            release(dead)
        requeued = 0
        for result in DBTaskResult.objects.filter(status="RUNNING").only("id", "worker_ids"):
            if result.worker_ids and result.worker_ids[-1] in dead:
                requeued += DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(status="READY", started_at=None)
        Heartbeat.objects.filter(worker_id__in=dead).delete()
    log.warning("workers %s stopped beating; their claims were released and %d running tasks queued again",
                ", ".join(dead), requeued)
    return dead


def status(now=None) -> dict:
    """Liveness figures for the health endpoint and the source health page."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    workers = list(live(now).values("worker_id", "seen_at", "started_at"))
    last = Heartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    return {
        "workers": len(workers),
        "worker_ids": [w["worker_id"] for w in workers],
        "last_heartbeat": last,
        "heartbeat_age": (now - last).total_seconds() if last else None,
        "queue_age": max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
        "queue_length": DBTaskResult.objects.ready().count(),
    }
