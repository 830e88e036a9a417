"""The news desk's own records: the weekly newsletter draft (MISSION N5).

News notices themselves are core ``Item`` rows of type ``news_notice``; the desk adds no copy of them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from omvarld.core.models import TimestampedModel


class NewsletterDraft(TimestampedModel):
    """The week's notices and map updates as an email an editor edits before it goes out."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        READY = "ready", _("Ready to send")
        HANDED_OVER = "handed_over", _("Handed to sending")

    week_start = models.DateField(_("week starting"), unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    html = models.TextField(_("HTML body"))
    text = models.TextField(_("plain-text body"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # A message key-like note for the editor, e.g. why the draft is waiting in 'ready'.
    status_note = models.CharField(_("status note"), max_length=300, blank=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("edited by"))
    handed_over_at = models.DateTimeField(_("handed to sending"), null=True, blank=True)

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("newsletter draft")
        verbose_name_plural = _("newsletter drafts")

    def __str__(self):
        return self.subject


class Tip(models.Model):
    """A link a member sent to the editors, kept beside the inbox entry it became."""

    entry = models.ForeignKey("monitoring.Entry", on_delete=models.CASCADE, related_name="tips", verbose_name=_("entry"))
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("sent by"))
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")

    def __str__(self):
        return f"{self.entry} ({self.sender})"
