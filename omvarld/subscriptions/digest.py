"""Which published items go into whose digest.

The candidates of a time window are loaded once with their entity, theme and main-category ids;
matching a subscriber against them is then plain set arithmetic, so building ten thousand
digests costs a handful of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from omvarld.core.models import Item, Placement
from omvarld.subscriptions.schedule import RHYTHM_ORDER


@dataclass
class Candidate:
    id: int
    title: str
    type: str
    url: str
    source_name: str
    summary: str
    published_at: dt.datetime | None
    updated_at: dt.datetime
    entity_ids: set[int] = field(default_factory=set)
    theme_ids: set[int] = field(default_factory=set)
    category_ids: set[int] = field(default_factory=set)
    entity_names: list[tuple[str, str]] = field(default_factory=list)  # (sv, en)

    def is_new(self, since: dt.datetime) -> bool:
        return self.published_at is not None and self.published_at >= since


@dataclass(frozen=True)
class Rule:
    """One confirmed subscription, reduced to what matching needs."""

    kind: str
    target_id: int | None
    rhythm: str

    def matches(self, c: Candidate) -> bool:
        if self.kind == "everything":
            return True
        if self.kind == "entity":
            return self.target_id in c.entity_ids
        if self.kind == "theme":
            return self.target_id in c.theme_ids
        return self.target_id in c.category_ids


def rule_of(kind: str, entity_id, theme_id, category_id, rhythm: str) -> Rule:
    return Rule(kind, {"entity": entity_id, "theme": theme_id, "category": category_id}.get(kind), rhythm)


def load_candidates(since: dt.datetime, until: dt.datetime) -> list[Candidate]:
    """Published items added or changed in [since, until), newest first."""
    rows = (
        Item.objects.alive()
        .filter(status=Item.Status.PUBLISHED, updated_at__gte=since, updated_at__lt=until)
        .order_by("-updated_at", "-id")
        .values_list("id", "title", "type", "url", "source_name", "summary", "published_at", "updated_at")
    )
    by_id = {r[0]: Candidate(*r) for r in rows}
    if not by_id:
        return []
    placements = (
        Placement.objects.filter(item_id__in=by_id, entity__deleted_at__isnull=True)
        .order_by("entity__priority", "entity__name_sv")
        .values_list("item_id", "entity_id", "entity__main_category_id", "entity__name_sv", "entity__name_en")
    )
    for item_id, entity_id, category_id, name_sv, name_en in placements:
        c = by_id[item_id]
        c.entity_ids.add(entity_id)
        c.category_ids.add(category_id)
        c.entity_names.append((name_sv, name_en))
    for item_id, theme_id in Item.themes.through.objects.filter(item_id__in=by_id).values_list("item_id", "theme_id"):
        by_id[item_id].theme_ids.add(theme_id)
    return list(by_id.values())


def select_items(candidates: list[Candidate], *, rules: list[Rule], rhythm: str, since: dt.datetime, until: dt.datetime) -> list[Candidate]:
    """The candidates in [since, until) for this rhythm's mail, each once.

    An item that also matches one of the subscriber's faster subscriptions goes only into that
    faster mail, so nobody reads the same item in both their daily and their weekly digest.
    """
    mine = [r for r in rules if r.rhythm == rhythm]
    faster = [r for r in rules if RHYTHM_ORDER[r.rhythm] < RHYTHM_ORDER[rhythm]]
    return [
        c
        for c in candidates
        if since <= c.updated_at < until
        and any(r.matches(c) for r in mine)
        and not any(r.matches(c) for r in faster)
    ]
