"""Small builders for subscription tests."""

import datetime as dt

from django.utils import timezone

from omvarld.core.models import Entity, Item, MainCategory, Theme
from omvarld.subscriptions.models import Subscriber, Subscription


def follower(email, *follows, language="sv", confirmed_days_ago=2, due=True):
    """A confirmed subscriber; ``follows`` are (kind, slug or None, rhythm)."""
    now = timezone.now()
    sub = Subscriber.objects.create(
        email=email, language=language, status=Subscriber.Status.CONFIRMED,
        consent_at=now - dt.timedelta(days=confirmed_days_ago), consent_page="/whats-new/",
        confirmed_at=now - dt.timedelta(days=confirmed_days_ago),
    )
    models = {"entity": Entity, "theme": Theme, "category": MainCategory}
    for kind, slug, rhythm in follows:
        obj = models[kind].objects.get(slug=slug) if slug else None
        Subscription.objects.create(
            subscriber=sub, kind=kind, target_key=f"{kind}:{obj.pk}" if obj else kind, rhythm=rhythm,
            **({kind: obj} if obj else {}),
            confirmed_at=now - dt.timedelta(days=confirmed_days_ago),
            next_digest_at=now - dt.timedelta(hours=1) if due else now + dt.timedelta(days=1),
        )
    return sub


def age_items(hours=1, **filters):
    """Pretend the items were saved a while ago (the loader just created them)."""
    when = timezone.now() - dt.timedelta(hours=hours)
    Item.objects.filter(**filters).update(updated_at=when, created_at=when, published_at=when)


def make_due(*subscribers):
    Subscription.objects.filter(subscriber__in=subscribers).update(next_digest_at=timezone.now() - dt.timedelta(minutes=5))
