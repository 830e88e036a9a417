"""The processing pipeline: from a kind's candidates to stored, deduplicated, tagged entries.

1. ``prepare`` cleans one candidate: sanitised summary HTML, plain text, canonical link,
   language, exact and near-duplicate fingerprints, entity and theme tags with reasons, score.
2. ``drop_known`` removes what we already have: the same guid from this source, the same
   canonical link or the same content from any source — discarded entries included, so a
   discarded story never comes back (they are the tombstones).
3. ``enrich`` (optional) replaces a teaser by the article's full text (trafilatura) and tags again.
4. ``store`` writes the entries, their tags and their near-duplicate clusters.

``prepare`` needs no database beyond the ``Context`` it is given, so ``omvarld inspect`` runs
the same code without storing anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from omvarld.monitoring import text as T
from omvarld.lib.xmltext import clean_xml_text
from omvarld.monitoring.sources.base import Candidate
from omvarld.monitoring.tagging import EntityMatcher, Tag, ThemeMatcher, default_theme_terms

NEAR_DUPLICATE_BITS = 4
NEAR_DUPLICATE_DAYS = 30
MIN_WORDS_FOR_CLUSTERING = 8
TEASER_CHARS = 500

ENTITY_PRIORITY_WEIGHT = {1: 1.0, 2: 0.75, 3: 0.55}
SOURCE_PRIORITY_WEIGHT = {1: 1.0, 2: 0.85, 3: 0.7}


@dataclass
class Prepared:
    guid: str
    url: str
    title: str
    summary_html: str
    text: str
    language: str
    published: dt.datetime | None
    content_hash: str
    simhash: int  # unsigned 64-bit
    tags: list[Tag] = field(default_factory=list)
    relevance: float = 0.0
    full_text: bool = False
    link_is_identity: bool = True
    cluster_with: list[int] = field(default_factory=list)  # ids of stored near-duplicates (inspect)

    @property
    def word_count(self) -> int:
        return len(self.text.split())


class Context:
    """What tagging and scoring need, loaded once and reused while the vocabulary is unchanged."""

    _cached: tuple | None = None

    def __init__(self, entities, themes, *, theme_terms=None, entity_priority=None, models=None, labels=None,
                 theme_model=None, theme_slugs=None):
        self.entities = EntityMatcher(entities)
        self.themes = ThemeMatcher(themes, theme_terms)
        self.theme_model = theme_model  # theme_model.ThemeModel or None
        self.theme_slugs = theme_slugs or {}  # theme id -> slug, for the theme model
        self.entity_priority = entity_priority or {}
        self.models = models  # learning.Models (its relevance model) or None
        self.labels = labels or {}  # ("entity"|"theme", id) -> display name

    @classmethod
    def load(cls) -> Context:
        from omvarld.core.models import Entity, Theme
        from omvarld.monitoring import learning, theme_model
        from omvarld.monitoring.models import TrainedModel

        version = (
            Entity.objects.alive().aggregate(m=Max("updated_at"))["m"], Entity.objects.alive().count(),
            Theme.objects.alive().aggregate(m=Max("updated_at"))["m"], Theme.objects.alive().count(),
            TrainedModel.objects.aggregate(m=Max("id"))["m"],
        )
        if cls._cached and cls._cached[0] == version:
            return cls._cached[1]
        entities = list(Entity.objects.alive().select_related("main_category"))
        themes = [t for t in Theme.objects.alive() if t.merged_into_id is None]
        models = learning.load_models()
        ctx = cls(
            [(e.pk, [e.name_sv, e.name_en], e.alias_list(), e.main_category.slug == "cities") for e in entities],
            [(t.pk, [t.label_sv, *_lines(t.synonyms_sv)], [t.label_en, *_lines(t.synonyms_en)]) for t in themes],
            theme_terms=default_theme_terms({t.slug: t.pk for t in themes}),
            entity_priority={e.pk: (e.priority if e.is_watched else 3) for e in entities},
            models=models,
            labels={**{("entity", e.pk): e.name for e in entities}, **{("theme", t.pk): t.label for t in themes}},
            theme_model=(models and models.themes) or theme_model.seed_model(), theme_slugs={t.pk: t.slug for t in themes},
        )
        cls._cached = (version, ctx)
        return ctx


def _lines(value: str) -> list[str]:
    return [v.strip() for v in value.splitlines() if v.strip()]


# --- 1. prepare ------------------------------------------------------------------------------------

def prepare(candidate: Candidate, ctx: Context, *, source_entities=(), source_priority: int = 2,
            now: dt.datetime | None = None) -> Prepared:
    now = now or timezone.now()
    item = _prepare_text(candidate, now)
    tag(item, ctx, source_entities=source_entities)
    item.relevance = score(item, ctx, source_priority=source_priority, now=now)
    return item


def _prepare_text(candidate: Candidate, now: dt.datetime) -> Prepared:
    """Sanitised text, language, hashes: everything of an entry but its tags and relevance."""
    summary_html = T.sanitise_html(candidate.html)
    text = candidate.text or T.html_to_text(summary_html)
    title = T.clean_title(candidate.title) or text[:120] or candidate.link
    url = T.canonical_url(candidate.link)
    published = candidate.published
    if published and published > now + dt.timedelta(days=1):
        published = None  # a date in the future is a feed error, not a promise
    guid = (candidate.guid or url or "")[:500] or "sha256:" + hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    item = Prepared(
        guid=guid, url=url, title=title[:500], summary_html=summary_html, text=text,
        language=T.detect_language(f"{title}. {text}"), published=published,
        content_hash=T.content_hash(title, text), simhash=T.simhash(f"{title} {text}"),
        link_is_identity=candidate.link_is_identity,
    )
    return item


def prepare_many(candidates, ctx: Context, *, source_entities=(), source_priority: int = 2,
                 now: dt.datetime | None = None) -> list[Prepared]:
    """``prepare`` for a fetch's entries, with the theme model scoring all of them in one batch.

    Tags are the same as ``prepare`` gives one by one: the model's probabilities are decided on
    by the same rule (``find_themes``); they are only computed together, and for every entry.
    """
    now = now or timezone.now()
    items = [_prepare_text(c, now) for c in candidates]
    bodies = [f"{item.title}\n{item.text}" for item in items]
    model = ctx.theme_model
    scored = model.probabilities(bodies) if model is not None and bodies else [None] * len(items)
    for item, body, probabilities in zip(items, bodies, scored, strict=True):
        tag(item, ctx, source_entities=source_entities, probabilities=probabilities, body=body)
        item.relevance = score(item, ctx, source_priority=source_priority, now=now)
    return items


def tag(item: Prepared, ctx: Context, *, source_entities=(), probabilities=None, body: str | None = None) -> None:
    body = body or f"{item.title}\n{item.text}"
    tags = ctx.entities.find(body)
    named = {t.target_id for t in tags}
    tags += [Tag("entity", eid, "source", "", 0.9) for eid in source_entities if eid not in named]
    item.tags = tags + find_themes(ctx, body, item.language, probabilities=probabilities)


def find_themes(ctx: Context, body: str, language: str, *, probabilities: dict | None = None) -> list[Tag]:
    """Themes by the rules, and those the theme model adds (``theme_model.decide``)."""
    from omvarld.monitoring import theme_model
    from omvarld.monitoring.tagging import THEME_THRESHOLD, theme_confidence

    evidence = ctx.themes.evidence(body, language)
    model = ctx.theme_model
    # The seed model only confirms weak evidence, so it runs for the one entry in ten that has
    # some; once editors have taught it, it also suggests, and runs for every entry. Suggesting
    # from the seed model too would add about 0.03 to theme F1 but cost a tenth of ingest speed.
    suggest = model is not None and model.decisions > 0
    if model is None or not suggest and not any(theme_model.WEAK_EVIDENCE <= total < THEME_THRESHOLD for total, _t in evidence.values()):
        return [Tag("theme", theme_id, "synonym", ", ".join(terms[:5]), theme_confidence(total))
                for theme_id, (total, terms) in evidence.items() if total >= THEME_THRESHOLD]
    if probabilities is None:
        probabilities = model.probabilities([body])[0]
    return [Tag("theme", theme_id, method, ", ".join(terms[:5]), confidence)
            for theme_id, method, confidence, terms in theme_model.decide(evidence, probabilities, ctx.theme_slugs, suggest=suggest)]


def score(item: Prepared, ctx: Context, *, source_priority: int, now: dt.datetime) -> float:
    """Relevance in [0, 1]: who it is about, what it is about, how fresh, and what editors pick."""
    entity = max((ENTITY_PRIORITY_WEIGHT.get(ctx.entity_priority.get(t.target_id, 2), 0.55) * t.confidence
                  for t in item.tags if t.kind == "entity"), default=0.0)
    theme = max((t.confidence for t in item.tags if t.kind == "theme"), default=0.0)
    age_days = max(0.0, (now - item.published).total_seconds() / 86400) if item.published else 1.0
    freshness = 1.0 if age_days <= 2 else max(0.4, 1.0 - (age_days - 2) / 60)
    base = 0.55 * entity + 0.3 * theme + 0.15
    if ctx.models is not None:
        pick = ctx.models.pick_probability(f"{item.title}\n{item.text}")
        if pick is not None:
            base = 0.6 * base + 0.4 * pick
    return round(min(1.0, base * freshness * SOURCE_PRIORITY_WEIGHT.get(source_priority, 0.85)), 4)


# --- 2. drop what we know --------------------------------------------------------------------------

def drop_known(source, items: list[Prepared]) -> list[Prepared]:
    """The items that are new: not seen from this source, and not the same story stored already."""
    from omvarld.monitoring.models import Entry

    if not items:
        return []
    guids = {i.guid for i in items}
    hashes = {i.content_hash for i in items}
    urls = {i.url for i in items if i.url and i.link_is_identity}
    known_guids = set(Entry.objects.filter(source=source, guid__in=guids).values_list("guid", flat=True)) if source else set()
    known_hashes = set(Entry.objects.filter(content_hash__in=hashes).values_list("content_hash", flat=True))
    known_urls = set(Entry.objects.filter(url__in=urls).values_list("url", flat=True)) if urls else set()
    fresh, batch_hashes, batch_urls, batch_guids = [], set(), set(), set()
    for i in items:
        if i.guid in known_guids or i.guid in batch_guids:
            continue
        if i.content_hash in known_hashes or i.content_hash in batch_hashes:
            continue
        if i.url and i.link_is_identity and (i.url in known_urls or i.url in batch_urls):
            continue
        batch_guids.add(i.guid)
        batch_hashes.add(i.content_hash)
        if i.url and i.link_is_identity:
            batch_urls.add(i.url)
        fresh.append(i)
    return fresh


# --- 3. enrich -------------------------------------------------------------------------------------

def needs_full_text(item: Prepared) -> bool:
    return bool(item.url) and len(item.text) < TEASER_CHARS


def enrich(item: Prepared, html: str, ctx: Context, *, source_entities=(), source_priority=2, now=None) -> None:
    """Replace a teaser by the article's main text, then tag and score again."""
    from omvarld.monitoring.sources.webpage.adapter import extract_main_text

    text = extract_main_text(html, url=item.url)
    if len(text) > len(item.text):
        item.text = text
        item.full_text = True
        item.language = T.detect_language(f"{item.title}. {text}") or item.language
        tag(item, ctx, source_entities=source_entities)
        item.relevance = score(item, ctx, source_priority=source_priority, now=now or timezone.now())


