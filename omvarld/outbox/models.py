"""One table for every outgoing mail: written in the caller's transaction, sent by workers."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """One mail to one recipient, kept after sending so administrators can read what went out.

    A worker claims a row with a conditional UPDATE (queued and due, or claimed by a worker whose
    lease ran out), sends it and records the outcome; a temporary failure puts it back with a
    later ``next_attempt_at``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        HELD = "held", _("Kept here (no mail server)")

    to = models.CharField(_("to"), max_length=254)
    from_email = models.CharField(_("from"), max_length=300)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=300)
    # What kind of mail (the template's name, "digest", "newsletter") and, for callers that
    # follow the outcome, a reference of theirs such as "subscriptions.delivery:12".
    kind = models.CharField(_("kind"), max_length=100, blank=True)
    ref = models.CharField(_("reference"), max_length=100, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["status", "claimed_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to} ({self.status})"

    @property
    def domain(self) -> str:
        return self.to.rpartition("@")[2].lower()
