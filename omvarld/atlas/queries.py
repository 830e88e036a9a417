"""Reads behind the geographic map and the relationship graph (MISSION M11).

The map's data answer is built from four grouped queries (places, item and notice activity,
monitored entries, themes) whatever the number of places, so it stays fast at thousands of
places; the graph walks relations breadth-first with one query per step.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from functools import lru_cache
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from omvarld.core.models import Entity, EntityRelation, Item, MainCategory, Placement, Region, Theme, bilingual

# Marker shapes and colours, given to the main categories in their order. Each colour carries
# white text at a contrast of at least 4.5:1, and the shape and letter tell categories apart
# without colour.
SHAPES = ["circle", "square", "diamond", "triangle", "hexagon", "pentagon", "star"]
COLOURS = ["#0a5fa3", "#a3470b", "#0b6b4f", "#74368c", "#7a5600", "#b0174f", "#3d4a54"]
PERIODS = [7, 30, 90, 365]
CACHE_SECONDS = 300
MAX_DEPTH = 2
# Without a focus the whole graph is drawn only up to this size; beyond it the page asks for one.
WHOLE_GRAPH_LIMIT = 600


@dataclass
class MapFilters:
    theme: str = ""
    category: str = ""
    region: str = ""
    days: int = settings.NEW_DAYS
    new_only: bool = False
    events: bool = False
    errors: dict = field(default_factory=dict)

    def as_params(self) -> dict:
        params = {"theme": self.theme, "category": self.category, "region": self.region, "days": self.days}
        if self.new_only:
            params["new"] = "1"
        if self.events:
            params["events"] = "1"
        return {k: v for k, v in params.items() if v}


@dataclass
class GraphFilters:
    focus: str = ""
    depth: int = 1
    kinds: list[str] = field(default_factory=list)
    category: str = ""
    theme: str = ""
    q: str = ""
    errors: dict = field(default_factory=dict)

    def as_params(self) -> list[tuple[str, str]]:
        params = [("focus", self.focus), ("depth", str(self.depth) if self.focus else ""), ("category", self.category),
                  ("theme", self.theme)]
        params += [("kind", k) for k in self.kinds]
        return [(k, v) for k, v in params if v]


@dataclass
class Legend:
    slug: str
    name: str
    shape: str
    colour: str
    letter: str


def legend() -> list[Legend]:
    """Main categories with the shape, colour and letter their markers and nodes use."""
    out = []
    for i, cat in enumerate(MainCategory.objects.alive().order_by("order", "name_sv")):
        name = cat.name
        out.append(Legend(cat.slug, name, SHAPES[i % len(SHAPES)], COLOURS[i % len(COLOURS)], (name[:1] or "?").upper()))
    return out


def since(days: int, now=None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=days)


def public_items():
    return Item.objects.alive().filter(status=Item.Status.PUBLISHED)


def entities_with_theme(theme_slug: str):
    """Ids of entities that hold at least one published item tagged with the theme."""
    return Placement.objects.filter(
        item__themes__slug=theme_slug, item__status=Item.Status.PUBLISHED, item__deleted_at__isnull=True
    ).values("entity_id")


# ---------------------------------------------------------------------------------------------
# The geographic map


@dataclass
class Place:
    id: int
    slug: str
    name: str
    latitude: float
    longitude: float
    category: str
    region: str
    priority: int
    items: int = 0
    notices: int = 0
    entries: int = 0
    is_new: bool = False

    @property
    def activity(self) -> int:
        return self.items + self.notices + self.entries


def activity(start: dt.datetime, entity_ids=None) -> dict[int, list[int]]:
    """For each entity: [new published items, new notices, new monitored entries] since ``start``."""
    counts: dict[int, list[int]] = {}
    placements = Placement.objects.filter(
        item__status=Item.Status.PUBLISHED, item__deleted_at__isnull=True, item__created_at__gte=start
    )
    if entity_ids is not None:
        placements = placements.filter(entity_id__in=entity_ids)
    rows = placements.values("entity_id").annotate(
        items=Count("id", filter=~Q(item__type=Item.Type.NEWS_NOTICE)),
        notices=Count("id", filter=Q(item__type=Item.Type.NEWS_NOTICE)),
    )
    for entity_id, items, notices in rows.values_list("entity_id", "items", "notices"):
        counts[entity_id] = [items, notices, 0]
    for entity_id, n in _entry_counts(start, entity_ids):
        counts.setdefault(entity_id, [0, 0, 0])[2] = n
    return counts


def _entry_counts(start, entity_ids=None):
    """Monitored entries tagged with each entity since ``start`` (none without the monitoring app)."""
    from django.apps import apps

    if not apps.is_installed("omvarld.monitoring"):
        return []
    EntryTag = apps.get_model("monitoring", "EntryTag")
    tags = EntryTag.objects.filter(entity__isnull=False, entry__fetched_at__gte=start)
    if entity_ids is not None:
        tags = tags.filter(entity_id__in=entity_ids)
    return tags.values_list("entity_id").annotate(n=Count("entry_id", distinct=True)).values_list("entity_id", "n")


def places_queryset(f: MapFilters):
    qs = Entity.objects.alive().filter(latitude__isnull=False, longitude__isnull=False)
    if f.category:
        qs = qs.filter(main_category__slug=f.category)
    if f.region:
        qs = qs.filter(region__slug=f.region)
    if f.theme:
        qs = qs.filter(pk__in=entities_with_theme(f.theme))
    return qs


# Columns of a place row: what the map's data answer and the list under the map are built from.
ROW = ("id", "slug", "name", "lat", "lon", "category", "region", "items", "notices", "entries", "new")


def place_rows(f: MapFilters, now=None) -> list[tuple]:
    """The places that match the filters as plain tuples (see ``ROW``), with their activity in the
    chosen period; plain tuples because there may be thousands of them on every map request.

    Kept in the cache for a few minutes under the site's content version, so a new or changed
    entity or item shows at once while the moving period and new monitored entries may lag by
    up to ``CACHE_SECONDS``.
    """
    if now is not None:
        return _place_rows(f, now)
    key = cache_key("rows", f)
    rows = cache.get(key)
    if rows is None:
        rows = _place_rows(f)
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def cache_key(kind: str, f: MapFilters) -> str:
    from omvarld.api import versioning

    version, changed_at = versioning.current()
    params = sorted(f.as_params().items())
    raw = f"{kind}|{version}|{changed_at}|{_entries_mark()}|{_lang()}|{params}"
    return "atlas:" + hashlib.sha1(raw.encode()).hexdigest()


def _entries_mark() -> int:
    """The newest entity tag of the monitoring pipeline: changes when entries are tagged."""
    from django.apps import apps

    if not apps.is_installed("omvarld.monitoring"):
        return 0
    EntryTag = apps.get_model("monitoring", "EntryTag")
    return EntryTag.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _place_rows(f: MapFilters, now=None) -> list[tuple]:
    start = since(f.days, now)
    lang_en = _lang() == "en"
    cats = dict(MainCategory.objects.values_list("id", "slug"))
    regions = dict(Region.objects.values_list("id", "slug"))
    rows = (
        places_queryset(f)
        .annotate(fresh=Case(When(created_at__gte=start, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by("priority", "name_sv")
        .values_list("id", "slug", "name_sv", "name_en", "latitude", "longitude", "main_category_id", "region_id", "fresh")
    )
    counts = activity(start)
    none = (0, 0, 0)
    out = []
    for pk, slug, name_sv, name_en, lat, lon, cat, region, fresh in rows:
        c = counts.get(pk, none)
        if f.new_only and not (fresh or c[0] or c[1] or c[2]):
            continue
        name = (name_en or name_sv) if lang_en else (name_sv or name_en)
        out.append((pk, slug, name, lat, lon, cats.get(cat, ""), regions.get(region, ""), c[0], c[1], c[2], fresh))
    return out


def as_place(row: tuple) -> Place:
    pk, slug, name, lat, lon, cat, region, items, notices, entries, fresh = row
    return Place(pk, slug, name, lat, lon, cat, region, 0, items, notices, entries, bool(fresh))


def map_places(f: MapFilters, now=None) -> list[Place]:
    """The places that match the filters, with their activity in the chosen period."""
    return [as_place(r) for r in place_rows(f, now)]


@lru_cache(maxsize=4096)
def marker_size(activity_count: int) -> int:
    """Marker diameter in pixels: grows with the logarithm of the activity, within 22–46."""
    return 22 + min(24, round(6 * math.log2(1 + activity_count)))


def map_data(f: MapFilters, now=None) -> dict:
    """The map's JSON answer: compact rows, since it may hold thousands of places."""
    cats = legend()
    index = {c.slug: i for i, c in enumerate(cats)}
    data = {
        "period_days": f.days,
        "categories": [{"slug": c.slug, "name": c.name, "shape": c.shape, "colour": c.colour, "letter": c.letter} for c in cats],
        "columns": ["slug", "name", "lat", "lon", "category", "size", "items", "notices", "entries", "new"],
        "places": [
            [slug, name, round(lat, 4), round(lon, 4), index.get(cat, 0), marker_size(items + notices + entries), items, notices,
             entries, fresh]
            for _pk, slug, name, lat, lon, cat, _region, items, notices, entries, fresh in place_rows(f, now)
        ],
    }
    if f.events:
        data["events"] = [
            {"id": e.id, "title": e.title, "lat": e.lat, "lon": e.lon, "starts": e.starts_on.isoformat() if e.starts_on else "",
             "place": e.location, "url": e.get_absolute_url()}
            for e in map_events(f)
        ]
    return data


