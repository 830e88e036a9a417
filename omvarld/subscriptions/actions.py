"""Every write of the subscriptions app: views, commands and tasks all come through here."""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from concurrent.futures import ThreadPoolExecutor

from django import db
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omvarld.accounts.roles import ADMIN, EDITOR, role_of
from omvarld.outbox import actions as outbox
from omvarld.outbox import queries as outbox_queries
from omvarld.outbox.models import Message
from omvarld.subscriptions import digest, mail, sending, throttle, tokens
from omvarld.subscriptions.models import Delivery, Newsletter, Subscriber, Subscription
from omvarld.subscriptions.schedule import next_slot, period_key

log = logging.getLogger(__name__)

# Items saved in a transaction that commits later than "now" must still fall into a window, so
# windows end a little in the past.
COMMIT_LAG = dt.timedelta(seconds=60)
# However long a worker was down, a digest covers at most this much.
MAX_WINDOW = dt.timedelta(days=31)
PLAN_CHUNK = 500


@dataclass(frozen=True)
class Config:
    digest_hour: int
    time_zone: str
    batch_size: int
    domain_rate: int
    lease_seconds: int
    confirm_hours: int
    address_limit: int
    ip_limit: int
    threads: int = 1


def config() -> Config:
    return Config(
        digest_hour=settings.SUBSCRIPTIONS_DIGEST_HOUR,
        time_zone=settings.TIME_ZONE,
        batch_size=settings.SUBSCRIPTIONS_BATCH_SIZE,
        domain_rate=settings.SUBSCRIPTIONS_DOMAIN_RATE,
        lease_seconds=settings.SUBSCRIPTIONS_SEND_LEASE,
        confirm_hours=settings.SUBSCRIPTIONS_CONFIRM_HOURS,
        address_limit=settings.SUBSCRIPTIONS_ADDRESS_LIMIT,
        ip_limit=settings.SUBSCRIPTIONS_IP_LIMIT,
        threads=settings.SUBSCRIPTIONS_SEND_THREADS,
    )


def site() -> mail.Site:
    return mail.Site(url=settings.SITE_URL, name=settings.SITE_NAME, from_email=settings.DEFAULT_FROM_EMAIL)


class Refused(Exception):
    """A request we turn down; ``message`` is for the visitor, ``status`` the HTTP status."""

    def __init__(self, code: str, message, status: int = 400):
        super().__init__(code)
        self.code, self.message, self.status = code, message, status


@dataclass(frozen=True)
class Target:
    kind: str
    obj: object = None

    @property
    def key(self) -> str:
        return self.kind if self.obj is None else f"{self.kind}:{self.obj.pk}"


# -- subscribing -------------------------------------------------------------------------------


CONFIRM_REF = "subscriptions.confirm:"


def _outstanding(sub: Subscriber, now, cfg: Config) -> bool:
    """A confirmation mail went out recently; one that was never delivered does not count."""
    if sub.confirmation_sent_at is None or sub.confirmation_sent_at <= now - dt.timedelta(hours=cfg.confirm_hours):
        return False
    status = outbox_queries.last_status(f"{CONFIRM_REF}{sub.pk}")
    return status is None or status in (Message.Status.SENT, Message.Status.SENDING)


def request_subscription(*, email: str, target: Target, rhythm: str, language: str, page: str, client_ip: str, now=None, cfg: Config | None = None) -> Subscriber:
    """Record a pending subscription and send the confirmation mail (double opt-in).

    Refusals happen before anything is written, so a refused request changes nothing stored.
    """
    cfg, now = cfg or config(), now or timezone.now()
    ip_hits = throttle.record(throttle.key_for("ip", client_ip), window_seconds=3600, now=now)
    if ip_hits > cfg.ip_limit:
        raise Refused("ip_limit", _("Too many subscribe requests from your network. Please try again in an hour."), 429)
    sub = Subscriber.objects.filter(email=email).first()
    if sub is not None:
        if _outstanding(sub, now, cfg):
            raise Refused("pending", _("A confirmation mail was already sent to this address. Follow the link in it, or try again in %(hours)s hours.") % {"hours": cfg.confirm_hours}, 409)
        existing = sub.subscriptions.filter(target_key=target.key, confirmed_at__isnull=False).first()
        if sub.status == Subscriber.Status.CONFIRMED and existing is not None:
            raise Refused("exists", _("This address already follows this. Use the link at the end of any of our mails to change how often."), 409)
    address_key = throttle.key_for("address", email)
    if throttle.count(address_key, window_seconds=86400, now=now) >= cfg.address_limit:
        raise Refused("address_limit", _("Too many confirmation mails were sent to this address today. Please try again tomorrow."), 429)
    with transaction.atomic():
        if sub is None:
            sub = Subscriber.objects.create(email=email, language=language, consent_at=now, consent_page=page, confirmation_sent_at=now)
        else:
            fields = {"confirmation_sent_at": now}
            if sub.status == Subscriber.Status.STOPPED:
                # Starting again is a new consent, given now on this page.
                fields |= {"status": Subscriber.Status.PENDING, "stop_reason": "", "consent_at": now, "consent_page": page, "language": language}
            Subscriber.objects.filter(pk=sub.pk).update(**fields)
            for name, value in fields.items():
                setattr(sub, name, value)
        pending, created = Subscription.objects.get_or_create(
            subscriber=sub, target_key=target.key,
            defaults={"kind": target.kind, "rhythm": rhythm, "created_at": now, **_target_fields(target)},
        )
        if not created and pending.rhythm != rhythm:
            pending.rhythm = rhythm
            pending.save(update_fields=["rhythm"])
        throttle.record(address_key, window_seconds=86400, now=now)
        _enqueue_confirmation(sub.pk)
    return sub


