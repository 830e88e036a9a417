"""Background tasks: thin wrappers that carry only ids and call an action; safe to run twice."""

from django.tasks import task

from omvarld.subscriptions import actions


@task
def send_confirmation_task(subscriber_id: int) -> bool:
    return actions.send_confirmation(subscriber_id=subscriber_id)


@task
def plan_digests_task(rhythm: str) -> int:
    created = actions.plan_digests(rhythm=rhythm)
    actions.enqueue_pending()
    return created


@task
def send_deliveries_task(delivery_ids: list[int]) -> dict:
    report = actions.send_deliveries(ids=delivery_ids)
    return {"sent": report.sent, "failed": report.failed, "skipped": report.skipped, "deferred": report.deferred}