def map_events(f: MapFilters, limit: int = 500) -> list[Item]:
    """Published events with a place: each is put at a placed entity with coordinates, preferring
    one whose name appears in the event's place text."""
    events = public_items().filter(type=Item.Type.EVENT)
    if f.theme:
        events = events.filter(themes__slug=f.theme)
    places = places_queryset(MapFilters(region=f.region, category=f.category))
    events = events.filter(pk__in=Placement.objects.filter(entity__in=places).values("item_id"))
    events = list(events.order_by("-starts_on", "-id")[:limit])
    coords: dict[int, list] = defaultdict(list)
    for item_id, lat, lon, sv, en in Placement.objects.filter(item__in=[e.id for e in events], entity__in=places).values_list(
        "item_id", "entity__latitude", "entity__longitude", "entity__name_sv", "entity__name_en"
    ).order_by("id"):
        coords[item_id].append((lat, lon, sv, en))
    out = []
    for e in events:
        candidates = coords.get(e.id)
        if not candidates:
            continue
        place = e.location.lower()
        best = next((c for c in candidates if place and ((c[2] and c[2].lower() in place) or (c[3] and c[3].lower() in place))), candidates[0])
        e.lat, e.lon = round(best[0], 4), round(best[1], 4)
        out.append(e)
    return out


