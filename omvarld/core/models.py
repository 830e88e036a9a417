"""The shared domain vocabulary: the map's taxonomy, entities, items and themes (MISSION M1–M4).

Content that editors write once for Swedish readers (item summaries and commentary) is a single
field; names and labels that the interface shows in both languages are paired ``_sv``/``_en``
fields, which is enough while there are exactly two languages.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


def bilingual(obj, field: str) -> str:
    """The value of ``field_sv`` or ``field_en`` for the active language, falling back to the other."""
    lang = (translation.get_language() or "sv")[:2]
    first, second = ("en", "sv") if lang == "en" else ("sv", "en")
    return getattr(obj, f"{field}_{first}") or getattr(obj, f"{field}_{second}")


class SoftDeleteQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # Deleting moves a record to the trash; nothing is removed by a click (MISSION X5).
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)

    objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "updated_at" in update_fields:
            self.updated_at = timezone.now()
        super().save(*args, **kwargs)


class Region(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name_en"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return bilingual(self, "name")


class MainCategory(TimestampedModel):
    slug = models.SlugField(_("slug"), unique=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_sv = models.TextField(_("description (Swedish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name_sv"]
        verbose_name = _("main category")
        verbose_name_plural = _("main categories")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return bilingual(self, "name")

    @property
    def description(self):
        return bilingual(self, "description")

    def get_absolute_url(self):
        return reverse("catalogue:category", args=[self.slug])


class InfoCategory(TimestampedModel):
    """One of the ordered kinds of information shown for every entity of a main category."""

    main_category = models.ForeignKey(MainCategory, on_delete=models.PROTECT, related_name="info_categories", verbose_name=_("main category"))
    slug = models.SlugField(_("slug"))
    name_sv = models.CharField(_("name (Swedish)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["main_category__order", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["main_category", "slug"], name="infocategory_unique_slug")]
        verbose_name = _("information category")
        verbose_name_plural = _("information categories")

    def __str__(self):
        return f"{self.main_category} – {self.name}"

    @property
    def name(self):
        return bilingual(self, "name")


class Theme(TimestampedModel):
    """A term of the controlled theme vocabulary (MISSION M4)."""

    slug = models.SlugField(_("slug"), unique=True)
    label_sv = models.CharField(_("label (Swedish)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120)
    synonyms_sv = models.TextField(_("synonyms (Swedish)"), blank=True, help_text=_("One per line"))
    synonyms_en = models.TextField(_("synonyms (English)"), blank=True, help_text=_("One per line"))
    order = models.PositiveIntegerField(_("order"), default=0)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("merged into"))

    class Meta:
        ordering = ["order", "label_sv"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.label

    @property
    def label(self):
        return bilingual(self, "label")

    def synonyms(self) -> list[str]:
        return [s.strip() for s in (self.synonyms_sv + "\n" + self.synonyms_en).splitlines() if s.strip()]

    def get_absolute_url(self):
        return reverse("catalogue:theme", args=[self.slug])


class Keyword(models.Model):
    """A free keyword, outside the controlled vocabulary."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")

    def __str__(self):
        return self.name


class Entity(TimestampedModel):
    """A watched city, network, organisation, project or publication."""

    class Priority(models.IntegerChoices):
        WATCHED = 1, _("Watched")
        LANDSCAPE = 2, _("Actor landscape")
        HOTSPOT = 3, _("Hotspot")

    main_category = models.ForeignKey(MainCategory, on_delete=models.PROTECT, related_name="entities", verbose_name=_("main category"))
    slug = models.SlugField(_("slug"), unique=True, max_length=120)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    aliases = models.TextField(_("aliases"), blank=True, help_text=_("Other names and acronyms, one per line, in any language"))
    summary_sv = models.TextField(_("why watched (Swedish)"), blank=True)
    summary_en = models.TextField(_("why watched (English)"), blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code, e.g. NL"))
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="entities", verbose_name=_("region"))
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True, max_length=500)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.LANDSCAPE)
    is_watched = models.BooleanField(_("watched"), default=False)
    # Kept up to date by omvarld.core.stats so that category pages need no aggregate over items,
    # which at 100× the designed size (450,000 items) took seconds.
    item_count = models.PositiveIntegerField(_("published items"), default=0, editable=False)
    last_item_added_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_item_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["priority", "name_sv"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        indexes = [models.Index(fields=["main_category", "priority"])]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return bilingual(self, "name")

    @property
    def summary(self):
        return bilingual(self, "summary")

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.splitlines() if a.strip()]

    def all_names(self) -> list[str]:
        names = [self.name_sv, self.name_en, *self.alias_list()]
        return list(dict.fromkeys(n for n in names if n))

    def get_absolute_url(self):
        return reverse("catalogue:entity", args=[self.slug])