def _target_fields(target: Target) -> dict:
    return {target.kind: target.obj} if target.obj is not None else {}


def _enqueue_confirmation(subscriber_id: int) -> None:
    # An earlier confirmation still waiting in the outbox carries a link this one replaces.
    outbox.cancel(ref=f"{CONFIRM_REF}{subscriber_id}", reason="replaced by a newer confirmation")
    send_confirmation(subscriber_id=subscriber_id)


def send_confirmation(*, subscriber_id: int) -> bool:
    """Queue the confirmation link in the outbox, if one is still outstanding."""
    sub = Subscriber.objects.filter(pk=subscriber_id, confirmation_sent_at__isnull=False).first()
    if sub is None:
        return False
    s = site()
    from django.urls import reverse

    pending = list(sub.subscriptions.filter(confirmed_at__isnull=True).select_related("entity", "theme", "category"))
    context = {
        "site": s,
        "subscriber": sub,
        "subscriptions": pending,
        "confirm_url": s.absolute(reverse("subscriptions:confirm", args=[tokens.confirm_token(sub)])),
        "hours": config().confirm_hours,
    }
    subject, text, html = mail.render_mail("confirm", context, sub.language)
    stamp = int(sub.confirmation_sent_at.timestamp())
    outbox.enqueue(to=sub.email, subject=subject, text=text, html=html, message_id=f"<confirm-{sub.pk}.{stamp}@{s.host}>",
                   from_email=s.from_email, kind="confirm", ref=f"{CONFIRM_REF}{sub.pk}")
    return True


def confirm_subscription(*, token: str, now=None, cfg: Config | None = None) -> Subscriber:
    cfg, now = cfg or config(), now or timezone.now()
    try:
        subscriber_id, stamp = tokens.read_confirm_token(token, max_age_seconds=cfg.confirm_hours * 3600)
    except tokens.BadToken:
        raise Refused("bad_token", _("This confirmation link is not valid or has expired. Please subscribe again."), 400) from None
    with transaction.atomic():
        sub = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if sub is None or sub.confirmation_sent_at is None or int(sub.confirmation_sent_at.timestamp() * 1000) != stamp:
            raise Refused("used_token", _("This confirmation link was already used or replaced by a newer one."), 400)
        Subscriber.objects.filter(pk=sub.pk).update(
            status=Subscriber.Status.CONFIRMED, confirmed_at=sub.confirmed_at or now, confirmation_sent_at=None, stop_reason=""
        )
        for s in sub.subscriptions.filter(confirmed_at__isnull=True):
            s.confirmed_at = now
            s.next_digest_at = next_slot(s.rhythm, now, hour=cfg.digest_hour, tz=cfg.time_zone)
            s.save(update_fields=["confirmed_at", "next_digest_at"])
    sub.refresh_from_db()
    return sub


# -- managing ----------------------------------------------------------------------------------


def unsubscribe(*, subscriber: Subscriber, reason: str = Subscriber.StopReason.UNSUBSCRIBED) -> bool:
    """Stop all mail to the subscriber; False if it was already stopped (nothing changes)."""
    with transaction.atomic():
        stopped = Subscriber.objects.filter(pk=subscriber.pk).exclude(status=Subscriber.Status.STOPPED).update(
            status=Subscriber.Status.STOPPED, stop_reason=reason, confirmation_sent_at=None
        )
        if stopped:
            # Stopped means no subscriptions: starting again later revives none of the old ones.
            Subscription.objects.filter(subscriber_id=subscriber.pk).delete()
            Delivery.objects.filter(subscriber_id=subscriber.pk, status=Delivery.Status.PENDING).update(status=Delivery.Status.SKIPPED)
    subscriber.refresh_from_db()
    return bool(stopped)


