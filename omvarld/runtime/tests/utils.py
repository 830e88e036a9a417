"""Run what web requests queued, as a worker would, inside a test."""


def run_queued() -> int:
    """Run every ready task of the database queue once, in order; how many ran."""
    from django_tasks_db.models import DBTaskResult

    ran = 0
    for result in DBTaskResult.objects.ready().order_by("enqueued_at"):
        result.claim("test-worker")
        result.set_successful(result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"]))
        ran += 1
    return ran