class EntitySection(models.Model):
    """The editors' text for one information category of one entity (e.g. why a city is watched)."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="sections", verbose_name=_("entity"))
    info_category = models.ForeignKey(InfoCategory, on_delete=models.CASCADE, related_name="sections", verbose_name=_("information category"))
    body_sv = models.TextField(_("text (Swedish)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "info_category"], name="entitysection_unique")]
        verbose_name = _("entity section")
        verbose_name_plural = _("entity sections")

    def __str__(self):
        return f"{self.entity} – {self.info_category.name}"

    @property
    def body(self):
        return bilingual(self, "body")


class EntityRelation(models.Model):
    class Kind(models.TextChoices):
        MEMBER_OF = "member_of", _("member of")
        PARTNER_IN = "partner_in", _("partner in")
        LOCATED_IN = "located_in", _("located in")
        PART_OF = "part_of", _("part of")
        COLLABORATES_WITH = "collaborates_with", _("collaborates with")
        RUNS = "runs", _("runs")
        FUNDS = "funds", _("funds")

    source = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="relations_out", verbose_name=_("from"))
    kind = models.CharField(_("relation"), max_length=30, choices=Kind.choices)
    target = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="relations_in", verbose_name=_("to"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "kind", "target"], name="entityrelation_unique")]
        verbose_name = _("relation")
        verbose_name_plural = _("relations")

    def __str__(self):
        return f"{self.source} {self.get_kind_display()} {self.target}"


class Item(TimestampedModel):
    """A typed post on the map (MISSION M2), with the editors' depth (M3)."""

    class Type(models.TextChoices):
        REPORT = "report", _("Report")
        LINK = "link", _("Link")
        VIDEO = "video", _("Video")
        ARTICLE = "article", _("Article")
        WEBINAR = "webinar", _("Webinar")
        EVENT = "event", _("Event")
        TRIP_REPORT = "trip_report", _("Trip report")
        NEWS_NOTICE = "news_notice", _("News notice")
        TOOL = "tool", _("Tool")
        DATASET = "dataset", _("Dataset")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.LINK)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), blank=True, max_length=1000)
    source_name = models.CharField(_("source"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en", help_text=_("Language of the linked material, e.g. sv, en"))
    published_on = models.DateField(_("date"), null=True, blank=True, help_text=_("When the material was published"))
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    # A trip or conference report points at the event it reports from (MISSION M9).
    event = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports",
        limit_choices_to={"type": "event"}, verbose_name=_("event"), db_index=False,
    )
    summary = models.TextField(_("summary"), blank=True)
    commentary = models.TextField(_("commentary"), blank=True, help_text=_("The editors' commentary for a Swedish reader"))
    results = models.TextField(_("results achieved"), blank=True)
    method = models.TextField(_("how it was done"), blank=True)
    financing = models.TextField(_("how it was financed"), blank=True)
    lessons = models.TextField(_("lessons for Sweden"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(_("published on the site"), null=True, blank=True)
    entities = models.ManyToManyField(Entity, through="Placement", related_name="items", verbose_name=_("entities"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="items", verbose_name=_("themes"))
    keywords = models.ManyToManyField(Keyword, blank=True, related_name="items", verbose_name=_("keywords"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by"))

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        # The public lists filter on status and order by publication or update time.
        indexes = [
            models.Index(fields=["status", "-published_at"]),
            models.Index(fields=["status", "-updated_at"]),
            models.Index(fields=["type", "status"]),
            # Almost every item has no event: a full index on the column looks useless to the
            # query planner (one value, NULL, for nearly all rows) and it scans the table instead.
            models.Index(fields=["event"], condition=models.Q(event__isnull=False), name="core_item_event_partial"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("catalogue:item", args=[self.pk])

    @property
    def has_depth(self) -> bool:
        return any([self.results, self.method, self.financing, self.lessons])

    @property
    def shown_date(self):
        """The one date pages show for the item: a news notice's day on the site, else the material's date."""
        if self.type == self.Type.NEWS_NOTICE and self.published_at:
            return timezone.localdate(self.published_at)
        return self.published_on

    def freshness(self, now=None) -> str:
        """'new' or 'updated' within the what's-new window, else ''."""
        return freshness_of(self.created_at, self.updated_at, now)


def freshness_of(created_at, updated_at, now=None) -> str:
    now = now or timezone.now()
    since = now - timezone.timedelta(days=settings.NEW_DAYS)
    if created_at and created_at >= since:
        return "new"
    # A save within a minute of creation is part of creating it, not an update.
    if updated_at and updated_at >= since and (updated_at - created_at).total_seconds() > 60:
        return "updated"
    return ""


class Placement(models.Model):
    """An item attached to an entity, under one of that entity's information categories."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="placements", verbose_name=_("item"))
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="placements", verbose_name=_("entity"))
    info_category = models.ForeignKey(InfoCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="placements", verbose_name=_("information category"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "entity"], name="placement_unique")]
        # Entity pages read one entity's items per information category.
        indexes = [models.Index(fields=["entity", "info_category"])]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")

    def __str__(self):
        return f"{self.item} @ {self.entity}"


class SearchDocument(models.Model):
    """One searchable record per entity or item; the full-text index is built over it.

    The primary key encodes kind and object (``object_id * 8 + KIND_CODES[kind]``) so that the
    FTS5 index answers a query with rowids alone, without a join back to this table.

    ``terms`` holds the stemmed tokens (see ``omvarld.core.search``). On SQLite an FTS5 table
    mirrors it through triggers; on PostgreSQL a generated tsvector column with a GIN index
    does. Both are created in migration 0002 because neither fits Django's field types.
    """

    KIND_CODES = {"entity": 1, "item": 2, "notice": 3}

    id = models.BigIntegerField(primary_key=True)
    kind = models.CharField(max_length=12)
    object_id = models.BigIntegerField()
    title_terms = models.TextField()
    body_terms = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="searchdocument_unique")]

    @classmethod
    def key(cls, kind: str, object_id: int) -> int:
        return object_id * 8 + cls.KIND_CODES[kind]

    @classmethod
    def unkey(cls, key: int) -> tuple[str, int]:
        codes = {v: k for k, v in cls.KIND_CODES.items()}
        return codes[key & 7], key >> 3