def change_rhythm(*, subscriber: Subscriber, subscription_id: int, rhythm: str, now=None, cfg: Config | None = None) -> Subscription:
    cfg, now = cfg or config(), now or timezone.now()
    sub = subscriber.subscriptions.get(pk=subscription_id)
    if sub.rhythm != rhythm:
        sub.rhythm = rhythm
        sub.next_digest_at = next_slot(rhythm, now, hour=cfg.digest_hour, tz=cfg.time_zone) if sub.confirmed_at else None
        sub.save(update_fields=["rhythm", "next_digest_at"])
    return sub


def remove_subscription(*, subscriber: Subscriber, subscription_id: int) -> None:
    subscriber.subscriptions.filter(pk=subscription_id).delete()


def change_language(*, subscriber: Subscriber, language: str) -> None:
    subscriber.language = language
    subscriber.save(update_fields=["language"])


def erase_subscriber(*, subscriber: Subscriber) -> None:
    """Delete the address, its subscriptions, consent record and delivery log."""
    subscriber.delete()


def link_member(*, subscriber: Subscriber, user) -> None:
    if subscriber.user_id != user.pk:
        subscriber.user = user
        subscriber.save(update_fields=["user"])


def stop_addresses(*, reports: list[tuple[str, str]]) -> int:
    """Stop mail to bounced or complaining addresses; returns how many were stopped."""
    stopped = 0
    for email, reason in reports:
        sub = Subscriber.objects.filter(email=email.strip().lower()).first()
        if sub is not None and unsubscribe(subscriber=sub, reason=reason):
            log.info("stopped a subscriber: %s", reason)
            stopped += 1
    return stopped


# -- digests -----------------------------------------------------------------------------------


def plan_digests(*, rhythm: str, now=None, cfg: Config | None = None) -> int:
    """Create one pending Delivery per subscriber whose digest of this rhythm is due and non-empty.

    Per chunk, in one transaction: insert the deliveries (unique per subscriber and period, so a
    second planner running at the same time inserts nothing twice) and advance next_digest_at
    only where it still holds the value read. Returns the number of deliveries created.
    """
    cfg, now = cfg or config(), now or timezone.now()
    until = now - COMMIT_LAG
    due = list(
        Subscription.objects.filter(
            rhythm=rhythm, confirmed_at__isnull=False, next_digest_at__lte=now, subscriber__status=Subscriber.Status.CONFIRMED
        ).order_by("subscriber_id").values_list("id", "subscriber_id", "next_digest_at", "confirmed_at")
    )
    by_subscriber = collections.defaultdict(list)
    for row in due:
        by_subscriber[row[1]].append(row)
    subscriber_ids = list(by_subscriber)
    chunks = [subscriber_ids[i : i + PLAN_CHUNK] for i in range(0, len(subscriber_ids), PLAN_CHUNK)]
    since = {}
    for chunk in chunks:
        since |= _window_starts(chunk, rhythm, by_subscriber, until)
    # One window covering every subscriber's: a day of updates is loaded once, not per person.
    candidates = digest.load_candidates(min(since.values()), until) if since else []
    created = 0
    for chunk in chunks:
        rules = _rules(chunk)
        deliveries, advances = [], collections.defaultdict(list)
        for subscriber_id in chunk:
            rows = by_subscriber[subscriber_id]
            slot = min(r[2] for r in rows)
            for r in rows:
                advances[r[2]].append(r[0])
            start = since[subscriber_id]
            items = digest.select_items(candidates, rules=rules[subscriber_id], rhythm=rhythm, since=start, until=until)
            if items:
                deliveries.append(Delivery(
                    subscriber_id=subscriber_id, kind=Delivery.Kind.DIGEST, rhythm=rhythm,
                    period=period_key(rhythm, slot, tz=cfg.time_zone), window_start=start, window_end=until,
                    item_count=len(items), created_at=now,
                ))
        following = next_slot(rhythm, now, hour=cfg.digest_hour, tz=cfg.time_zone)
        with transaction.atomic():
            before = Delivery.objects.filter(subscriber_id__in=chunk, kind=Delivery.Kind.DIGEST).count()
            Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
            created += Delivery.objects.filter(subscriber_id__in=chunk, kind=Delivery.Kind.DIGEST).count() - before
            for slot, ids in advances.items():
                Subscription.objects.filter(pk__in=ids, next_digest_at=slot).update(next_digest_at=following)
    return created


def _window_starts(chunk, rhythm, by_subscriber, until) -> dict[int, dt.datetime]:
    """Each subscriber's window starts where their previous mail of this rhythm ended."""
    previous = dict(
        Delivery.objects.filter(subscriber_id__in=chunk, kind=Delivery.Kind.DIGEST, rhythm=rhythm)
        .values("subscriber_id").annotate(end=Max("window_end")).values_list("subscriber_id", "end")
    )
    floor = until - MAX_WINDOW
    return {s: max(previous.get(s) or min(r[3] for r in by_subscriber[s]), floor) for s in chunk}


