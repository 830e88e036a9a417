"""The trend radar's precomputed table and the weekly "what is rising" summaries (MISSION N8).

The worker recomputes ``Trend`` rows from the monitored stream (``compute.py``); the radar page
only reads them.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omvarld.core.models import bilingual


class Trend(models.Model):
    class Kind(models.TextChoices):
        THEME = "theme", _("Theme")
        ENTITY = "entity", _("Entry")
        TERM = "term", _("Term")

    window = models.PositiveSmallIntegerField(db_index=True)  # weeks: 4, 12 or 52
    rank = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=6, choices=Kind.choices)
    key = models.CharField(max_length=200)  # theme id, entity id or the term itself
    label_sv = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200)
    score = models.FloatField()
    growth = models.FloatField()  # recent share / earlier share
    sources = models.PositiveIntegerField()
    mentions = models.PositiveIntegerField()
    is_new = models.BooleanField(default=False)  # absent before the window
    series = models.JSONField(default=list)  # [[week start ISO, mentions, share per thousand], ...]
    examples = models.JSONField(default=list)  # [[entry id, title, url, source], ...]
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["window", "rank"]
        indexes = [models.Index(fields=["window", "rank"])]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return bilingual(self, "label")


class WeeklyRising(models.Model):
    """What rose in the week before ``week_start`` (a Monday), built by the worker on Mondays."""

    week_start = models.DateField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    lines = models.JSONField(default=list)  # [{"kind","key","label_sv","label_en","growth","sources"}, ...]

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("weekly rising summary")
        verbose_name_plural = _("weekly rising summaries")
