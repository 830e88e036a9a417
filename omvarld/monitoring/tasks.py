"""One-off background jobs (Django's tasks API). Each loads by id and calls an action."""

from django.tasks import task

from omvarld.monitoring import actions, learning
from omvarld.monitoring.models import Source
from omvarld.monitoring.scheduler import claim_source, new_worker_id


@task()
def fetch_source_task(source_id: int) -> str:
    """Fetch one source now (the "fetch now" button). Harmless if run twice or while claimed."""
    worker = new_worker_id()
    if not claim_source(source_id, worker, due_only=False):
        return "busy"
    source = Source.objects.get(pk=source_id)
    return actions.fetch_source(source=source, worker=worker).outcome


@task()
def train_models_task() -> bool:
    return learning.train_if_due(force=True)
