"""Reads that the public map's views share: category overviews, entity pages, faceted search."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from omvarld.core import search
from omvarld.core.queries import filter_items, published_items
from omvarld.core.models import (
    Entity,
    EntityRelation,
    InfoCategory,
    Item,
    MainCategory,
    Placement,
    Region,
    Theme,
)


def since_new(now=None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.NEW_DAYS)


def main_categories():
    """Main categories with their number of entities and published items."""
    return (
        MainCategory.objects.alive()
        .annotate(
            entity_count=Count("entities", filter=Q(entities__deleted_at__isnull=True), distinct=True),
        )
        .order_by("order", "name_sv")
    )


def category_entities(category: MainCategory, region: str = "", watched_only: bool = False):
    """The entities of a category, watched first, with their item counts and newest item times."""
    qs = Entity.objects.alive().filter(main_category=category).select_related("region").order_by("priority", "name_sv")
    if region:
        qs = qs.filter(region__slug=region)
    if watched_only:
        qs = qs.filter(is_watched=True)
    return qs


def entity_freshness(entity, since=None) -> str:
    """'new' if the entity was added in the window, 'updated' if it or its items changed in it."""
    since = since or since_new()
    if entity.created_at >= since:
        return "new"
    if entity.last_item_changed_at and entity.last_item_changed_at >= since:
        return "updated"
    if entity.updated_at >= since and (entity.updated_at - entity.created_at).total_seconds() > 60:
        return "updated"
    return ""


SECTION_LIMIT = 20  # an entity can hold thousands of items; each section shows its newest
_NO_DATE = dt.date.min
_NO_TIME = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass
class Section:
    info_category: InfoCategory | None
    body: str
    items: list[Item]
    total: int


UPCOMING_EVENTS = "events"  # the information category that lists coming events


def entity_sections(entity: Entity) -> tuple[list[Section], Section | None]:
    """The entity's information categories in order, each with its text and newest published items.

    Items placed without an information category (or under one of another main category) come
    back as a separate section, so nothing attached to the entity is hidden.
    """
    info_cats = list(entity.main_category.info_categories.alive().order_by("order", "id"))
    texts = {s.info_category_id: s.body for s in entity.sections.all()}
    # One pass over the entity's published placements gives every section's total and newest
    # items; the items themselves are then read by key (at 450,000 items an entity holds
    # thousands, and counting and sorting them in two joined queries took most of the page).
    rows = list(
        Placement.objects.filter(entity=entity, item__status=Item.Status.PUBLISHED, item__deleted_at__isnull=True)
        .values_list("info_category_id", "item_id", "item__published_on", "item__published_at",
                     "item__type", "item__starts_on", "item__ends_on")
    )
    known = {ic.id for ic in info_cats}
    # "Upcoming events" lists only events that have not ended, soonest first; past ones move
    # to the entity's other items.
    upcoming_ids = {ic.id for ic in info_cats if ic.slug == UPCOMING_EVENTS}
    today = timezone.localdate()
    totals: dict[int | None, int] = {}
    by_section: dict[int | None, list[tuple]] = {}
    for cat_id, item_id, published_on, published_at, kind, starts_on, ends_on in rows:
        section = cat_id if cat_id in known else None
        if section in upcoming_ids:
            last_day = ends_on or starts_on
            if kind == Item.Type.EVENT and last_day is not None and last_day < today:
                section = None
            else:
                totals[section] = totals.get(section, 0) + 1
                # Soonest first: sorted newest-first below, so the key is negated in days.
                soon = -(starts_on or _NO_DATE).toordinal()
                by_section.setdefault(section, []).append((soon, 0, item_id))
                continue
        totals[section] = totals.get(section, 0) + 1
        by_section.setdefault(section, []).append((published_on or _NO_DATE, published_at or _NO_TIME, item_id))
    newest_ids = {
        section: [row[2] for row in sorted(found, reverse=True)[:SECTION_LIMIT]] for section, found in by_section.items()
    }
    wanted = {i for ids in newest_ids.values() for i in ids}
    loaded = Item.objects.prefetch_related("themes").in_bulk(wanted) if wanted else {}

    def newest(section) -> list[Item]:
        return [loaded[i] for i in newest_ids.get(section, []) if i in loaded]

    sections = [Section(ic, texts.get(ic.id, ""), newest(ic.id), totals.get(ic.id, 0)) for ic in info_cats]
    other = Section(None, "", newest(None), totals[None]) if totals.get(None) else None
    return sections, other


def entity_relations(entity: Entity) -> list[tuple[str, Entity]]:
    out = []
    for r in EntityRelation.objects.filter(source=entity, target__deleted_at__isnull=True).select_related("target"):
        out.append((r.get_kind_display(), r.target))
    for r in EntityRelation.objects.filter(target=entity, source__deleted_at__isnull=True).select_related("source"):
        out.append((f"← {r.get_kind_display()}", r.source))
    return out


# ---------------------------------------------------------------------------------------------
# Faceted search and browsing (MISSION M5)

FILTER_NAMES = ("type", "theme", "region", "entity", "lang", "from", "to", "category")


@dataclass
class Filters:
    q: str = ""
    type: str = ""
    theme: str = ""
    region: str = ""
    entity: str = ""
    lang: str = ""
    category: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return any([self.type, self.theme, self.region, self.entity, self.lang, self.category, self.date_from, self.date_to])


@dataclass
class SearchResult:
    entities: list[Entity]
    items: list[Item]
    item_total: int
    facets: dict[str, list[tuple[str, str, int]]]
    snippets: dict[int, str]
    titles: dict[int, str] = field(default_factory=dict)


def _item_filter(filters: Filters):
    return filter_items(
        published_items(), type=filters.type, theme=filters.theme, region=filters.region, entity=filters.entity,
        category=filters.category, lang=filters.lang, published_from=filters.date_from, published_to=filters.date_to,
    )


def id_list(ids: list[int]) -> RawSQL:
    """``ids`` as one query parameter for ``pk__in=`` (a JSON array on SQLite, an array on
    PostgreSQL): thousands of ids cost one bound value instead of thousands of placeholders."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(ids))])


