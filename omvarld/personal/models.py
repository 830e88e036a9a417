"""Follows, the ranked personal feed and what each member taught it (MISSION N7).

* ``Follow`` — an entity, theme, main category, source or free keyword a member follows. The
  email side of a follow (immediately, daily, weekly) is a ``subscriptions.Subscription``; the
  follow page shows both as one thing.
* ``Profile`` — per member: the private feed secret, whether the raw monitored stream is in the
  feed, the weekly "for you" digest, and the term affinities learned from feedback.
* ``Mark`` — the current state of one story for one member: saved (the reading list) or hidden.
* ``Feedback`` — every open, save, hide, "more like this" and "less like this", appended; the
  ranking model is trained on it.
* ``Candidate`` — the feed pool: recent notices, map items and monitored stories with their tags,
  rebuilt by the worker so a feed page needs no query over the whole monitored stream.
* ``RankingModel`` — the learned weights of the ranking features.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omvarld.core.models import Entity, MainCategory, Theme


def new_feed_secret() -> str:
    return secrets.token_urlsafe(24)


class Follow(models.Model):
    class Kind(models.TextChoices):
        ENTITY = "entity", _("Entry")
        THEME = "theme", _("Theme")
        CATEGORY = "category", _("Main category")
        SOURCE = "source", _("Source")
        KEYWORD = "keyword", _("Keyword")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows", verbose_name=_("member"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    entity = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("entry"))
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("theme"))
    category = models.ForeignKey(MainCategory, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("main category"))
    source = models.ForeignKey("monitoring.Source", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("source"))
    keyword = models.CharField(_("keyword"), max_length=100, blank=True)
    # "entity:12", "source:4", "keyword:heat pump": one column to be unique on (see Subscription).
    target_key = models.CharField(max_length=120, editable=False)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["user", "target_key"], name="follow_unique_target")]

    def __str__(self):
        return f"{self.user} → {self.target_key}"

    @property
    def target(self):
        return {"entity": self.entity, "theme": self.theme, "category": self.category, "source": self.source}.get(self.kind)

    @property
    def label(self) -> str:
        if self.kind == self.Kind.KEYWORD:
            return self.keyword
        return str(self.target)


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_profile", verbose_name=_("member"))
    feed_secret = models.CharField(max_length=64, unique=True, default=new_feed_secret, editable=False)
    include_stream = models.BooleanField(_("include the monitored stream"), default=False)
    weekly_digest = models.BooleanField(_("weekly 'for you' mail"), default=False)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Learned at once from feedback: term ("e:12", "t:3", "s:4", "w:heat") -> affinity.
    affinity = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("feed profile")
        verbose_name_plural = _("feed profiles")

    def __str__(self):
        return str(self.user)


class Mark(models.Model):
    class Kind(models.TextChoices):
        ITEM = "item", _("Map item or notice")
        ENTRY = "entry", _("Monitored entry")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_marks")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    object_id = models.BigIntegerField()
    saved_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind", "object_id"], name="mark_unique")]
        indexes = [models.Index(fields=["user", "saved_at"])]


class Feedback(models.Model):
    class Action(models.TextChoices):
        OPEN = "open", _("Opened")
        SAVE = "save", _("Saved")
        UNSAVE = "unsave", _("Removed from reading list")
        HIDE = "hide", _("Hidden")
        UNHIDE = "unhide", _("Shown again")
        MORE = "more", _("More like this")
        LESS = "less", _("Less like this")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_feedback")
    action = models.CharField(max_length=6, choices=Action.choices)
    kind = models.CharField(max_length=5, choices=Mark.Kind.choices)
    object_id = models.BigIntegerField()
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["user", "at"]), models.Index(fields=["kind", "object_id"])]


class Candidate(models.Model):
    """One story of the feed pool; ``key`` is "item:12" or "entry:345"."""

    key = models.CharField(max_length=30, unique=True)
    kind = models.CharField(max_length=5, choices=Mark.Kind.choices)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=500)
    url = models.CharField(max_length=2000, blank=True)
    summary = models.TextField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    at = models.DateTimeField(db_index=True)
    item_type = models.CharField(max_length=20, blank=True)
    is_pick = models.BooleanField(default=False)
    source_id = models.IntegerField(null=True, blank=True)
    source_name = models.CharField(max_length=300, blank=True)
    quality = models.FloatField(default=0.5)
    cluster_size = models.PositiveIntegerField(default=1)
    also = models.JSONField(default=list, blank=True)  # other sources' names for the same story
    entity_ids = models.JSONField(default=list, blank=True)
    theme_ids = models.JSONField(default=list, blank=True)
    category_ids = models.JSONField(default=list, blank=True)
    terms = models.JSONField(default=list, blank=True)
    popularity = models.FloatField(default=0.0)
    trend = models.FloatField(default=0.0)
    trend_theme_id = models.IntegerField(null=True, blank=True)
    built_at = models.DateTimeField(default=timezone.now)


class RankingModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now)
    samples = models.PositiveIntegerField(default=0)
    weights = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
