"""Background tasks: thin wrappers that carry only ids and call an action; safe to run twice."""

from django.tasks import task

from omvarld.outbox import actions


@task
def deliver_task(message_ids: list[int]) -> dict:
    report = actions.deliver(ids=message_ids)
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}


@task
def deliver_due_task() -> dict:
    report = actions.deliver()
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}
