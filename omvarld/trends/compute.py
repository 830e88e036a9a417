"""Finding what is rising in the monitored stream, for the trend radar (MISSION N8).

The stream is read one week at a time, newest first. For every theme, entity and title term
we count, per week, its mentions — at most ``SOURCE_CAP`` per source and week, so one noisy
source cannot make a trend — and which sources carry it. For a window of W weeks the share of
the stream in the last quarter of the window is compared with the share in the weeks before
it and in the window before; a trend needs at least ``MIN_SOURCES`` sources in the recent weeks.

Swedish and English are joined through the vocabulary: themes and entities are counted through
the tagger's tags, which match their names and synonyms in both languages, and a title word that
is one of those names is not counted a second time as a free term.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from omvarld.lib.terms import stem, words

WINDOWS = (4, 12, 52)
WEEKS = max(WINDOWS)
SOURCE_CAP = 3
MIN_SOURCES = 3
MIN_MENTIONS = 5
MIN_GROWTH = 1.5
MIN_Z = 3.0  # recent mentions this many standard deviations above what the earlier share predicts
KEEP = 30  # trends stored per window
EXAMPLES = 3


@dataclass
class Series:
    counts: list = field(default_factory=lambda: [0] * WEEKS)  # index 0 = the latest week
    first_week: dict = field(default_factory=dict)  # source id -> latest week index it carried the key
    examples: list = field(default_factory=list)  # (entry id, source id), latest first, distinct sources


@dataclass
class Rising:
    window: int
    key: str
    score: float
    growth: float
    sources: int
    mentions: int
    is_new: bool


def recent_weeks(window: int) -> int:
    return max(2, window // 4)


def week_starts(now: dt.datetime) -> list[dt.datetime]:
    return [now - dt.timedelta(days=7 * (i + 1)) for i in range(WEEKS)]


class Counter3:
    """Collects the weekly counts; ``add_week`` is called for week 0, 1, 2, ... in turn."""

    def __init__(self, vocabulary_stems: set[str] | None = None):
        self.series: dict[str, Series] = defaultdict(Series)
        self.totals = [0] * WEEKS
        self.surface: dict[str, str] = {}
        self.vocabulary = vocabulary_stems or set()

    def add_week(self, week: int, entries, tags) -> None:
        """``entries``: (id, source id, title, language); ``tags``: (entry id, key, matched words)."""
        source_of = {}
        per: Counter = Counter()
        first_entry: dict = {}
        tags = list(tags)
        tagged_words: dict = defaultdict(set)  # words a tag already counts, not counted again as terms
        for eid, _key, matched in tags:
            tagged_words[eid].update(words(matched))
        for eid, source_id, title, language in entries:
            source_of[eid] = source_id
            self.totals[week] += 1
            seen = set()
            skip = tagged_words.get(eid, ())
            for w in words(title):
                if w in skip:
                    continue
                t = stem(w, language or "en")
                if t in seen or t in self.vocabulary or len(t) < 3:
                    continue
                seen.add(t)
                key = f"term:{t}"
                self.surface.setdefault(key, w)
                per[(key, source_id)] += 1
                first_entry.setdefault((key, source_id), eid)
        for eid, key, _matched in tags:
            source_id = source_of.get(eid)
            if eid not in source_of:
                continue
            per[(key, source_id)] += 1
            first_entry.setdefault((key, source_id), eid)
        for (key, source_id), n in per.items():
            s = self.series[key]
            s.counts[week] += min(n, SOURCE_CAP)
            s.first_week.setdefault(source_id, week)
            if len(s.examples) < EXAMPLES and all(src != source_id for _, src in s.examples):
                s.examples.append((first_entry[(key, source_id)], source_id))

    def rising(self, window: int) -> list[Rising]:
        r = recent_weeks(window)
        end = min(WEEKS, 2 * window)  # the earlier part of the window and the window before it
        recent_total = sum(self.totals[:r]) or 1
        base_total = sum(self.totals[r:end]) or 1
        mean_week = max(1.0, sum(self.totals[:window]) / window)
        smooth = 2.0 / (mean_week * r)  # about two mentions
        out = []
        for key, s in self.series.items():
            recent = sum(s.counts[:r])
            if recent < MIN_MENTIONS:
                continue
            sources = sum(1 for w in s.first_week.values() if w < r)
            if sources < MIN_SOURCES:
                continue
            base = sum(s.counts[r:end])
            growth = (recent / recent_total + smooth) / (base / base_total + smooth)
            expected = max(1.0, base / base_total * recent_total)
            if growth < MIN_GROWTH or (recent - expected) / math.sqrt(expected) < MIN_Z:
                continue
            score = math.log2(growth) * math.log1p(recent) * min(1.0, sources / 5)
            out.append(Rising(window, key, score, growth, sources, recent, base == 0))
        out.sort(key=lambda x: -x.score)
        return out


def _vocabulary() -> tuple[set[str], dict[str, tuple[str, str]]]:
    """Stems of one-word theme and entity names (counted through tags), and labels of both."""
    from omvarld.core.models import Entity, Theme

    stems, labels = set(), {}
    for t in Theme.objects.alive().filter(merged_into__isnull=True):
        labels[f"theme:{t.pk}"] = (t.label_sv, t.label_en)
        for name in [t.label_sv, t.label_en, *t.synonyms()]:
            ws = words(name)
            if len(ws) == 1:
                stems.update({stem(ws[0], "sv"), stem(ws[0], "en")})
    for e in Entity.objects.alive():
        labels[f"entity:{e.pk}"] = (e.name_sv, e.name_en)
        for name in e.all_names():
            ws = words(name)
            if len(ws) == 1:
                stems.update({stem(ws[0], "sv"), stem(ws[0], "en")})
    return stems, labels


def collect(now: dt.datetime) -> tuple[Counter3, dict]:
    from omvarld.monitoring.models import Entry, EntryTag

    vocabulary, labels = _vocabulary()
    counter = Counter3(vocabulary)
    for week, start in enumerate(week_starts(now)):
        end = start + dt.timedelta(days=7)
        live = Entry.objects.filter(fetched_at__gte=start, fetched_at__lt=end).exclude(status=Entry.Status.DISCARDED)
        entries = list(live.values_list("id", "source_id", "title", "language").iterator(chunk_size=5000))
        # Tags through the week's entry ids (indexed), not a join from the tag table, which the
        # planner may drive from the wrong side and which then reads the whole table every week.
        tags = []
        ids = [e[0] for e in entries]
        for i in range(0, len(ids), 900):
            rows = EntryTag.objects.filter(entry_id__in=ids[i:i + 900], confidence__gte=0.5).values_list("entry_id", "entity_id", "theme_id", "matched")
            tags.extend((eid, f"entity:{ent}" if ent else f"theme:{th}", matched) for eid, ent, th, matched in rows)
        counter.add_week(week, entries, tags)
    return counter, labels


def compute_trends(*, now=None) -> int:
    """Recompute the radar's table; returns how many trends it holds."""
    from omvarld.monitoring.models import Entry
    from omvarld.trends.models import Trend

    now = now or timezone.now()
    counter, labels = collect(now)
    starts = week_starts(now)
    rows = []
    example_ids = set()
    ranked = {w: counter.rising(w)[:KEEP] for w in WINDOWS}
    for found in ranked.values():
        for r in found:
            example_ids.update(eid for eid, _ in counter.series[r.key].examples)
    examples = {
        e[0]: e for e in Entry.objects.filter(id__in=example_ids).values_list("id", "title", "url", "source__title", "source__url")
    }
    for window, found in ranked.items():
        for rank, r in enumerate(found, start=1):
            s = counter.series[r.key]
            sv, en = labels.get(r.key) or (counter.surface.get(r.key, r.key.partition(":")[2]),) * 2
            series = [
                [starts[i].date().isoformat(), s.counts[i], round(1000 * s.counts[i] / counter.totals[i], 2) if counter.totals[i] else 0.0]
                for i in reversed(range(window))
            ]
            rows.append(Trend(
                window=window, rank=rank, kind=r.key.partition(":")[0], key=r.key.partition(":")[2], label_sv=sv[:200], label_en=en[:200],
                score=r.score, growth=r.growth, sources=r.sources, mentions=r.mentions, is_new=r.is_new, series=series,
                examples=[[eid, *examples[eid][1:3], examples[eid][3] or examples[eid][4] or ""] for eid, _ in s.examples if eid in examples],
                computed_at=now,
            ))
    with transaction.atomic():
        Trend.objects.all().delete()
        Trend.objects.bulk_create(rows)
    return len(rows)


def build_weekly_rising(*, now=None, force: bool = False):
    """On Mondays (or when forced), keep the week's top rising trends as a summary for the editors."""
    from omvarld.trends.models import Trend, WeeklyRising

    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.weekday() != 0 and not force:
        return None
    week_start = (local - dt.timedelta(days=local.weekday())).date()
    lines = [
        {"kind": t.kind, "key": t.key, "label_sv": t.label_sv, "label_en": t.label_en, "growth": round(t.growth, 2),
         "sources": t.sources, "mentions": t.mentions, "examples": t.examples[:2]}
        for t in Trend.objects.filter(window=4).order_by("rank")[:10]
    ]
    summary, _ = WeeklyRising.objects.update_or_create(week_start=week_start, defaults={"lines": lines, "created_at": now})
    return summary