def place_card(entity: Entity, days: int, limit: int = 3) -> dict:
    """What the card for one place shows: why it is watched, activity and its latest items."""
    start = since(days)
    counts = activity(start, [entity.id]).get(entity.id, [0, 0, 0])
    latest = list(
        public_items().filter(pk__in=Placement.objects.filter(entity=entity).values("item_id")).order_by("-published_at", "-id")[:limit]
    )
    return {"entity": entity, "items": counts[0], "notices": counts[1], "entries": counts[2], "latest": latest, "days": days}


def _lang() -> str:
    from django.utils import translation

    return (translation.get_language() or "sv")[:2]


# ---------------------------------------------------------------------------------------------
# The relationship graph


@dataclass
class Graph:
    nodes: list[dict]
    edges: list[dict]
    focus: Entity | None = None
    truncated: bool = False
    categories: list[Legend] = field(default_factory=list)


def relations_queryset(kinds: list[str] | None = None):
    qs = EntityRelation.objects.filter(source__deleted_at__isnull=True, target__deleted_at__isnull=True)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs


def allowed_entities(f: GraphFilters):
    qs = Entity.objects.alive()
    if f.category:
        qs = qs.filter(main_category__slug=f.category)
    if f.theme:
        qs = qs.filter(pk__in=entities_with_theme(f.theme))
    return qs


def neighbourhood(focus: Entity, depth: int, f: GraphFilters) -> tuple[set[int], list[tuple]]:
    """Entity ids within ``depth`` steps of ``focus`` and the relations among them.

    Category and theme filters apply to the other nodes, never to the focus itself.
    """
    filtered = bool(f.category or f.theme)
    allowed = set(allowed_entities(f).values_list("id", flat=True)) if filtered else None
    seen = {focus.id}
    frontier = {focus.id}
    edges: dict[int, tuple] = {}
    rels = relations_queryset(f.kinds)
    for _step in range(depth):
        if not frontier:
            break
        found = rels.filter(Q(source_id__in=frontier) | Q(target_id__in=frontier)).values_list("id", "source_id", "kind", "target_id", "note")
        nxt = set()
        for rid, s, kind, t, note in found:
            if allowed is not None and not ({s, t} - {focus.id} <= allowed):
                continue
            edges[rid] = (rid, s, kind, t, note)
            for n in (s, t):
                if n not in seen:
                    seen.add(n)
                    nxt.add(n)
        frontier = nxt
    # Relations between nodes found at the last step are part of the picture too.
    if len(seen) > 1:
        extra = rels.filter(source_id__in=seen, target_id__in=seen).exclude(id__in=list(edges)).values_list(
            "id", "source_id", "kind", "target_id", "note"
        )
        for row in extra:
            edges[row[0]] = row
    return seen, list(edges.values())


