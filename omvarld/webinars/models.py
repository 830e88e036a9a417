"""The webinar bank (MISSION P2): recorded webinars with speakers, partners and themes."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from omvarld.core.models import Entity, Theme


class Webinar(models.Model):
    title = models.CharField(_("title"), max_length=255)
    held_at = models.DateTimeField(_("date"))
    speakers = models.TextField(_("speakers"), blank=True, help_text=_("One speaker a line."))
    partners = models.ManyToManyField(Entity, blank=True, related_name="webinars", verbose_name=_("partner organisations"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="webinars", verbose_name=_("themes"))
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    slides_url = models.URLField(_("slides"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    commentary = models.TextField(_("editors' commentary"), blank=True)
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-held_at"]
        verbose_name = _("webinar")
        verbose_name_plural = _("webinars")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("webinars:detail", args=[self.pk])

    def speaker_list(self) -> list[str]:
        return [s.strip() for s in self.speakers.splitlines() if s.strip()]
