from django.tasks import task

from omvarld.editorial import actions
from omvarld.editorial.models import SuggestionEvent


@task
def notify_contributor(event_id: int) -> None:
    event = SuggestionEvent.objects.select_related("suggestion__author", "actor").filter(pk=event_id).first()
    if event is not None:
        actions.send_decision_email(event)