# --- 4. store --------------------------------------------------------------------------------------

def near_duplicates(items: list[Prepared], *, now=None, exclude_source=None) -> dict[int, list[tuple[int, int | None]]]:
    """For each item (by position), the stored (entry id, cluster id) within ``NEAR_DUPLICATE_BITS``."""
    from omvarld.monitoring.models import Entry

    usable = [(n, i) for n, i in enumerate(items) if i.word_count >= MIN_WORDS_FOR_CLUSTERING]
    if not usable:
        return {}
    since = (now or timezone.now()) - dt.timedelta(days=NEAR_DUPLICATE_DAYS)
    band_values = [set() for _b in T.BAND_BITS]
    for _n, i in usable:
        for b, v in enumerate(T.bands(i.simhash)):
            band_values[b].add(v)
    query = Q()
    for b, values in enumerate(band_values):
        query |= Q(**{f"band{b}__in": values})
    stored = list(Entry.objects.filter(query, fetched_at__gte=since).values_list("id", "simhash", "cluster_id"))
    out: dict[int, list[tuple[int, int | None]]] = {}
    if not stored:
        return out
    hashes = np.array([T.to_unsigned64(sh) for _e, sh, _c in stored], dtype=np.uint64)
    for n, i in usable:
        close = np.flatnonzero(np.bitwise_count(hashes ^ np.uint64(i.simhash)) <= NEAR_DUPLICATE_BITS)
        if len(close):
            out[n] = [(stored[k][0], stored[k][2]) for k in close]
    return out


