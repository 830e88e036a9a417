"""Monitoring: the sources we watch, what each fetch did, and the entries they bring in.

The editors' inbox (another app) reads ``Entry``, ``Cluster`` and ``EntryTag`` through
``queries.py`` and changes them only through ``actions.py``:

* ``Source`` — a feed or a watched web page, with its schedule (``next_check_at``,
  ``interval_s``), politeness state (ETag, Last-Modified) and health (``error_count``,
  ``last_error_key``, ``paused``). Workers claim a source by a conditional UPDATE on
  ``claimed_by``/``claimed_until`` (see ``scheduler.claim_source``).
* ``FetchLog`` — one row per fetch, for the health page and operational counters.
* ``Entry`` — one incoming candidate (a feed item or a changed page), cleaned, canonicalised,
  language-detected, deduplicated, clustered and scored. An entry is never deleted while it is
  a tombstone: a discarded entry keeps its guid, URL and content hash, so the same story cannot
  come back from this or another source.
* ``Cluster`` — near-duplicates (the same story from several sources), found by simhash.
* ``EntryTag`` — an entity or theme the entry is about, with a confidence and the reason.
* ``EntryDecision`` — each pick or discard by an editor, appended, never overwritten; the theme
  and relevance models learn from these.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omvarld.core.models import Entity, Theme


class Source(models.Model):
    class Priority(models.IntegerChoices):
        HIGH = 1, _("High")
        NORMAL = 2, _("Normal")
        LOW = 3, _("Low")

    kind = models.CharField(_("kind"), max_length=20, help_text=_("Registered source kind, e.g. feed or webpage"))
    url = models.URLField(_("address"), max_length=2000, unique=True)
    # host:port of ``url``; the scheduler limits concurrent fetches per host with it.
    host = models.CharField(_("host"), max_length=255, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=300, blank=True)
    site_url = models.URLField(_("website"), max_length=2000, blank=True)
    css_selector = models.CharField(_("CSS selector"), max_length=300, blank=True,
                                    help_text=_("For watched web pages: the part of the page that matters"))
    category = models.CharField(_("category"), max_length=300, blank=True, help_text=_("Folder path from OPML, e.g. News/Europe"))
    entities = models.ManyToManyField(Entity, blank=True, related_name="sources", verbose_name=_("entities covered"))
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)

    # Politeness and schedule.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False, help_text="Watched pages: hash of the watched part")
    interval_s = models.PositiveIntegerField(_("check interval (seconds)"), default=3600)
    next_check_at = models.DateTimeField(_("next check"), default=timezone.now)
    claimed_by = models.CharField(max_length=100, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    # Health.
    last_fetched_at = models.DateTimeField(_("last fetch"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True, editable=False)
    error_count = models.PositiveIntegerField(_("consecutive errors"), default=0, editable=False)
    # Errors are stored as a message key plus parameters and shown translated (errors.describe).
    last_error_key = models.CharField(max_length=60, blank=True, editable=False)
    last_error_params = models.JSONField(default=dict, blank=True, editable=False)
    paused = models.BooleanField(_("paused"), default=False)
    paused_reason = models.CharField(max_length=60, blank=True, editable=False, help_text="Message key, or 'by_editor'")

    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["priority", "title", "url"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        # The scheduler's query: due, unpaused sources in order of next_check_at.
        indexes = [models.Index(fields=["paused", "next_check_at"], name="source_due")]

    def __str__(self):
        return self.title or self.url

    @property
    def last_error(self) -> str:
        from omvarld.monitoring.errors import describe

        return describe(self.last_error_key, self.last_error_params) if self.last_error_key else ""

    @property
    def paused_reason_text(self) -> str:
        from omvarld.monitoring.errors import describe

        return describe(self.paused_reason, self.last_error_params) if self.paused_reason else ""


class FetchLog(models.Model):
    class Outcome(models.TextChoices):
        OK = "ok", _("New content")
        UNCHANGED = "unchanged", _("Unchanged")
        ERROR = "error", _("Error")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="fetches")
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    duration_ms = models.PositiveIntegerField(default=0)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    entries_seen = models.PositiveIntegerField(default=0)
    entries_new = models.PositiveIntegerField(default=0)
    error_key = models.CharField(max_length=60, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    worker = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["source", "-started_at"], name="fetchlog_source_time")]

    @property
    def error(self) -> str:
        from omvarld.monitoring.errors import describe

        return describe(self.error_key, self.error_params) if self.error_key else ""


class Cluster(models.Model):
    """Entries that tell the same story (near-duplicates across sources)."""

    created_at = models.DateTimeField(default=timezone.now)
    title = models.CharField(max_length=500, blank=True)
    size = models.PositiveIntegerField(default=1)

    def __str__(self):
        return self.title


class Entry(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        PICKED = "picked", _("Picked")
        DISCARDED = "discarded", _("Discarded")
        TIP = "tip", _("Tip")
        # A picked entry the editors turned into a published news notice.
        PUBLISHED = "published", _("Published as a notice")

    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries")
    # Stable identity within the source: the feed's GUID, else the link, else a content hash.
    guid = models.CharField(max_length=500)
    url = models.URLField(_("link"), max_length=2000, blank=True, db_index=True, help_text=_("Canonical: tracking parameters removed"))
    title = models.CharField(_("title"), max_length=500)
    summary_html = models.TextField(_("summary"), blank=True, help_text="Sanitised HTML, safe to render")
    text = models.TextField(_("text"), blank=True, help_text="Plain text: the full article when extracted, else the summary")
    full_text = models.BooleanField(default=False, help_text="Whether text is the extracted full article")
    language = models.CharField(_("language"), max_length=8, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Exact duplicates: sha256 of the normalised title and text.
    content_hash = models.CharField(max_length=64, db_index=True)
    # Near duplicates: a 64-bit simhash, stored signed, and its five 12-13-bit bands (indexed) so
    # entries within Hamming distance 4 share at least one band (pigeonhole) and are found by
    # indexed lookups.
    simhash = models.BigIntegerField(default=0)
    band0 = models.PositiveIntegerField(default=0, db_index=True)
    band1 = models.PositiveIntegerField(default=0, db_index=True)
    band2 = models.PositiveIntegerField(default=0, db_index=True)
    band3 = models.PositiveIntegerField(default=0, db_index=True)
    band4 = models.PositiveIntegerField(default=0, db_index=True)
    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries")
    relevance = models.FloatField(_("relevance"), default=0.0, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # Replayed from the demo's recorded snapshot (``omvarld loaddemo``), not fetched.
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-relevance", "-fetched_at"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [models.UniqueConstraint(fields=["source", "guid"], name="entry_unique_guid")]

    def __str__(self):
        return self.title


class EntryTag(models.Model):
    """An entity or a theme an entry is about, with why it was set."""

    class Method(models.TextChoices):
        NAME = "name", _("name")
        ALIAS = "alias", _("alias")
        ACRONYM = "acronym", _("acronym")
        SOURCE = "source", _("source")
        SYNONYM = "synonym", _("synonym")
        MODEL = "model", _("learned model")
        EDITOR = "editor", _("editor")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="tags")
    entity = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    confidence = models.FloatField(default=1.0)
    method = models.CharField(max_length=10, choices=Method.choices)
    matched = models.CharField(max_length=200, blank=True, help_text="The words in the text that matched")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(entity__isnull=False, theme__isnull=True) | models.Q(entity__isnull=True, theme__isnull=False)),
                name="entrytag_entity_xor_theme",
            ),
        ]

    @property
    def reason(self) -> str:
        from omvarld.monitoring.tagging import describe_reason

        return describe_reason(self.method, self.matched, confidence=self.confidence)


class EntryDecision(models.Model):
    """An editor's pick or discard, appended for the audit trail and for learning."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Entry.Status.choices)
    themes = models.ManyToManyField(Theme, blank=True, related_name="+", help_text="Themes the editor confirmed")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]


class TrainedModel(models.Model):
    """Models learned from editors' decisions, stored so every worker uses the same."""

    kind = models.CharField(max_length=20)  # "decisions": learning.Models (theme and relevance models)
    created_at = models.DateTimeField(default=timezone.now)
    samples = models.PositiveIntegerField(default=0)
    blob = models.BinaryField()

    class Meta:
        ordering = ["-created_at"]
