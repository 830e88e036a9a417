"""Suggestions from partners, the board's decisions on them, and the revision history of the map
(MISSION M8, M9, X5)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Suggestion(models.Model):
    """A partner's proposal, made through one of the templates in ``omvarld.editorial.templates``.

    What the partner wrote is kept in ``data`` (the template's fields); the board's edits go to
    the item or entity that accepting creates, never back into the suggestion.
    """

    class Kind(models.TextChoices):
        NEW_ITEM = "new_item", _("New item")
        ITEM_UPDATE = "item_update", _("Update to an item")
        NEW_ENTITY = "new_entity", _("New entity")
        TRIP_REPORT = "trip_report", _("Trip or conference report")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("template"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    data = models.JSONField(_("contents"), default=dict)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("author"))
    target_item = models.ForeignKey("core.Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("item to update"))
    result_item = models.ForeignKey("core.Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("resulting item"))
    result_entity = models.ForeignKey("core.Entity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("resulting entity"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.CHANGES_REQUESTED)


class SuggestionEvent(models.Model):
    """One step in a suggestion's life, appended and never changed: the decision history."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        REVISED = "revised", _("revised and resubmitted")
        CHANGES_REQUESTED = "changes_requested", _("asked for changes")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events", verbose_name=_("suggestion"))
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by"))
    comment = models.TextField(_("comment"), blank=True)
    data = models.JSONField(_("contents at this step"), default=dict)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("suggestion event")
        verbose_name_plural = _("suggestion events")


class Revision(models.Model):
    """A snapshot of one record of the map after a change: who, when, and the whole record.

    Snapshots (not diffs) are stored so that any revision can be shown or restored on its own;
    the readable diff is computed between a revision and the one before it.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        TRASHED = "trashed", _("moved to the trash")
        UNTRASHED = "untrashed", _("restored from the trash")
        RESTORED = "restored", _("restored an earlier version")

    model = models.CharField(_("kind"), max_length=40)
    object_id = models.BigIntegerField(_("record"))
    object_repr = models.CharField(_("name"), max_length=300)
    number = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    data = models.JSONField(_("snapshot"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [models.UniqueConstraint(fields=["model", "object_id", "number"], name="revision_unique_number")]

    def __str__(self):
        return f"{self.object_repr} v{self.number}"
