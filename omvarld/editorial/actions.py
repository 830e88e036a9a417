"""Every editorial write: suggestions and decisions on them, items, the trash and restores.

Each action checks permission, changes state inside one transaction, records revisions (through
``revisions.recording``) and history rows, then notifies. Views, commands and tests all call
these; nothing else writes editorial state.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from omvarld.accounts import emails
from omvarld.accounts.roles import EDIT_TAXONOMY, REVIEW, SUGGEST, can
from omvarld.core.models import Entity, InfoCategory, Item, Keyword, MainCategory, Placement, Region
from omvarld.editorial import revisions
from omvarld.editorial.forms import version_of
from omvarld.editorial.models import Revision, Suggestion, SuggestionEvent


class StaleEdit(Exception):
    """Someone else saved the record after the editor opened it."""

    def __init__(self, current):
        super().__init__("stale edit")
        self.current = current


class NotAllowed(Exception):
    """The record is not in a state that allows this step (e.g. deciding on a closed suggestion)."""


class NeedsSecondEditor(NotAllowed):
    """Four eyes: the editor wrote this suggestion, so another editor must accept it."""


def four_eyes_on() -> bool:
    """Whether an editor's own suggestion needs a second editor (``OMVARLD_FOUR_EYES``)."""
    if settings.FOUR_EYES != "auto":
        return settings.FOUR_EYES == "true"
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from omvarld.accounts.roles import ADMIN, EDITOR

    reviewers = get_user_model().objects.filter(is_active=True).filter(Q(is_superuser=True) | Q(groups__name__in=[EDITOR, ADMIN]))
    return reviewers.distinct().count() >= 2


def needs_second_editor(editor, suggestion: Suggestion) -> bool:
    return suggestion.author_id == getattr(editor, "pk", None) and four_eyes_on()


def _check_four_eyes(editor, suggestion: Suggestion) -> None:
    if needs_second_editor(editor, suggestion):
        raise NeedsSecondEditor("another editor must accept this suggestion")