def store(source, items: list[Prepared], *, now=None) -> int:
    """Write new entries with their tags and clusters; the number written."""
    from omvarld.monitoring.models import Cluster, Entry, EntryTag

    if not items:
        return 0
    now = now or timezone.now()
    near = near_duplicates(items, now=now)
    with transaction.atomic():
        rows = []
        for i in items:
            sh = i.simhash
            b0, b1, b2, b3, b4 = T.bands(sh)
            rows.append(Entry(
                source=source, guid=i.guid, url=i.url, title=clean_xml_text(i.title),
                summary_html=clean_xml_text(i.summary_html), text=clean_xml_text(i.text),
                full_text=i.full_text, language=i.language, published_at=i.published, fetched_at=now,
                content_hash=i.content_hash, simhash=T.to_signed64(sh), band0=b0, band1=b1, band2=b2, band3=b3, band4=b4,
                relevance=i.relevance,
            ))
        try:
            with transaction.atomic():
                Entry.objects.bulk_create(rows)
        except IntegrityError:
            # Another worker stored some of them a moment ago: keep the rest, one by one.
            rows = _create_one_by_one(rows)
        if rows and rows[0].pk is None:  # backends that do not return ids from bulk_create
            ids = dict(Entry.objects.filter(source=source, guid__in=[r.guid for r in rows]).values_list("guid", "id"))
            for r in rows:
                r.pk = r.id = ids.get(r.guid)
        by_guid = {r.guid: r for r in rows if r.pk}
        tags = []
        for n, i in enumerate(items):
            entry = by_guid.get(i.guid)
            if entry is None:
                continue
            for t in i.tags:
                tags.append((entry.pk, t.target_id if t.kind == "entity" else None, t.target_id if t.kind == "theme" else None,
                             t.confidence, t.method, t.matched[:200]))
            if n in near:
                _join_cluster(entry, near[n], Cluster, Entry)
        _insert_tags(tags, EntryTag)
    return len(by_guid)


