"""One-off background jobs (Django's tasks API). Each loads by id and calls an action."""

from django.tasks import task

from omvarld.monitoring import actions, learning
from omvarld.monitoring.models import Source
from omvarld.monitoring.scheduler import claim_source
from omvarld.runtime import heartbeat


@task()
def fetch_source_task(source_id: int) -> str:
    """Fetch one source now (the "fetch now" button). Harmless if run twice or while claimed."""
    worker = heartbeat.worker_id()  # this process's id: released if the process dies (#18)
    if not claim_source(source_id, worker, due_only=False):
        return "busy"
    source = Source.objects.get(pk=source_id)
    return actions.fetch_source(source=source, worker=worker).outcome


@task()
def train_models_task() -> bool:
    return learning.train_if_due(force=True)


@task()
def add_source_task(job_id: int) -> str:
    """Add a source asked for on the "add a source" page: find its feed, read it, store it (#18)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import override

    from omvarld.core.models import Entity
    from omvarld.monitoring.errors import describe
    from omvarld.runtime import jobs

    job = jobs.load(job_id)
    if job is None:
        return "done already"
    p = job.params
    with override(p.get("language") or None):
        try:
            source = actions.add_source(
                url=p["url"], kind=p["kind"], user=get_user_model().objects.filter(pk=job.user_id).first(),
                title=p.get("title", ""), css_selector=p.get("css_selector", ""),
                entities=list(Entity.objects.filter(pk__in=p.get("entities", []))), priority=p.get("priority", Source.Priority.NORMAL),
            )
        except actions.SourceError as exc:
            jobs.finish(job, ok=False, message=describe(exc.key, exc.params), url=reverse("monitoring:source-add"))
            return "refused"
        jobs.finish(job, ok=True, message=_("Source added. It will be fetched shortly."), url=reverse("monitoring:source", args=[source.pk]))
    return "done"