def _facets(item_ids: list[int]) -> dict[str, list[tuple[str, str, int]]]:
    """(value, label, count) per facet over the matching items.

    Three grouped queries, none joining the item table to another: type, language and year come
    from the items, themes from the theme links, entities and regions from the placements (an
    item counts once per region however many of its entities lie there).
    """
    from collections import Counter

    type_labels = dict(Item.Type.choices)
    types, langs, years = Counter(), Counter(), Counter()
    ids = id_list(item_ids)
    for type_, lang, published_on in Item.objects.filter(id__in=ids).values_list("type", "language", "published_on"):
        types[type_] += 1
        langs[lang] += 1
        if published_on:
            years[published_on.year] += 1
    theme_counts = Counter(
        dict(
            Item.themes.through.objects.filter(item_id__in=ids)
            .values_list("theme_id")
            .annotate(n=Count("item_id"))
            .values_list("theme_id", "n")
        )
    )
    themes = {t.id: t for t in Theme.objects.filter(id__in=list(theme_counts))}
    entity_counts = Counter()
    region_items: dict[int, set[int]] = {}
    entity_region = dict(Entity.objects.values_list("id", "region_id"))
    for item_id, entity_id in Placement.objects.filter(item_id__in=ids).values_list("item_id", "entity_id"):
        entity_counts[entity_id] += 1
        region = entity_region.get(entity_id)
        if region:
            region_items.setdefault(region, set()).add(item_id)
    top_entities = {e.id: e for e in Entity.objects.filter(id__in=[eid for eid, _ in entity_counts.most_common(15)])}
    regions = {r.id: r for r in Region.objects.all()}
    return {
        "type": [(t, str(type_labels.get(t, t)), n) for t, n in types.most_common()],
        "theme": [(themes[t].slug, themes[t].label, n) for t, n in theme_counts.most_common() if t in themes],
        "region": sorted(
            ((regions[r].slug, regions[r].name, len(ids)) for r, ids in region_items.items() if r in regions),
            key=lambda x: -x[2],
        ),
        "entity": [(top_entities[e].slug, top_entities[e].name, n) for e, n in entity_counts.most_common(15) if e in top_entities],
        "lang": [(lang, lang, n) for lang, n in langs.most_common()],
        "year": [(str(y), str(y), years[y]) for y in sorted(years, reverse=True)],
    }


