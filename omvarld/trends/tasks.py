"""Background jobs of the trend radar (Django's tasks API)."""

from django.tasks import task

from omvarld.trends.compute import compute_trends


@task()
def compute_trends_task() -> int:
    return compute_trends()
