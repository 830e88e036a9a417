"""One-off background jobs (Django's tasks API). Each loads by id and calls an action."""

from django.tasks import task

from omvarld.events import actions


@task()
def import_calendar_url_task(import_id: int) -> str:
    return actions.import_calendar_url(import_id)