def run_search(filters: Filters, page: int = 1, per_page: int = 20) -> SearchResult:
    """Entities and published items matching the query and filters, best first.

    With no query this is faceted browsing, newest first. An entity whose name or alias equals
    the query is put first, whatever the engine's score.
    """
    items_qs = _item_filter(filters)
    entities: list[Entity] = []
    q = filters.q.strip()
    if q:
        hits = search.find(q)
        item_rank = {h.object_id: i for i, h in enumerate(h for h in hits if h.kind == "item")}
        entity_ids = [h.object_id for h in hits if h.kind == "entity"]
        items_qs = items_qs.filter(id__in=id_list(list(item_rank)))
        ids = list(items_qs.values_list("id", flat=True))
        ids.sort(key=lambda i: item_rank.get(i, 1 << 30))
        if not (filters.type or filters.theme or filters.lang or filters.date_from or filters.date_to):
            ent_qs = Entity.objects.alive().filter(id__in=entity_ids).select_related("main_category", "region")
            if filters.region:
                ent_qs = ent_qs.filter(region__slug=filters.region)
            if filters.entity:
                ent_qs = ent_qs.filter(slug=filters.entity)
            if filters.category:
                ent_qs = ent_qs.filter(main_category__slug=filters.category)
            order = {eid: i for i, eid in enumerate(entity_ids)}
            needle = q.casefold()
            entities = sorted(
                ent_qs,
                key=lambda e: (0 if needle in {n.casefold() for n in e.all_names()} else 1, e.priority, order.get(e.id, 0)),
            )
    else:
        ids = list(
            items_qs.order_by("-published_on", "-published_at", "-id").values_list("id", flat=True)[: search.MAX_HITS]
        )
    total = len(ids)
    page_ids = ids[(page - 1) * per_page : page * per_page]
    by_id = Item.objects.in_bulk(page_ids)
    items = [by_id[i] for i in page_ids if i in by_id]
    _attach_main_entities(items)
    snippets, titles = {}, {}
    if q:
        for it in items:
            text = " ".join(x for x in [it.summary, it.commentary, it.results, it.lessons] if x)
            snippets[it.id] = search.highlight(text, q)
            titles[it.id] = search.highlight(it.title, q, width=60)
    facets = _facets(ids) if ids else {}
    return SearchResult(entities=entities, items=items, item_total=total, facets=facets, snippets=snippets, titles=titles)


def _attach_main_entities(items: list[Item]) -> None:
    """Give each item ``.main_entities`` (its entities, loaded in one query)."""
    placements = Placement.objects.filter(item__in=items).select_related("entity").order_by("id")
    by_item: dict[int, list[Entity]] = {}
    for p in placements:
        by_item.setdefault(p.item_id, []).append(p.entity)
    for it in items:
        it.main_entities = by_item.get(it.id, [])


def whats_new(days: int | None = None, page: int = 1, per_page: int = 40) -> tuple[list[Item], int]:
    """One page of published items added or updated within ``days``, newest first, and the total."""
    since = timezone.now() - dt.timedelta(days=days or settings.NEW_DAYS)
    # updated_at is never before created_at, so one indexed condition covers new and updated.
    qs = published_items().filter(updated_at__gte=since)
    total = qs.count()
    items = list(qs.prefetch_related("themes").order_by("-updated_at")[(page - 1) * per_page : page * per_page])
    _attach_main_entities(items)
    return items, total


def with_entities(items: list[Item]) -> list[Item]:
    _attach_main_entities(items)
    return items


def event_reports(item: Item) -> list[Item]:
    """The published trip and conference reports from an event item (none for other items)."""
    if item.type != Item.Type.EVENT:
        return []
    return list(published_items().filter(event=item).order_by("-starts_on", "-id"))


def item_detail(pk: int) -> Item | None:
    return (
        published_items()
        .select_related("event")
        .prefetch_related(
            "themes",
            "keywords",
            Prefetch("placements", queryset=Placement.objects.select_related("entity", "info_category")),
        )
        .filter(pk=pk)
        .first()
    )


def themes_with_counts():
    """The themes in their order, each with its number of published items (``n_items``)."""
    from django.db.models import Count, Q

    published = Q(items__status=Item.Status.PUBLISHED, items__deleted_at__isnull=True)
    return Theme.objects.alive().filter(merged_into__isnull=True).annotate(n_items=Count("items", filter=published, distinct=True))
