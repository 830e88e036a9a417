"""What curator analytics stores (MISSION M10), and what it never stores.

No table here has a column for an IP address, a user agent, a user or a cookie. ``Hit`` holds
the current day's raw events; its ``visitor`` column is a hash of (daily salt, IP, user agent,
site) that means nothing once the day's ``DailySalt`` row is deleted, and the rollup deletes
every ``Hit`` of a finished day after folding it into ``DailyCount`` and ``DailyTotal``. Only
those per-day aggregates are kept beyond 24 hours.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    VIEW_ENTITY = "view_entity", _("Entity views")
    VIEW_ITEM = "view_item", _("Item views")
    VIEW_NOTICE = "view_notice", _("Notice views")
    VIEW_THEME = "view_theme", _("Theme views")
    VIEW_CATEGORY = "view_category", _("Category views")
    SEARCH = "search", _("Searches")
    SEARCH_EMPTY = "search_empty", _("Searches that found nothing")
    OUT = "out", _("Outbound clicks")
    FOLLOW = "follow", _("Follows")
    UNFOLLOW = "unfollow", _("Unfollows")
    SUBSCRIBE = "subscribe", _("Subscriptions")
    UNSUBSCRIBE = "unsubscribe", _("Unsubscriptions")
    # The day's page views of all the kinds above and its estimated unique visitors.
    VISITS = "visits", _("Page views")
    # Inbox entries per source (target "source:<id>"): new that day, and picked or discarded.
    SOURCE_NEW = "source_new", _("New inbox entries")
    SOURCE_PICKED = "source_picked", _("Picked entries")
    SOURCE_DISCARDED = "source_discarded", _("Discarded entries")
    # Marks a day whose raw events were folded in and deleted; later stragglers are dropped.
    CLOSED = "closed", _("Day closed")


VIEW_KINDS = [Kind.VIEW_ENTITY, Kind.VIEW_ITEM, Kind.VIEW_NOTICE, Kind.VIEW_THEME, Kind.VIEW_CATEGORY]
SOURCE_KINDS = [Kind.SOURCE_NEW, Kind.SOURCE_PICKED, Kind.SOURCE_DISCARDED]


class Hit(models.Model):
    """One counted event of the current day; deleted by the rollup once the day has ended."""

    day = models.DateField(db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # What was viewed, clicked or followed: "entity:<slug>", "item:<id>", "theme:<slug>", ...
    target = models.CharField(max_length=140, blank=True)
    # The normalised search words, or the host an outbound click went to.
    detail = models.CharField(max_length=200, blank=True)
    results = models.PositiveIntegerField(null=True, blank=True)
    # Hash of (daily salt, IP, user agent, site): counts unique visitors within one day only.
    visitor = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("event of today")
        verbose_name_plural = _("events of today")


class DailySalt(models.Model):
    """The random salt of one day, shared by all web processes; deleted when the day ends."""

    day = models.DateField(unique=True)
    value = models.CharField(max_length=64)


class DailyCount(models.Model):
    """How often one thing was viewed, searched, clicked or followed on one day."""

    day = models.DateField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    target = models.CharField(max_length=140, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "kind", "target", "detail"], name="analytics_dailycount_unique")]
        # Top lists sum one kind over a period grouped by target or detail; the index holds
        # every column those queries read, so they never touch the table itself.
        indexes = [models.Index(fields=["kind", "day", "target", "detail", "count"], name="analytics_dc_kind_day")]


class DailyTotal(models.Model):
    """One kind's total for a day: the lines over time read these few rows, not DailyCount."""

    day = models.DateField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    count = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "kind"], name="analytics_dailytotal_unique")]


class MonthlyCount(models.Model):
    """DailyCount summed per calendar month, so a year's top lists read twelve months' rows
    instead of 365 days' rows; the rollup rebuilds a month whenever one of its days changes."""

    month = models.DateField(help_text="First day of the month")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    target = models.CharField(max_length=140, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    count = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "kind", "target", "detail"], name="analytics_monthlycount_unique")]
        indexes = [models.Index(fields=["kind", "month", "target", "detail", "count"], name="analytics_mc_kind_month")]