def _insert_tags(rows, EntryTag) -> None:
    """Tags are many small rows of plain values: one prepared INSERT run over all of them.

    (``bulk_create`` builds a model instance and compiles every value of every row; for tags,
    three to five per entry, that was a third of the pipeline's time.)
    """
    if not rows:
        return
    from django.db import connection

    meta = EntryTag._meta
    columns = [meta.get_field(f).column for f in ("entry", "entity", "theme", "confidence", "method", "matched")]
    table = connection.ops.quote_name(meta.db_table)
    sql = (f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _create_one_by_one(rows):

    kept = []
    for row in rows:
        try:
            with transaction.atomic():
                row.save(force_insert=True)
            kept.append(row)
        except IntegrityError:
            continue
    return kept


def _join_cluster(entry, matches, Cluster, Entry) -> None:
    cluster_id = next((c for _e, c in matches if c), None)
    if cluster_id is None:
        cluster = Cluster.objects.create(title=entry.title[:500], size=1)
        Entry.objects.filter(pk__in=[e for e, _c in matches]).update(cluster=cluster)
        cluster_id = cluster.pk
        size = len(matches) + 1
    else:
        size = Entry.objects.filter(cluster_id=cluster_id).count() + 1
    Entry.objects.filter(pk=entry.pk).update(cluster_id=cluster_id)
    entry.cluster_id = cluster_id
    Cluster.objects.filter(pk=cluster_id).update(size=size)