def _require(user, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied


def capability_for(model) -> str:
    """Editors look after content; the taxonomy's skeleton is the administrators'."""
    return EDIT_TAXONOMY if model in (MainCategory, InfoCategory, Region) else REVIEW


# ---------------------------------------------------------------------------------------------
# Items


@transaction.atomic
def save_item(*, user, item: Item | None, values: dict, themes, keywords: list[str], placements: list[tuple[int, int | None]],
              version: str | None = None, comment: str = "") -> Item:
    """Create or change an item with its tags and placements; refuse a stale edit."""
    _require(user, REVIEW)
    with revisions.recording(user=user, comment=comment):
        if item is not None and item.pk:
            current = Item.objects.select_for_update().get(pk=item.pk)
            if version is not None and version != version_of(current):
                raise StaleEdit(current)
        else:
            item = Item(created_by=user)
        for name, value in values.items():
            setattr(item, name, value)
        item.save()
        item.themes.set(themes)
        item.keywords.set([Keyword.objects.get_or_create(name=k)[0] for k in keywords])
        _set_placements(item, placements)
    return item


def _set_placements(item: Item, placements: list[tuple[int, int | None]]) -> None:
    wanted = dict(placements)
    item.placements.exclude(entity_id__in=wanted).delete()
    for entity_id, info_category_id in wanted.items():
        Placement.objects.update_or_create(item=item, entity_id=entity_id, defaults={"info_category_id": info_category_id})


def _set_status(*, user, item: Item, status: str, comment: str) -> Item:
    _require(user, REVIEW)
    with transaction.atomic(), revisions.recording(user=user, comment=comment):
        item.status = status
        if status == Item.Status.PUBLISHED and not item.published_at:
            item.published_at = timezone.now()
        item.save(update_fields=["status", "published_at", "updated_at"])
    return item


def publish_item(*, user, item: Item) -> Item:
    return _set_status(user=user, item=item, status=Item.Status.PUBLISHED, comment=_("Published"))


def unpublish_item(*, user, item: Item) -> Item:
    return _set_status(user=user, item=item, status=Item.Status.DRAFT, comment=_("Unpublished"))


def archive_item(*, user, item: Item) -> Item:
    return _set_status(user=user, item=item, status=Item.Status.ARCHIVED, comment=_("Archived"))


# ---------------------------------------------------------------------------------------------
# Trash and revisions


def trash(*, user, obj) -> None:
    """Move a record to the trash: hidden everywhere, kept whole, restorable."""
    _require(user, capability_for(type(obj)))
    with transaction.atomic(), revisions.recording(user=user) as block:
        obj.deleted_at = timezone.now()
        obj.save(update_fields=["deleted_at"])
        block.mark(obj, Revision.Action.TRASHED)


def untrash(*, user, obj) -> None:
    _require(user, capability_for(type(obj)))
    with transaction.atomic(), revisions.recording(user=user) as block:
        obj.deleted_at = None
        obj.save(update_fields=["deleted_at"])
        block.mark(obj, Revision.Action.UNTRASHED)


def restore_revision(*, user, revision: Revision):
    """Make a record as it was in ``revision``; the restore is itself a new revision."""
    model = revisions.TRACKED[revision.model]
    _require(user, capability_for(model))
    comment = _("Restored version %(number)s") % {"number": revision.number}
    with transaction.atomic(), revisions.recording(user=user, comment=comment) as block:
        obj = model._default_manager.select_for_update().get(pk=revision.object_id)
        revisions.apply_snapshot(obj, revision.data)
        block.mark(obj, Revision.Action.RESTORED)
    return obj


# ---------------------------------------------------------------------------------------------
# Suggestions


def _event(suggestion: Suggestion, action: str, actor, comment: str = "") -> SuggestionEvent:
    return SuggestionEvent.objects.create(suggestion=suggestion, action=action, actor=actor, comment=comment, data=suggestion.data)


@transaction.atomic
def submit_suggestion(*, author, kind: str, title: str, data: dict) -> Suggestion:
    _require(author, SUGGEST)
    target = None
    if kind == Suggestion.Kind.ITEM_UPDATE:
        target = Item.objects.alive().filter(pk=data.get("item")).first()
    suggestion = Suggestion.objects.create(kind=kind, title=title, data=data, author=author, target_item=target)
    _event(suggestion, SuggestionEvent.Action.SUBMITTED, author)
    return suggestion


@transaction.atomic
def revise_suggestion(*, author, suggestion: Suggestion, title: str, data: dict) -> Suggestion:
    """The contributor changes an open suggestion; it goes back to the review queue."""
    _require(author, SUGGEST)
    if suggestion.author_id != author.pk:
        raise PermissionDenied
    if not suggestion.is_open:
        raise NotAllowed("the suggestion has been decided")
    suggestion.title, suggestion.data = title, data
    suggestion.status = Suggestion.Status.SUBMITTED
    suggestion.updated_at = timezone.now()
    suggestion.save(update_fields=["title", "data", "status", "updated_at"])
    _event(suggestion, SuggestionEvent.Action.REVISED, author)
    return suggestion


def _decide(suggestion: Suggestion, *, editor, status: str, action: str, comment: str = "") -> SuggestionEvent:
    _require(editor, REVIEW)
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if not locked.is_open:
        raise NotAllowed("the suggestion has been decided")
    suggestion.status = status
    suggestion.updated_at = timezone.now()
    suggestion.save(update_fields=["status", "updated_at", "result_item", "result_entity"])
    event = _event(suggestion, action, editor, comment)
    _notify(event)
    return event


@transaction.atomic
def request_changes(*, editor, suggestion: Suggestion, comment: str) -> SuggestionEvent:
    return _decide(suggestion, editor=editor, status=Suggestion.Status.CHANGES_REQUESTED,
                   action=SuggestionEvent.Action.CHANGES_REQUESTED, comment=comment)


@transaction.atomic
def reject_suggestion(*, editor, suggestion: Suggestion, reason: str) -> SuggestionEvent:
    return _decide(suggestion, editor=editor, status=Suggestion.Status.REJECTED,
                   action=SuggestionEvent.Action.REJECTED, comment=reason)


@transaction.atomic
def accept_suggestion_as_item(*, editor, suggestion: Suggestion, values: dict, themes, keywords, placements,
                              version: str | None = None) -> Item:
    """Create (or, for an update, change) the item as the editor shaped it, and publish it."""
    _check_four_eyes(editor, suggestion)
    if not suggestion.is_open:
        raise NotAllowed("the suggestion has been decided")
    comment = _("From suggestion #%(id)s by %(author)s") % {"id": suggestion.pk, "author": suggestion.author.get_username()}
    with revisions.recording(user=editor, comment=comment):
        item = save_item(user=editor, item=suggestion.target_item, values=values, themes=themes, keywords=keywords,
                         placements=placements, version=version, comment=comment)
        if suggestion.kind != Suggestion.Kind.ITEM_UPDATE:
            item.created_by = suggestion.author
            item.save(update_fields=["created_by"])
        publish_item(user=editor, item=item)
    suggestion.result_item = item
    _decide(suggestion, editor=editor, status=Suggestion.Status.ACCEPTED, action=SuggestionEvent.Action.ACCEPTED)
    return item


@transaction.atomic
def accept_suggestion_as_entity(*, editor, suggestion: Suggestion, form) -> Entity:
    """Create the entity from the editor's form (a bound, valid ``EntityForm``)."""
    _require(editor, REVIEW)
    _check_four_eyes(editor, suggestion)
    if not suggestion.is_open:
        raise NotAllowed("the suggestion has been decided")
    comment = _("From suggestion #%(id)s by %(author)s") % {"id": suggestion.pk, "author": suggestion.author.get_username()}
    with revisions.recording(user=editor, comment=comment):
        entity = form.save()
    suggestion.result_entity = entity
    _decide(suggestion, editor=editor, status=Suggestion.Status.ACCEPTED, action=SuggestionEvent.Action.ACCEPTED)
    return entity


def _notify(event: SuggestionEvent) -> None:
    # Written to the outbox in the decision's transaction: the mail exists exactly when the decision does.
    if event.action != SuggestionEvent.Action.SUBMITTED and event.suggestion.author.email:
        send_decision_email(event)


def send_decision_email(event: SuggestionEvent) -> None:
    """Tell the contributor what the board decided (accepted, changes asked for, rejected)."""
    suggestion = event.suggestion
    emails.send(
        "editorial/emails/decision", suggestion.author.email,
        {"event": event, "suggestion": suggestion, "user": suggestion.author},
    )
