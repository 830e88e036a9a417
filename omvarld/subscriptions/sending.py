"""Handing deliveries to the outbox: claim one row, build its mail, queue it in the outbox.

Each delivery is claimed with a conditional UPDATE, built, and written to the outbox
(``omvarld.outbox``) in the same transaction that marks it queued, so a delivery becomes
exactly one outgoing mail. The outbox's workers send it (paced per recipient domain, retried
with growing pauses) and report back through its signals (see ``receivers.py``): the delivery
is then marked sent, or failed and the address stopped when the server refused it for good.
A worker that dies between claiming and queueing leaves the row to be claimed again once its
lease has run out.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
from dataclasses import dataclass, field

import nh3
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from omvarld.core.models import Item
from omvarld.outbox import actions as outbox
from omvarld.outbox.pacing import DomainPacer  # noqa: F401  (the pacer now lives with the outbox's sender)
from omvarld.subscriptions import digest
from omvarld.subscriptions.mail import Site, make_message, personal_links, render_mail
from omvarld.subscriptions.models import Delivery, Subscriber, Subscription

log = logging.getLogger(__name__)


def interleave_by_domain(deliveries: list[Delivery]) -> list[Delivery]:
    """Round-robin over recipient domains, so one big domain does not hold up the pacer for all."""
    queues: dict[str, collections.deque] = collections.OrderedDict()
    for d in deliveries:
        queues.setdefault(d.subscriber.domain, collections.deque()).append(d)
    out = []
    while queues:
        for domain in list(queues):
            out.append(queues[domain].popleft())
            if not queues[domain]:
                del queues[domain]
    return out


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0
    aborted: bool = False
    stopped_addresses: list[str] = field(default_factory=list)

    def add(self, other: SendReport) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.skipped += other.skipped
        self.deferred += other.deferred
        self.aborted = self.aborted or other.aborted
        self.stopped_addresses += other.stopped_addresses


class Builder:
    """Builds each delivery's mail; loads candidates once per window and rules once per batch."""

    def __init__(self, site: Site):
        self.site = site
        self._candidates: dict[tuple, list[digest.Candidate]] = {}
        self._urls: dict[int, str] = {}
        self._rows: dict[tuple, dict] = {}
        self.rules: dict[int, list[digest.Rule]] = {}

    def prepare(self, deliveries: list[Delivery]) -> None:
        self.rules = collections.defaultdict(list)
        rows = Subscription.objects.filter(
            subscriber_id__in={d.subscriber_id for d in deliveries}, confirmed_at__isnull=False
        ).values_list("subscriber_id", "kind", "entity_id", "theme_id", "category_id", "rhythm")
        for subscriber_id, *rest in rows:
            self.rules[subscriber_id].append(digest.rule_of(*rest))

    def candidates(self, since, until) -> list[digest.Candidate]:
        key = (since, until)
        if key not in self._candidates:
            if len(self._candidates) > 8:
                self._candidates.clear()
            self._candidates[key] = digest.load_candidates(since, until)
        return self._candidates[key]

    def item_url(self, item_id: int) -> str:
        if item_id not in self._urls:
            self._urls[item_id] = self.site.absolute(reverse("catalogue:item", args=[item_id]))
        return self._urls[item_id]

    def build(self, d: Delivery):
        """The message and its number of items, or None when there is nothing to send."""
        sub = d.subscriber
        if sub.status != Subscriber.Status.CONFIRMED:
            return None
        links = personal_links(sub, self.site)
        context = {"site": self.site, "subscriber": sub, **links}
        if d.kind == Delivery.Kind.NEWSLETTER:
            nl = d.newsletter
            context |= {"newsletter": nl, "body_html": nh3.clean(nl.html)}
            subject, text, html = render_mail("newsletter", context, sub.language)
            count = 0
        else:
            chosen = digest.select_items(
                self.candidates(d.window_start, d.window_end),
                rules=self.rules.get(sub.pk, []), rhythm=d.rhythm, since=d.window_start, until=d.window_end,
            )
            if not chosen:
                return None
            context |= {"items": [self._row(c, sub.language, d.window_start) for c in chosen], "rhythm": d.rhythm, "delivery": d}
            subject, text, html = render_mail("digest", context, sub.language)
            count = len(chosen)
        message_id = f"<delivery-{d.pk}.{d.period.replace(':', '-')}@{self.site.host}>"
        return make_message(to=sub.email, subject=subject, text=text, html=html, site=self.site, message_id=message_id, links=links), count

    def _row(self, c: digest.Candidate, language: str, since) -> dict:
        """An item as the mail shows it; the same for every reader of one language and window."""
        key = (c.id, language, since)
        if key not in self._rows:
            if len(self._rows) > 20_000:
                self._rows.clear()
            names = [(en or sv) if language == "en" else (sv or en) for sv, en in c.entity_names]
            with translation.override(language):
                row = {
                    "title": c.title,
                    "url": self.item_url(c.id),
                    "type": str(Item.Type(c.type).label) if c.type in Item.Type.values else c.type,
                    "freshness": str(_("New") if c.is_new(since) else _("Updated")),
                    "source": c.source_name,
                    "summary": Truncator(c.summary).words(40),
                    "entities": ", ".join(dict.fromkeys(names)),
                }
                # Rendered once per item and language, then shared by every digest that lists it.
                row["text"] = render_to_string("subscriptions/emails/digest-item.txt", {"item": row})
                row["html"] = render_to_string("subscriptions/emails/digest-item.html", {"item": row})
            self._rows[key] = row
        return self._rows[key]


