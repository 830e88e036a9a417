"""What the outbox reports back about subscription mail (matched by the ``ref`` given to it)."""

from django.dispatch import receiver

from omvarld.outbox.signals import mail_failed, mail_sent
from omvarld.subscriptions.models import Delivery, Subscriber
from omvarld.subscriptions.sending import PERMANENT, REF, TOO_MANY


def _delivery_id(message) -> int | None:
    if message.ref.startswith(REF):
        try:
            return int(message.ref[len(REF):])
        except ValueError:
            return None
    return None


@receiver(mail_sent)
def delivery_sent(sender, message, **kwargs):
    pk = _delivery_id(message)
    if pk is not None:
        Delivery.objects.filter(pk=pk).exclude(status=Delivery.Status.SENT).update(status=Delivery.Status.SENT, sent_at=message.sent_at, error="")


@receiver(mail_failed)
def delivery_failed(sender, message, permanent: bool, **kwargs):
    pk = _delivery_id(message)
    if pk is None:
        return
    Delivery.objects.filter(pk=pk).update(status=Delivery.Status.FAILED, error=PERMANENT if permanent else TOO_MANY)
    if permanent:
        from omvarld.subscriptions.actions import stop_addresses

        stop_addresses(reports=[(message.to, Subscriber.StopReason.BOUNCED)])