def graph(f: GraphFilters, focus: Entity | None = None) -> Graph:
    if focus is not None:
        ids, edges = neighbourhood(focus, f.depth, f)
        truncated = False
    else:
        rels = relations_queryset(f.kinds)
        if f.category or f.theme:
            allowed = allowed_entities(f).values("id")
            rels = rels.filter(source_id__in=allowed, target_id__in=allowed)
        rows = list(rels.values_list("id", "source_id", "kind", "target_id", "note").order_by("id")[: WHOLE_GRAPH_LIMIT * 4])
        ids: set[int] = set()
        edges = []
        truncated = False
        for row in rows:
            new = {row[1], row[3]} - ids
            if len(ids) + len(new) > WHOLE_GRAPH_LIMIT:
                truncated = True
                break
            ids |= new
            edges.append(row)
    cats = legend()
    nodes = _nodes(ids, focus, cats)
    kind_labels = dict(EntityRelation.Kind.choices)
    return Graph(
        nodes=nodes,
        edges=[{"id": f"r{rid}", "source": s, "target": t, "kind": kind, "label": str(kind_labels.get(kind, kind)), "note": note}
               for rid, s, kind, t, note in edges],
        focus=focus,
        truncated=truncated,
        categories=cats,
    )


def _nodes(ids: set[int], focus: Entity | None, categories: list[Legend]) -> list[dict]:
    cats = {c.slug: (i, c) for i, c in enumerate(categories)}
    lang_en = _lang() == "en"
    nodes = []
    rows = Entity.objects.filter(pk__in=ids).values_list("id", "slug", "name_sv", "name_en", "main_category__slug", "region__slug")
    for pk, slug, sv, en, cat, region in rows.order_by("name_sv"):
        i, c = cats.get(cat, (0, None))
        nodes.append({
            "id": pk, "slug": slug, "name": (en or sv) if lang_en else (sv or en), "category": cat, "category_index": i,
            "region": region or "", "url": f"/entities/{slug}/", "focus": bool(focus and pk == focus.id),
        })
    return nodes


def graph_json(g: Graph) -> dict:
    return {
        "focus": g.focus.slug if g.focus else None,
        "truncated": g.truncated,
        "categories": [{"slug": c.slug, "name": c.name, "shape": c.shape, "colour": c.colour, "letter": c.letter} for c in g.categories],
        "nodes": g.nodes,
        "edges": g.edges,
    }


def graphml(g: Graph) -> str:
    """The graph as GraphML (http://graphml.graphdrawing.org/), for Gephi, yEd or networkx."""
    from xml.sax.saxutils import quoteattr

    def esc(value) -> str:
        return quoteattr(str(value))[1:-1]

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
        '  <key id="name" for="node" attr.name="name" attr.type="string"/>',
        '  <key id="slug" for="node" attr.name="slug" attr.type="string"/>',
        '  <key id="category" for="node" attr.name="category" attr.type="string"/>',
        '  <key id="region" for="node" attr.name="region" attr.type="string"/>',
        '  <key id="kind" for="edge" attr.name="kind" attr.type="string"/>',
        '  <key id="label" for="edge" attr.name="label" attr.type="string"/>',
        '  <key id="note" for="edge" attr.name="note" attr.type="string"/>',
        '  <graph id="relations" edgedefault="directed">',
    ]
    for n in g.nodes:
        lines.append(f'    <node id="e{n["id"]}">')
        for key in ("name", "slug", "category", "region"):
            lines.append(f'      <data key="{key}">{esc(n[key])}</data>')
        lines.append("    </node>")
    for e in g.edges:
        lines.append(f'    <edge id="{e["id"]}" source="e{e["source"]}" target="e{e["target"]}">')
        for key in ("kind", "label", "note"):
            if e[key]:
                lines.append(f'      <data key="{key}">{esc(e[key])}</data>')
        lines.append("    </edge>")
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines)


def relation_rows(g: Graph) -> list[dict]:
    """The graph's edges as table rows, for the accessible equivalent."""
    by_id = {n["id"]: n for n in g.nodes}
    rows = [{"source": by_id.get(e["source"]), "label": e["label"], "target": by_id.get(e["target"]), "note": e["note"]} for e in g.edges]
    return sorted((r for r in rows if r["source"] and r["target"]), key=lambda r: (r["source"]["name"], r["label"], r["target"]["name"]))


def search_nodes(q: str, limit: int = 20) -> list[Entity]:
    q = q.strip()
    if not q:
        return []
    return list(
        Entity.objects.alive().filter(Q(name_sv__icontains=q) | Q(name_en__icontains=q) | Q(slug__icontains=q) | Q(aliases__icontains=q))
        .select_related("main_category").order_by("priority", "name_sv")[:limit]
    )


def filter_choices() -> dict:
    return {
        "themes": Theme.objects.alive().filter(merged_into__isnull=True),
        "regions": Region.objects.all(),
        "categories": MainCategory.objects.alive(),
        "kinds": EntityRelation.Kind.choices,
    }


def region_name(slug: str) -> str:
    r = Region.objects.filter(slug=slug).first()
    return bilingual(r, "name") if r else slug
