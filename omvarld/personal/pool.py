"""The feed pool: recent notices, map items and monitored stories, with their tags, in one table.

The worker rebuilds it every few minutes (``build_pool``); each web process keeps the loaded
pool in memory until the next build (``current_pool``), so a member's feed page only reads the
member's own follows and marks.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from omvarld.core.models import Item, Placement
from omvarld.lib.terms import terms as text_terms
from omvarld.personal.models import Candidate, Feedback, Follow
from omvarld.personal.ranking import Pool, Story

ENTRY_DAYS = 14
ENTRY_TOP = 2000  # the most relevant monitored stories of the window
PER_FOLLOW = 40  # and the newest stories of each followed entity, theme and source
ITEM_LIMIT = 3000
SUMMARY_CHARS = 400
SOURCE_QUALITY = {1: 0.9, 2: 0.6, 3: 0.3}


def _entry_ids(since) -> list[int]:
    from omvarld.monitoring.models import Entry, EntryTag

    live = Entry.objects.filter(fetched_at__gte=since).exclude(status=Entry.Status.DISCARDED)
    ids = set(live.order_by("-relevance").values_list("id", flat=True)[:ENTRY_TOP])
    followed = Follow.objects.values_list("kind", "entity_id", "theme_id", "source_id").distinct()
    for kind, entity_id, theme_id, source_id in followed:
        if kind == "entity":
            qs = EntryTag.objects.filter(entity_id=entity_id, entry__fetched_at__gte=since)
        elif kind == "theme":
            qs = EntryTag.objects.filter(theme_id=theme_id, entry__fetched_at__gte=since)
        elif kind == "source":
            ids.update(live.filter(source_id=source_id).order_by("-fetched_at").values_list("id", flat=True)[:PER_FOLLOW])
            continue
        else:
            continue
        qs = qs.exclude(entry__status=Entry.Status.DISCARDED).order_by("-entry__fetched_at")
        ids.update(qs.values_list("entry_id", flat=True)[:PER_FOLLOW])
    return list(ids)


def _entry_stories(now) -> list[Story]:
    from omvarld.monitoring.models import Entry, EntryTag

    since = now - dt.timedelta(days=ENTRY_DAYS)
    ids = _entry_ids(since)
    rows = []
    for chunk in _chunks(ids, 900):
        rows += list(
            Entry.objects.filter(id__in=chunk).values_list(
                "id", "title", "url", "text", "language", "published_at", "fetched_at", "source_id", "source__title",
                "source__url", "source__priority", "relevance", "cluster_id", "cluster__size",
            )
        )
    # One story per near-duplicate cluster: its most relevant entry.
    best: dict = {}
    for r in sorted(rows, key=lambda r: -r[11]):
        best.setdefault(("c", r[12]) if r[12] else ("e", r[0]), r)
    rows = list(best.values())
    tags = defaultdict(lambda: ([], []))
    chosen = [r[0] for r in rows]
    for chunk in _chunks(chosen, 900):
        for entry_id, entity_id, theme_id in EntryTag.objects.filter(entry_id__in=chunk, confidence__gte=0.5).values_list("entry_id", "entity_id", "theme_id"):
            if entity_id:
                tags[entry_id][0].append(entity_id)
            else:
                tags[entry_id][1].append(theme_id)
    also = defaultdict(list)
    clusters = {r[12]: r[7] for r in rows if r[12] and (r[13] or 1) > 1}
    for chunk in _chunks(list(clusters), 900):
        for cluster_id, source_id, title, url in Entry.objects.filter(cluster_id__in=chunk).values_list("cluster_id", "source_id", "source__title", "source__url"):
            name = title or url or ""
            if source_id != clusters[cluster_id] and name and name not in also[cluster_id]:
                also[cluster_id].append(name)
    categories = _entity_categories({e for ents, _ in tags.values() for e in ents})
    stories = []
    for (eid, title, url, text, lang, published, fetched, source_id, source_title, source_url, prio, relevance, cluster_id, size) in rows:
        at = min(published or fetched, fetched)
        entity_ids, theme_ids = tags[eid] if eid in tags else ([], [])
        stories.append(Story(
            key=f"entry:{eid}", kind="entry", object_id=eid, title=title, url=url, summary=(text or "")[:SUMMARY_CHARS],
            language=lang, at=at, source_id=source_id, source_name=source_title or source_url or "",
            quality=0.5 * SOURCE_QUALITY.get(prio, 0.5) + 0.5 * min(1.0, max(0.0, relevance)),
            cluster_size=size or 1, also=also.get(cluster_id, [])[:5], entity_ids=tuple(entity_ids), theme_ids=tuple(theme_ids),
            category_ids=tuple(sorted({categories[e] for e in entity_ids if e in categories})),
            terms=tuple(text_terms(title, lang)),
        ))
    return stories


def _entity_categories(entity_ids) -> dict[int, int]:
    from omvarld.core.models import Entity

    return dict(Entity.objects.filter(id__in=entity_ids).values_list("id", "main_category_id"))


def _item_stories(now) -> list[Story]:
    since = now - dt.timedelta(days=settings.NEW_DAYS)
    rows = list(
        Item.objects.alive().filter(status=Item.Status.PUBLISHED, updated_at__gte=since).order_by("-updated_at")
        .values_list("id", "title", "summary", "language", "type", "source_name", "published_at", "updated_at")[:ITEM_LIMIT]
    )
    ids = [r[0] for r in rows]
    entities, categories, themes, keywords = defaultdict(list), defaultdict(set), defaultdict(list), defaultdict(list)
    for chunk in _chunks(ids, 900):
        for item_id, entity_id, category_id in Placement.objects.filter(item_id__in=chunk, entity__deleted_at__isnull=True).values_list("item_id", "entity_id", "entity__main_category_id"):
            entities[item_id].append(entity_id)
            categories[item_id].add(category_id)
        for item_id, theme_id in Item.themes.through.objects.filter(item_id__in=chunk).values_list("item_id", "theme_id"):
            themes[item_id].append(theme_id)
        for item_id, name in Item.keywords.through.objects.filter(item_id__in=chunk).values_list("item_id", "keyword__name"):
            keywords[item_id].append(name)
    stories = []
    for iid, title, summary, lang, type_, source_name, published_at, updated_at in rows:
        terms = text_terms(" ".join([title, *keywords[iid]]), lang)
        stories.append(Story(
            key=f"item:{iid}", kind="item", object_id=iid, title=title, url=f"/items/{iid}/", summary=(summary or "")[:SUMMARY_CHARS],
            language=lang, at=max(published_at or updated_at, updated_at), item_type=type_, is_pick=type_ == Item.Type.NEWS_NOTICE,
            source_name=source_name, quality=1.0, entity_ids=tuple(entities[iid]), theme_ids=tuple(themes[iid]),
            category_ids=tuple(sorted(categories[iid])), terms=tuple(terms),
        ))
    return stories


def _chunks(seq, size):
    seq = list(seq)
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def _popularity(now) -> dict[str, float]:
    since = now - dt.timedelta(days=ENTRY_DAYS)
    weight = {"open": 1.0, "save": 2.0, "more": 1.0}
    counts: dict[str, float] = defaultdict(float)
    rows = Feedback.objects.filter(at__gte=since, action__in=weight).values_list("kind", "object_id", "action").annotate(n=Count("id"))
    for kind, object_id, action, n in rows:
        counts[f"{kind}:{object_id}"] += weight[action] * n
    return counts


def build_pool(*, now=None) -> int:
    """Rebuild the feed pool; returns how many stories it holds."""
    from omvarld.trends.queries import rising_themes

    now = now or timezone.now()
    stories = _item_stories(now) + _entry_stories(now)
    popularity = _popularity(now)
    rising = rising_themes()  # theme id -> 0..1
    rows = []
    for s in stories:
        best = max(((rising[t], t) for t in s.theme_ids if t in rising), default=(0.0, None))
        rows.append(Candidate(
            key=s.key, kind=s.kind, object_id=s.object_id, title=s.title[:500], url=s.url[:2000], summary=s.summary,
            language=s.language[:8], at=s.at, item_type=s.item_type, is_pick=s.is_pick, source_id=s.source_id,
            source_name=s.source_name[:300], quality=s.quality, cluster_size=s.cluster_size, also=s.also,
            entity_ids=list(s.entity_ids), theme_ids=list(s.theme_ids), category_ids=list(s.category_ids), terms=list(s.terms),
            popularity=popularity.get(s.key, 0.0), trend=best[0], trend_theme_id=best[1], built_at=now,
        ))
    with transaction.atomic():
        Candidate.objects.all().delete()
        Candidate.objects.bulk_create(rows, batch_size=500)
    return len(rows)


_FIELDS = ("key", "kind", "object_id", "title", "at", "url", "summary", "language", "item_type", "is_pick", "source_id",
           "source_name", "quality", "cluster_size", "also", "entity_ids", "theme_ids", "category_ids", "terms",
           "popularity", "trend", "trend_theme_id")
_TUPLES = {"entity_ids", "theme_ids", "category_ids", "terms"}
_lock = threading.Lock()
_cache: dict = {}


def pool_version():
    return tuple(Candidate.objects.aggregate(n=Count("id"), at=Max("built_at")).values())


def load_pool() -> Pool:
    stories = []
    for row in Candidate.objects.values_list(*_FIELDS).iterator(chunk_size=2000):
        values = dict(zip(_FIELDS, row, strict=True))
        for name in _TUPLES:
            values[name] = tuple(values[name] or ())
        stories.append(Story(**values))
    return Pool(stories)


def current_pool() -> Pool:
    """The pool as last built, loaded once per build in each process."""
    version = pool_version()
    with _lock:
        if _cache.get("version") != version:
            _cache["pool"], _cache["version"] = load_pool(), version
        return _cache["pool"]


def story_terms_for(kind: str, object_id: int) -> Story | None:
    """A story outside the pool (e.g. an old saved item), with enough to learn from it."""
    if kind == "item":
        item = Item.objects.alive().filter(pk=object_id, status=Item.Status.PUBLISHED).first()
        if item is None:
            return None
        entity_ids = tuple(Placement.objects.filter(item=item).values_list("entity_id", flat=True))
        return Story(key=f"item:{item.pk}", kind="item", object_id=item.pk, title=item.title, at=item.updated_at,
                     url=item.get_absolute_url(), summary=item.summary[:SUMMARY_CHARS], language=item.language,
                     item_type=item.type, entity_ids=entity_ids, theme_ids=tuple(item.themes.values_list("id", flat=True)),
                     terms=tuple(text_terms(item.title, item.language)))
    from omvarld.monitoring.models import Entry, EntryTag

    entry = Entry.objects.exclude(status=Entry.Status.DISCARDED).select_related("source").filter(pk=object_id).first()
    if entry is None:
        return None
    tags = list(EntryTag.objects.filter(entry=entry, confidence__gte=0.5).values_list("entity_id", "theme_id"))
    return Story(key=f"entry:{entry.pk}", kind="entry", object_id=entry.pk, title=entry.title, at=entry.fetched_at,
                 url=entry.url, summary=entry.text[:SUMMARY_CHARS], language=entry.language, source_id=entry.source_id,
                 source_name=str(entry.source) if entry.source else "",
                 entity_ids=tuple(e for e, _ in tags if e), theme_ids=tuple(t for _, t in tags if t),
                 terms=tuple(text_terms(entry.title, entry.language)))

