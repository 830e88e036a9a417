"""Background jobs of the personal feed (Django's tasks API); each calls one function."""

from django.tasks import task

from omvarld.personal import jobs


@task()
def build_pool_task() -> int:
    return jobs.refresh_pool()


@task()
def train_ranking_task() -> int:
    return jobs.train_ranking()
