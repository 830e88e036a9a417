"""Reads the subscriptions views share: subscribers by token or member, data exports, figures."""

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from omvarld.subscriptions import tokens
from omvarld.subscriptions.models import Delivery, Subscriber


def subscriber_by_token(token: str, *, unsubscribe: bool = False) -> Subscriber | None:
    """The subscriber a manage (or unsubscribe) token belongs to, or None for a bad token."""
    try:
        subscriber_id, secret = (tokens.read_unsubscribe_token if unsubscribe else tokens.read_manage_token)(token)
    except tokens.BadToken:
        return None
    return Subscriber.objects.filter(pk=subscriber_id, secret=secret).first()


def subscriber_for_member(user) -> Subscriber | None:
    """A signed-in member's subscriber record: linked to them, or under their account's address."""
    found = Subscriber.objects.filter(user=user).first()
    if found is None and user.email:
        found = Subscriber.objects.filter(email=user.email.strip().lower()).first()
    return found


def subscriptions_of(subscriber: Subscriber) -> list:
    return list(subscriber.subscriptions.select_related("entity", "theme", "category").order_by("created_at", "id"))


def export_data(subscriber: Subscriber) -> dict:
    """Everything stored about a subscriber, for the 'download my data' link."""
    return {
        "email": subscriber.email,
        "language": subscriber.language,
        "status": subscriber.status,
        "stop_reason": subscriber.stop_reason,
        "consent": {"given_at": subscriber.consent_at.isoformat(), "page": subscriber.consent_page},
        "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
        "subscriptions": [
            {
                "follows": s.kind,
                "target": s.target_label,
                "how_often": s.rhythm,
                "created_at": s.created_at.isoformat(),
                "confirmed_at": s.confirmed_at.isoformat() if s.confirmed_at else None,
            }
            for s in subscriptions_of(subscriber)
        ],
        "mails": [
            {"period": d.period, "status": d.status, "sent_at": d.sent_at.isoformat() if d.sent_at else None}
            for d in subscriber.deliveries.order_by("created_at", "id")
        ],
    }


def delivery_figures(*, days: int = 14, now=None) -> dict:
    """Counts for the administrators' delivery page: per day and status, subscribers, failures."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=days)
    per_day = (
        Delivery.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            total=Count("id"),
            sent=Count("id", filter=Q(status=Delivery.Status.SENT)),
            failed=Count("id", filter=Q(status=Delivery.Status.FAILED)),
            waiting=Count("id", filter=Q(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.QUEUED])),
            skipped=Count("id", filter=Q(status=Delivery.Status.SKIPPED)),
        )
        .order_by("-day")
    )
    subscribers = dict(Subscriber.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    stopped = dict(
        Subscriber.objects.filter(status=Subscriber.Status.STOPPED).values_list("stop_reason").annotate(n=Count("id")).values_list("stop_reason", "n")
    )
    failures = list(
        Delivery.objects.filter(status=Delivery.Status.FAILED).select_related("subscriber").order_by("-created_at")[:50]
    )
    return {"per_day": list(per_day), "subscribers": subscribers, "stopped": stopped, "failures": failures, "days": days}