def _rules(chunk) -> dict[int, list[digest.Rule]]:
    rules = collections.defaultdict(list)
    rows = Subscription.objects.filter(subscriber_id__in=chunk, confirmed_at__isnull=False).values_list(
        "subscriber_id", "kind", "entity_id", "theme_id", "category_id", "rhythm"
    )
    for subscriber_id, *rest in rows:
        rules[subscriber_id].append(digest.rule_of(*rest))
    return rules


def pending_delivery_ids(*, lease_seconds: int, now=None) -> list[int]:
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=lease_seconds)
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING).values_list("id", flat=True).order_by("id")
    ) + list(
        Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=stale).values_list("id", flat=True).order_by("id")
    )


def send_deliveries(*, ids: list[int], cfg: Config | None = None, pacer=None) -> sending.SendReport:
    """Queue these deliveries' mails in the outbox (those not yet queued); its workers send them."""
    cfg = cfg or config()
    return sending.send_batch(ids, site=site(), lease_seconds=cfg.lease_seconds)


def send_pending(*, cfg: Config | None = None) -> sending.SendReport:
    """Queue every pending delivery in the outbox from this process, batch by batch (the command's path).

    With SUBSCRIPTIONS_SEND_THREADS above 1, batches are built in that many threads at once.
    """
    cfg = cfg or config()
    pacer = None
    ids = pending_delivery_ids(lease_seconds=cfg.lease_seconds)
    batches = [ids[i : i + cfg.batch_size] for i in range(0, len(ids), cfg.batch_size)]
    total = sending.SendReport()
    if cfg.threads <= 1:
        for batch in batches:
            report = send_deliveries(ids=batch, cfg=cfg, pacer=pacer)
            total.add(report)
            if report.aborted:
                break
        return total

    def run(batch):
        try:
            return send_deliveries(ids=batch, cfg=cfg, pacer=pacer)
        finally:
            db.connection.close()  # each thread has its own connection

    with ThreadPoolExecutor(max_workers=cfg.threads) as pool:
        for report in pool.map(run, batches):
            total.add(report)
    return total


def enqueue_pending(*, cfg: Config | None = None) -> int:
    """Hand pending deliveries to background workers in batches; returns the number of tasks."""
    from omvarld.subscriptions.tasks import send_deliveries_task

    cfg = cfg or config()
    ids = pending_delivery_ids(lease_seconds=cfg.lease_seconds)
    batches = [ids[i : i + cfg.batch_size] for i in range(0, len(ids), cfg.batch_size)]
    for batch in batches:
        send_deliveries_task.enqueue(batch)
    return len(batches)


# -- the editor's newsletter -------------------------------------------------------------------


def send_newsletter(*, subject: str, html: str, text: str, user) -> Newsletter:
    """Send a newsletter to every confirmed subscriber who follows everything, exactly once.

    Calling it again with the same content sends nothing new: the content hash is unique, and
    deliveries are unique per subscriber and newsletter.
    """
    if role_of(user) not in (EDITOR, ADMIN):
        raise PermissionDenied("Only editors send newsletters.")
    subject = subject.strip()
    if not subject or "\n" in subject or "\r" in subject or len(subject) > 200:
        raise Refused("bad_subject", _("The subject must be one line of at most 200 characters."))
    digest_of = hashlib.sha256("\x00".join([subject, html, text]).encode()).hexdigest()
    with transaction.atomic():
        newsletter, _created = Newsletter.objects.get_or_create(
            content_hash=digest_of, defaults={"subject": subject, "html": html, "text": text, "created_by": user}
        )
        recipients = Subscriber.objects.filter(
            status=Subscriber.Status.CONFIRMED, subscriptions__kind=Subscription.Kind.EVERYTHING, subscriptions__confirmed_at__isnull=False
        ).values_list("id", flat=True).distinct()
        Delivery.objects.bulk_create(
            [Delivery(subscriber_id=s, kind=Delivery.Kind.NEWSLETTER, period=f"newsletter:{newsletter.pk}", newsletter=newsletter) for s in recipients],
            ignore_conflicts=True, batch_size=1000,
        )
        transaction.on_commit(_enqueue_newsletter(newsletter.pk))
    return newsletter


def _enqueue_newsletter(newsletter_id: int):
    def enqueue():
        from omvarld.subscriptions.tasks import send_deliveries_task

        ids = list(Delivery.objects.filter(newsletter_id=newsletter_id, status=Delivery.Status.PENDING).values_list("id", flat=True).order_by("id"))
        size = config().batch_size
        for i in range(0, len(ids), size):
            send_deliveries_task.enqueue(ids[i : i + size])

    return enqueue