PERMANENT = "permanent_rejection"
TOO_MANY = "too_many_attempts"
REF = "subscriptions.delivery:"


def _claim(delivery_id: int, *, now, stale_before) -> bool:
    won = Delivery.objects.filter(pk=delivery_id).filter(
        Q(status=Delivery.Status.PENDING) | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale_before)
    ).update(status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return won == 1


def _finish(d: Delivery, claim, **fields) -> bool:
    """Record the outcome, only if the row is still ours (claimed at the time we claimed it)."""
    return Delivery.objects.filter(pk=d.pk, status=Delivery.Status.SENDING, claimed_at=claim).update(**fields) == 1


def send_batch(ids: list[int], *, site: Site, lease_seconds: int, pacer=None, now=timezone.now) -> SendReport:
    """Queue these deliveries' mails in the outbox (those not yet queued); ``sent`` counts them."""
    report = SendReport()
    deliveries = list(
        Delivery.objects.filter(pk__in=ids, status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
        .select_related("subscriber", "newsletter").order_by("id")
    )
    if not deliveries:
        return report
    builder = Builder(site)
    builder.prepare(deliveries)
    queued = []
    for d in interleave_by_domain(deliveries):
        claimed_at = now()
        if not _claim(d.pk, now=claimed_at, stale_before=claimed_at - dt.timedelta(seconds=lease_seconds)):
            continue  # queued already, or being built by a live worker
        built = builder.build(d)
        if built is None:
            _finish(d, claimed_at, status=Delivery.Status.SKIPPED)
            report.skipped += 1
            continue
        message, count = built
        with transaction.atomic():
            if not _finish(d, claimed_at, status=Delivery.Status.QUEUED, item_count=count, error="", claimed_at=None):
                continue
            headers = dict(message.extra_headers)
            message_id = headers.pop("Message-ID")
            headers.pop("Auto-Submitted", None)
            html = next((a[0] for a in message.alternatives if a[1] == "text/html"), "")
            queued.append(outbox.enqueue(
                to=d.subscriber.email, subject=message.subject, text=message.body, html=html, headers=headers,
                message_id=message_id, from_email=site.from_email, kind=d.kind, ref=f"{REF}{d.pk}", notify=False,
            ).pk)
        report.sent += 1
    outbox.wake(queued)
    return report
