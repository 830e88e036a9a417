"""Sending deliveries: claim one row, send it, mark it sent; never two at once in flight.

A worker holds at most one claimed row at a time. If it dies, every other row of its batch is
still pending and the next run takes it; the single in-flight row is taken again once its lease
has run out and carries the same Message-ID, so if the server had in fact accepted it, mail
programs fold the two into one.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import smtplib
import threading
import time
from dataclasses import dataclass, field

import nh3
from django.core.mail import mailers
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from omvarld.core.models import Item
from omvarld.subscriptions import digest
from omvarld.subscriptions.mail import Site, make_message, personal_links, render_mail
from omvarld.subscriptions.models import Delivery, Subscriber, Subscription

log = logging.getLogger(__name__)


class DomainPacer:
    """At most ``per_minute`` mails to one recipient domain in any sliding minute (per process)."""

    def __init__(self, per_minute: int, clock=time.monotonic, sleep=time.sleep):
        self.per_minute = max(1, per_minute)
        self.clock, self.sleep = clock, sleep
        self.sent: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self.lock = threading.Lock()

    def wait(self, domain: str) -> None:
        with self.lock:
            self._wait(domain)

    def _wait(self, domain: str) -> None:
        stamps = self.sent[domain]
        now = self.clock()
        while stamps and now - stamps[0] >= 60:
            stamps.popleft()
        if len(stamps) >= self.per_minute:
            self.sleep(60 - (now - stamps[0]))
            stamps.popleft()
            now = self.clock()
        stamps.append(now)


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
TEMPORARY = "temporary_failure"
TOO_MANY = "too_many_attempts"
BROKEN = "connection_failed"


def _claim(delivery_id: int, *, now, stale_before) -> bool:
    won = Delivery.objects.filter(pk=delivery_id).filter(
        Q(status=Delivery.Status.PENDING) | Q(status=Delivery.Status.SENDING, claimed_at__lt=stale_before)
    ).update(status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return won == 1


def _finish(d: Delivery, claim, **fields) -> None:
    """Record the outcome, only if the row is still ours (claimed at the time we claimed it)."""
    Delivery.objects.filter(pk=d.pk, status=Delivery.Status.SENDING, claimed_at=claim).update(**fields)


def send_batch(ids: list[int], *, site: Site, lease_seconds: int, pacer: DomainPacer, max_attempts: int = 5, now=timezone.now) -> SendReport:
    report = SendReport()
    deliveries = list(
        Delivery.objects.filter(pk__in=ids, status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
        .select_related("subscriber", "newsletter").order_by("id")
    )
    if not deliveries:
        return report
    builder = Builder(site)
    builder.prepare(deliveries)
    connection = mailers.default
    try:
        for d in interleave_by_domain(deliveries):
            claimed_at = now()
            if not _claim(d.pk, now=claimed_at, stale_before=claimed_at - dt.timedelta(seconds=lease_seconds)):
                continue  # sent, or being sent by a live worker
            d.attempts += 1
            built = builder.build(d)
            if built is None:
                _finish(d, claimed_at, status=Delivery.Status.SKIPPED)
                report.skipped += 1
                continue
            message, count = built
            pacer.wait(d.subscriber.domain)
            outcome = _send_one(connection, message)
            if outcome is None:
                _finish(d, claimed_at, status=Delivery.Status.SENT, sent_at=now(), item_count=count, error="")
                report.sent += 1
            elif outcome == PERMANENT:
                _finish(d, claimed_at, status=Delivery.Status.FAILED, error=PERMANENT)
                report.failed += 1
                report.stopped_addresses.append(d.subscriber.email)
            else:
                # Give the row back for a later run; after too many tries, give up on it.
                final = d.attempts >= max_attempts
                _finish(d, claimed_at, status=Delivery.Status.FAILED if final else Delivery.Status.PENDING,
                        error=TOO_MANY if final else outcome, claimed_at=None)
                report.failed += final
                report.deferred += not final
                if outcome == BROKEN:  # the server is unreachable: stop this batch
                    report.aborted = True
                    break
    finally:
        connection.close()
    return report


def _send_one(connection, message) -> str | None:
    """None when the server accepted the mail, else PERMANENT, TEMPORARY or BROKEN."""
    try:
        connection.open()  # keeps the connection open across the batch; no-op when already open
        connection.send_messages([message])
        return None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        log.warning("recipient refused: %s", codes)
        _reset(connection)
        return PERMANENT if codes and all(c >= 500 for c in codes) else TEMPORARY
    except smtplib.SMTPResponseException as exc:
        log.warning("SMTP error %s", exc.smtp_code)
        _reset(connection)
        return PERMANENT if exc.smtp_code >= 500 else TEMPORARY
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("SMTP connection failed: %s", exc)
        _reset(connection)
        return BROKEN


def _reset(connection) -> None:
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        log.info("closing a broken SMTP connection failed; it will be reopened")
