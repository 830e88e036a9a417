"""Email subscriptions (MISSION M7): who gets mail about what, and the log that makes sending exactly-once.

Only the address, its subscriptions and the consent record (when, from which page) describe a
person. Delivery rows are the operational log: one row per subscriber per digest period (or per
newsletter), created before anything is sent, so that a retry after a crash resumes instead of
repeating or skipping.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omvarld.core.models import Entity, MainCategory, Theme


def new_secret() -> str:
    return secrets.token_urlsafe(16)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        STOPPED = "stopped", _("Stopped")

    class StopReason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Mail bounced")
        COMPLAINED = "complained", _("Marked as spam")

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="sv")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    stop_reason = models.CharField(_("why stopped"), max_length=12, choices=StopReason.choices, blank=True)
    # The consent record: when the address was given and on which page.
    consent_at = models.DateTimeField(_("consent given"), default=timezone.now)
    consent_page = models.CharField(_("consent page"), max_length=300, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Set while a confirmation mail is outstanding; the confirmation token embeds it, so a used or
    # superseded link no longer matches.
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)
    # Part of every manage/unsubscribe token. SQLite may hand a deleted row's id to the next
    # subscriber; the secret keeps an erased subscriber's old links from opening the new one's page.
    secret = models.CharField(max_length=32, default=new_secret, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("member"))

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self):
        return self.email

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2].lower()


class Subscription(models.Model):
    class Kind(models.TextChoices):
        ENTITY = "entity", _("Entry")
        THEME = "theme", _("Theme")
        CATEGORY = "category", _("Main category")
        EVERYTHING = "everything", _("Everything")

    class Rhythm(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("subscriber"))
    kind = models.CharField(_("follows"), max_length=10, choices=Kind.choices)
    entity = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("entry"))
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("theme"))
    category = models.ForeignKey(MainCategory, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("main category"))
    # "entity:12", "theme:3", "category:1" or "everything": one column to be unique on, because
    # SQL treats NULLs as distinct and SQLite lacks NULLS NOT DISTINCT.
    target_key = models.CharField(max_length=40, editable=False)
    rhythm = models.CharField(_("how often"), max_length=10, choices=Rhythm.choices, default=Rhythm.DAILY)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # The next time a digest is due; the planner advances it with a conditional UPDATE.
    next_digest_at = models.DateTimeField(_("next digest"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [models.UniqueConstraint(fields=["subscriber", "target_key"], name="subscription_unique_target")]
        # The planner asks "which confirmed subscriptions of this rhythm are due?"
        indexes = [models.Index(fields=["rhythm", "next_digest_at"])]

    def __str__(self):
        return f"{self.subscriber} → {self.target_key} ({self.rhythm})"

    @property
    def target(self):
        return {"entity": self.entity, "theme": self.theme, "category": self.category}.get(self.kind)

    @property
    def target_label(self) -> str:
        target = self.target
        if target is None:
            return str(_("Everything on the map"))
        return str(target)


class Newsletter(models.Model):
    """An editor's newsletter handed over for sending; identical content is sent once."""

    subject = models.CharField(_("subject"), max_length=200)
    html = models.TextField(_("HTML body"))
    text = models.TextField(_("text body"))
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("sent by"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    """One mail to one subscriber for one period: the unit of exactly-once sending.

    Created (unique per subscriber and period) before sending, claimed with a conditional UPDATE,
    built and queued in the outbox in one transaction, marked sent once the server accepted it.
    """

    class Kind(models.TextChoices):
        DIGEST = "digest", _("Digest")
        NEWSLETTER = "newsletter", _("Newsletter")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        QUEUED = "queued", _("In the outbox")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("subscriber"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DIGEST)
    period = models.CharField(_("period"), max_length=80)
    rhythm = models.CharField(_("how often"), max_length=10, choices=Subscription.Rhythm.choices, blank=True)
    window_start = models.DateTimeField(_("items since"), null=True, blank=True)
    window_end = models.DateTimeField(_("items until"), null=True, blank=True)
    newsletter = models.ForeignKey(Newsletter, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("newsletter"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    # A message key (see failures.py), not prose, so the admin shows it in the reader's language.
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["subscriber", "period"], name="delivery_once_per_period")]
        # The sender scans for pending and stale in-flight rows; the admin counts by day and status.
        indexes = [models.Index(fields=["status", "claimed_at"]), models.Index(fields=["created_at", "status"])]

    def __str__(self):
        return f"{self.subscriber} {self.period} ({self.status})"


class Throttle(models.Model):
    """A counter per hashed key (address or client IP) and time window, for rate limits.

    Keys are HMACs, so neither addresses nor IP numbers are stored by it.
    """

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="throttle_unique_window")]
