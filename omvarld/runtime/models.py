"""Background checks a web request hands to the workers, and the workers' heartbeats."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """Work that reaches the internet (a tip's page, a new source's feed), queued by a web request.

    The page that asked shows its state ("checking…", then the outcome) until a worker finishes it.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Checking…")
        DONE = "done", _("Done")
        FAILED = "failed", _("Refused")

    kind = models.CharField(_("kind"), max_length=30)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("asked by"))
    params = models.JSONField(_("what was asked"), default=dict)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    message = models.TextField(_("outcome"), blank=True)
    result_url = models.CharField(_("result page"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background check")
        verbose_name_plural = _("background checks")

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.state})"


class Heartbeat(models.Model):
    """A worker process says it is alive every few seconds; a stale one is taken for dead."""

    worker_id = models.CharField(_("worker"), max_length=200, unique=True)
    pid = models.IntegerField(_("process id"))
    host = models.CharField(_("host"), max_length=200)
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        ordering = ["-seen_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return self.worker_id
