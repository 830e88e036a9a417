"""Reads the editorial pages share: the queue, a contributor's suggestions, histories, the trash."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from omvarld.core.models import Entity, InfoCategory, Item, MainCategory, Theme
from omvarld.editorial import diffs
from omvarld.editorial.models import Revision, Suggestion


def review_queue():
    return Suggestion.objects.filter(status=Suggestion.Status.SUBMITTED).select_related("author").order_by("updated_at", "id")


def waiting_on_contributors():
    return Suggestion.objects.filter(status=Suggestion.Status.CHANGES_REQUESTED).select_related("author").order_by("-updated_at")


def suggestions_of(user):
    return Suggestion.objects.filter(author=user).order_by("-updated_at", "-id")


def editor_items(q: str = "", status: str = ""):
    qs = Item.objects.alive().order_by("-updated_at", "-id")
    if status in Item.Status.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(source_name__icontains=q))
    return qs


@dataclass
class HistoryEntry:
    revision: Revision
    changes: list[diffs.Change]


def history(model_label: str, object_id: int) -> list[HistoryEntry]:
    """Every revision of one record, newest first, each with what changed from the one before."""
    revs = list(Revision.objects.filter(model=model_label, object_id=object_id).select_related("user").order_by("number"))
    out, prev = [], None
    for rev in revs:
        out.append(HistoryEntry(rev, diffs.changes(model_label, prev.data if prev else None, rev.data)))
        prev = rev
    return out[::-1]


def revision_changes(revision: Revision) -> list[diffs.Change]:
    prev = Revision.objects.filter(model=revision.model, object_id=revision.object_id, number__lt=revision.number).order_by("-number").first()
    return diffs.changes(revision.model, prev.data if prev else None, revision.data)


def recent_revisions(limit: int = 50):
    return Revision.objects.select_related("user").order_by("-created_at", "-id")[:limit]


TRASHABLE = {"item": Item, "entity": Entity, "theme": Theme, "maincategory": MainCategory, "infocategory": InfoCategory}


def trashed():
    """What is in the trash, by kind, most recently deleted first."""
    return {name: list(model.objects.filter(deleted_at__isnull=False).order_by("-deleted_at")[:200]) for name, model in TRASHABLE.items()}


def item_initial(suggestion: Suggestion) -> dict:
    """The item form's starting values for a suggestion, from what the contributor wrote."""
    d = suggestion.data
    entities = [f"{pk}:0" for pk in d.get("entities", [])]
    if suggestion.kind == Suggestion.Kind.NEW_ITEM:
        return {
            "type": d.get("type"), "title": d.get("title"), "url": d.get("url"), "source_name": d.get("source_name"),
            "language": d.get("language") if d.get("language") != "other" else "", "published_on": d.get("published_on"),
            "summary": d.get("summary"), "placements": entities,
            # The partner's "why it matters to Swedish cities" is the commentary's first draft.
            "commentary": d.get("note") or "",
        }
    if suggestion.kind == Suggestion.Kind.TRIP_REPORT:
        parts = [(_("Who went"), d.get("participants")), (_("Contacts made"), d.get("contacts")),
                 (_("Collaboration opportunities"), d.get("opportunities"))]
        event = Item.objects.filter(pk=d.get("event"), type=Item.Type.EVENT).first() if d.get("event") else None
        return {
            "event": event.pk if event else None,
            "type": Item.Type.TRIP_REPORT, "title": d.get("event_title"), "url": d.get("url"), "location": d.get("location"),
            "starts_on": d.get("starts_on"), "ends_on": d.get("ends_on"), "language": "sv", "summary": d.get("learned"),
            "lessons": d.get("opportunities") or "",
            "commentary": "\n\n".join(f"**{label}:** {text}" for label, text in parts if text),
            "placements": entities,
        }
    return {}


def entity_initial(suggestion: Suggestion) -> dict:
    d = suggestion.data
    return {
        "main_category": d.get("main_category"), "name_sv": d.get("name"), "name_en": d.get("name"),
        "country": d.get("country"), "website": d.get("website"), "summary_sv": d.get("why"),
        "priority": Entity.Priority.LANDSCAPE,
    }
