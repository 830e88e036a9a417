"""The editors' inbox: incoming entries ranked by relevance, one row per story (N4).

Reads go through the monitoring engine's ``queries``; picks and discards through its ``actions``,
so every decision feeds its ranking and theme models.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from omvarld.monitoring import queries as monitoring
from omvarld.monitoring.models import Entry

PAGE = 50
OPEN = (Entry.Status.NEW, Entry.Status.TIP)


@dataclass
class Filters:
    entity: object = None
    theme: object = None
    source: object = None
    language: str = ""
    min_score: float | None = None
    since: dt.date | None = None
    errors: dict = field(default_factory=dict)


@dataclass
class Story:
    entry: Entry
    others: list[Entry]  # the same story from other sources
    reasons: list[str]
    tips: list

    @property
    def entity_tags(self) -> list:
        return _unique([t.entity for t in self.entry.tags.all() if t.entity_id])

    @property
    def theme_tags(self) -> list:
        return _unique([t.theme for t in self.entry.tags.all() if t.theme_id])


def _unique(objects: list) -> list:
    return list({o.pk: o for o in objects}.values())


def picked(limit: int = PAGE) -> list[Story]:
    """Entries an editor picked whose notice is not yet published (nor the entry dropped)."""
    qs = monitoring.ranked_entries(status=Entry.Status.PICKED).select_related("decided_by").prefetch_related("tips__sender").order_by("-decided_at", "-id")
    return _with_clusters(list(qs[:limit]))


def languages() -> list[tuple[str, str]]:
    """The languages of the open entries as (code, name), for the language filter."""
    from django.utils.translation import get_language_info

    out = []
    for code in sorted({c for c in Entry.objects.filter(status__in=OPEN).values_list("language", flat=True) if c}):
        try:
            name = get_language_info(code)["name_translated"]
        except KeyError:
            name = code
        out.append((code, name))
    return out


def stories(f: Filters, limit: int = PAGE) -> list[Story]:
    since = dt.datetime.combine(f.since, dt.time.min, tzinfo=timezone.get_current_timezone()) if f.since else None
    qs = monitoring.ranked_entries(
        status=None, entity=f.entity, theme=f.theme, source=f.source, language=f.language, since=since, one_per_cluster=True
    ).filter(status__in=OPEN).prefetch_related("tips__sender")
    if f.min_score is not None:
        qs = qs.filter(relevance__gte=f.min_score)
    return _with_clusters(list(qs[:limit]))


def _with_clusters(entries: list[Entry]) -> list[Story]:
    cluster_ids = {e.cluster_id for e in entries if e.cluster_id}
    siblings: dict[int, list[Entry]] = {}
    for other in Entry.objects.filter(cluster_id__in=cluster_ids).select_related("source").order_by("-relevance", "id"):
        siblings.setdefault(other.cluster_id, []).append(other)
    return [
        Story(e, [o for o in siblings.get(e.cluster_id, []) if o.pk != e.pk], reasons(e), list(e.tips.all()))
        for e in entries
    ]


def reasons(entry: Entry) -> list[str]:
    """Why the entry ranks where it does: its strongest tags, its source and its age."""
    out = [tag.reason for tag in list(entry.tags.all())[:4]]
    if entry.source is not None:
        out.append(_("Source: %(source)s (priority %(priority)s)") % {"source": entry.source, "priority": entry.source.get_priority_display()})
    if entry.published_at:
        days = (timezone.now() - entry.published_at).days
        out.append(_("Published %(days)s days ago") % {"days": max(days, 0)} if days > 2 else _("Published in the last two days"))
    if not entry.tags.all():
        out.append(_("Names no watched entity or theme"))
    return out


SENTENCE = re.compile(r"(?<=[.!?])\s+")


def extractive_summary(title: str, text: str, *, max_chars: int = 400) -> str:
    """The text's sentences that share most words with the title, in their order, within ``max_chars``."""
    sentences = [s.strip() for s in SENTENCE.split(" ".join(text.split())) if len(s.strip()) > 20]
    if not sentences:
        return text[:max_chars]
    title_words = {w.lower() for w in re.findall(r"\w{4,}", title)}

    def weight(pair):
        n, s = pair
        overlap = len(title_words & {w.lower() for w in re.findall(r"\w{4,}", s)})
        return (overlap + (1.5 if n == 0 else 0), -n)

    chosen, length = [], 0
    for n, s in sorted(enumerate(sentences), key=weight, reverse=True):
        if length + len(s) > max_chars and chosen:
            continue
        chosen.append((n, s[:max_chars]))
        length += len(s) + 1
        if len(chosen) == 2:
            break
    return " ".join(s for _n, s in sorted(chosen))


def suggestions(entry: Entry) -> dict:
    """The entry's entity and theme tags as {"entities": {pk: confidence}, "themes": {...}}."""
    out = {"entities": {}, "themes": {}}
    for tag in entry.tags.all():
        if tag.entity_id:
            out["entities"][tag.entity_id] = max(tag.confidence, out["entities"].get(tag.entity_id, 0))
        elif tag.theme_id:
            out["themes"][tag.theme_id] = max(tag.confidence, out["themes"].get(tag.theme_id, 0))
    return out
