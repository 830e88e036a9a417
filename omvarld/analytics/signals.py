"""Subscriptions counted from the subscriptions app's own rows, without touching its code.

A subscription counts when it becomes confirmed (double opt-in done), an unsubscription when a
confirmed subscription is removed (one-click unsubscribe, "remove", or erasing the address).
"""

from django.db.models.signals import post_delete, post_save


def _target(sub):
    return {"entity": sub.entity_id, "theme": sub.theme_id, "category": sub.category_id}.get(sub.kind)


def _key(sub) -> str:
    pk = _target(sub)
    return f"{sub.kind}:{pk}" if pk else "everything"


def subscription_saved(sender, instance, created, update_fields=None, **kwargs):
    from omvarld.analytics.actions import record_key_event

    confirmed_now = created or (update_fields is not None and "confirmed_at" in update_fields)
    if instance.confirmed_at and confirmed_now:
        record_key_event("subscribe", _key(instance))


def subscription_deleted(sender, instance, **kwargs):
    from omvarld.analytics.actions import record_key_event

    if instance.confirmed_at:
        record_key_event("unsubscribe", _key(instance))


def connect() -> None:
    from omvarld.subscriptions.models import Subscription

    post_save.connect(subscription_saved, sender=Subscription, dispatch_uid="analytics-subscription-saved")
    post_delete.connect(subscription_deleted, sender=Subscription, dispatch_uid="analytics-subscription-deleted")
