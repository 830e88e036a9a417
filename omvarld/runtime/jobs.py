"""Queue work that reaches the internet, and record its outcome for the page that asked.

A web request never fetches from the internet (#18): it calls ``start`` with a task that takes the
job's id, and shows the job's page; the worker that runs the task calls ``finish``.
"""

from __future__ import annotations

from django.utils import timezone

from omvarld.runtime.models import Job


def start(*, kind: str, user, params: dict, task) -> Job:
    """Record a pending job and queue ``task(job_id)`` for the workers."""
    job = Job.objects.create(kind=kind, user=user if getattr(user, "is_authenticated", False) else None, params=params)
    task.enqueue(job.pk)
    job.refresh_from_db()  # a task run at once (immediate backend) has already finished it
    return job


def load(job_id: int) -> Job | None:
    """The pending job a task was queued for, or None when it was done already (run twice)."""
    return Job.objects.filter(pk=job_id, state=Job.State.PENDING).first()


def finish(job: Job, *, ok: bool, message: str, url: str = "") -> None:
    """Record the outcome once: a second finish of the same job changes nothing."""
    Job.objects.filter(pk=job.pk, state=Job.State.PENDING).update(
        state=Job.State.DONE if ok else Job.State.FAILED, message=message, result_url=url[:500], finished_at=timezone.now(),
    )
    job.refresh_from_db()


def for_user(user, job_id: int) -> Job | None:
    """A job its asker may see (administrators see all)."""
    qs = Job.objects.filter(pk=job_id)
    if not getattr(user, "is_superuser", False):
        qs = qs.filter(user_id=getattr(user, "pk", None))
    return qs.first()
