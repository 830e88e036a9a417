"""Reads that several pages (and the editors' inbox) share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from omvarld.monitoring.models import Entry, EntryTag, FetchLog, Source


def ranked_entries(*, status: str | None = Entry.Status.NEW, entity=None, theme=None, source=None, language: str = "",
                   since: dt.datetime | None = None, q: str = "", one_per_cluster: bool = False) -> QuerySet[Entry]:
    """Entries best first (relevance, then newest), with their tags and source loaded.

    Filters are optional; ``one_per_cluster`` keeps only the best entry of each near-duplicate
    cluster (entries without a cluster are all kept).
    """
    qs = Entry.objects.select_related("source", "cluster").prefetch_related(
        Prefetch("tags", queryset=EntryTag.objects.select_related("entity", "theme").order_by("-confidence"))
    )
    if status:
        qs = qs.filter(status=status)
    if entity is not None:
        qs = qs.filter(tags__entity=entity)
    if theme is not None:
        qs = qs.filter(tags__theme=theme)
    if source is not None:
        qs = qs.filter(source=source)
    if language:
        qs = qs.filter(language=language)
    if since is not None:
        qs = qs.filter(fetched_at__gte=since)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(text__icontains=q))
    qs = qs.distinct().order_by("-relevance", "-fetched_at", "-id")
    if one_per_cluster:
        best = {}
        for pk, cluster_id in qs.values_list("pk", "cluster_id"):
            if cluster_id is None:
                best[("e", pk)] = pk
            else:
                best.setdefault(("c", cluster_id), pk)
        qs = qs.filter(pk__in=best.values())
    return qs


@dataclass
class SourceHealth:
    source: Source
    last_log: FetchLog | None
    entries_per_day: float
    fetches: list[FetchLog]


def source_list() -> list[Source]:
    week = timezone.now() - dt.timedelta(days=7)
    return list(
        Source.objects.annotate(recent=Count("entries", filter=Q(entries__fetched_at__gte=week)))
        .prefetch_related("entities").order_by("paused", "-error_count", "priority", "title")
    )


def entries_per_day(source: Source, *, days: int = 7) -> float:
    since = timezone.now() - dt.timedelta(days=days)
    return round(source.entries.filter(fetched_at__gte=since).count() / days, 1)


def source_health(source: Source) -> SourceHealth:
    fetches = list(source.fetches.all()[:20])
    return SourceHealth(source=source, last_log=fetches[0] if fetches else None, entries_per_day=entries_per_day(source), fetches=fetches)
