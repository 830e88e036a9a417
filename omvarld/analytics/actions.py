"""Analytics writes: recording events, outbound clicks and the daily rollup (MISSION M10).

Every event goes through ``recording.record``; nothing here stores who did something.
"""

import logging
from collections import defaultdict
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from omvarld.analytics import privacy, recording
from omvarld.analytics.models import SOURCE_KINDS, VIEW_KINDS, DailyCount, DailySalt, DailyTotal, Hit, Kind, MonthlyCount

log = logging.getLogger(__name__)

EVENT_KINDS = {Kind.FOLLOW, Kind.UNFOLLOW, Kind.SUBSCRIBE, Kind.UNSUBSCRIBE}


def target_key(obj) -> str:
    """"entity:12", "theme:3", "category:1", "item:7", or "everything" for None."""
    if obj is None:
        return "everything"
    from omvarld.core.models import Entity, Item, MainCategory, Theme

    for model, prefix in ((Entity, "entity"), (Theme, "theme"), (MainCategory, "category"), (Item, "item")):
        if isinstance(obj, model):
            return f"{prefix}:{obj.pk}"
    raise ValueError(f"analytics cannot count events about {type(obj).__name__}")


def record_event(kind: str, obj) -> None:
    """Count a follow, unfollow, subscription or unsubscription of an entity, theme, main
    category (or None: everything). Only the kind, the object and the day are stored.

    For other apps: ``from omvarld.analytics.actions import record_event``;
    ``record_event("follow", entity)``. Never raises for a valid kind; failures are logged.
    """
    record_key_event(kind, target_key(obj))


def record_key_event(kind: str, key: str) -> None:
    """``record_event`` for a target already given as its key ("entity:12", "everything")."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown analytics event {kind!r}; use one of {sorted(EVENT_KINDS)}")
    try:
        recording.record(recording.Event(timezone.localdate(), kind, target=key[:140]))
    except Exception:
        log.exception("counting a %s event failed", kind)


def record_outbound(request, *, target: str, host: str) -> None:
    """Count a click from ``target`` ("item:7", "entity:3") to a site, unless the visitor opted out."""
    try:
        if not privacy.countable(request):
            return
        day = privacy.today()
        recording.record(recording.Event(day, Kind.OUT, target=target, detail=host[:200], visitor=privacy.visitor_hash(request, day)))
    except Exception:
        log.exception("counting an outbound click failed")


# -- the rollup ------------------------------------------------------------------------------

def rollup(*, today: date | None = None) -> int:
    """Fold raw events into per-day aggregates; delete raw events and salts of finished days.

    Today's aggregates are recomputed from today's raw events on every run (they stay until the
    day ends, since unique visitors need the day's hashes). A finished day is folded in one last
    time, marked closed, and its raw events and salt are deleted. Returns the days rolled up.
    """
    today = today or timezone.localdate()
    recording.buffer.flush()
    days = sorted(set(Hit.objects.values_list("day", flat=True).distinct()))
    closed = set(DailyTotal.objects.filter(kind=Kind.CLOSED, day__in=days).values_list("day", flat=True))
    months = set()
    for day in days:
        if day in closed:
            late = Hit.objects.filter(day=day).delete()[0]
            log.info("dropped %d analytics events that arrived after their day was closed", late)
            continue
        with transaction.atomic():
            _fold_day(day)
            if day < today:
                DailyTotal.objects.create(day=day, kind=Kind.CLOSED)
                Hit.objects.filter(day=day).delete()
        months.add(day.replace(day=1))
    # Inbox figures come from the monitoring app's own rows; yesterday again for entries
    # decided just before midnight.
    for day in (today - timedelta(days=1), today):
        fold_sources(day)
        months.add(day.replace(day=1))
    for month in sorted(months):
        with transaction.atomic():
            fold_month(month)
    DailySalt.objects.filter(day__lt=today).delete()
    return len(days)


def fold_sources(day: date) -> None:
    """Per source: entries that arrived in the inbox on ``day``, and entries picked or discarded."""
    from datetime import datetime, time

    from django.db.models import Q

    from omvarld.monitoring.models import Entry

    tz = timezone.get_current_timezone()
    start, end = datetime.combine(day, time.min, tz), datetime.combine(day + timedelta(days=1), time.min, tz)
    entries = Entry.objects.filter(source__isnull=False)
    rows = []
    for r in entries.filter(fetched_at__gte=start, fetched_at__lt=end).values("source").annotate(n=Count("id")):
        rows.append(DailyCount(day=day, kind=Kind.SOURCE_NEW, target=f"source:{r['source']}", count=r["n"]))
    decided = entries.filter(decided_at__gte=start, decided_at__lt=end).values("source").annotate(
        picked=Count("id", filter=Q(status=Entry.Status.PICKED)), discarded=Count("id", filter=Q(status=Entry.Status.DISCARDED))
    )
    for r in decided:
        for kind, n in ((Kind.SOURCE_PICKED, r["picked"]), (Kind.SOURCE_DISCARDED, r["discarded"])):
            if n:
                rows.append(DailyCount(day=day, kind=kind, target=f"source:{r['source']}", count=n))
    with transaction.atomic():
        DailyCount.objects.filter(day=day, kind__in=SOURCE_KINDS).delete()
        DailyCount.objects.bulk_create(rows)


def backfill_sources(since: date, *, today: date | None = None) -> int:
    """Inbox figures per source for every day from ``since`` (after installing, or a repair)."""
    today = today or timezone.localdate()
    day, months = since, set()
    while day <= today:
        fold_sources(day)
        months.add(day.replace(day=1))
        day += timedelta(days=1)
    for month in sorted(months):
        with transaction.atomic():
            fold_month(month)
    return len(months)


def _fold_day(day: date) -> None:
    hits = Hit.objects.filter(day=day)
    groups = hits.values("kind", "target", "detail").annotate(n=Count("id"), v=Count("visitor", distinct=True))
    empty = hits.filter(kind=Kind.SEARCH, results=0).values("detail").annotate(n=Count("id"), v=Count("visitor", distinct=True))
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    names = _resolver(groups)
    for g in groups:
        kind, target = g["kind"], g["target"]
        if kind in VIEW_KINDS:
            resolved = names.get(target)
            if resolved is None:
                continue  # deleted or renamed since
            kind, target = resolved
        _add(counts, (kind, target, g["detail"]), g["n"], g["v"])
    for g in empty:
        _add(counts, (Kind.SEARCH_EMPTY, "", g["detail"]), g["n"], g["v"])
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (kind, _target, _detail), (n, _v) in counts.items():
        totals[kind][0] += n
    for row in hits.exclude(visitor="").values("kind").annotate(v=Count("visitor", distinct=True)):
        if row["kind"] in totals and row["kind"] != Kind.VIEW_ITEM:
            totals[row["kind"]][1] = row["v"]
    page_kinds = [*VIEW_KINDS, Kind.SEARCH]
    totals[Kind.VISITS] = [
        sum(totals[k][0] for k in page_kinds if k in totals),
        hits.filter(kind__in=page_kinds).exclude(visitor="").values("visitor").distinct().count(),
    ]
    DailyCount.objects.filter(day=day).exclude(kind__in=SOURCE_KINDS).delete()
    DailyTotal.objects.filter(day=day).delete()
    DailyCount.objects.bulk_create(
        [DailyCount(day=day, kind=k, target=t, detail=d, count=n, visitors=v) for (k, t, d), (n, v) in counts.items()],
        batch_size=1000,
    )
    DailyTotal.objects.bulk_create([DailyTotal(day=day, kind=k, count=n, visitors=v) for k, (n, v) in totals.items() if n])


def _add(counts, key, n, v):
    counts[key][0] += n
    counts[key][1] += v


def _resolver(groups) -> dict[str, tuple[str, str]]:
    """Raw view targets ("entity:<slug>", "item:<id>") -> (kind, "entity:<id>"); news notices
    get their own kind."""
    from omvarld.core.models import Entity, Item, MainCategory, Theme

    wanted: dict[str, set[str]] = defaultdict(set)
    for g in groups:
        if g["kind"] in VIEW_KINDS and ":" in g["target"]:
            prefix, _, key = g["target"].partition(":")
            wanted[prefix].add(key)
    names: dict[str, tuple[str, str]] = {}
    for prefix, model, kind in (
        ("entity", Entity, Kind.VIEW_ENTITY), ("theme", Theme, Kind.VIEW_THEME), ("category", MainCategory, Kind.VIEW_CATEGORY),
    ):
        for pk, slug in model.objects.filter(slug__in=wanted.get(prefix, ())).values_list("pk", "slug"):
            names[f"{prefix}:{slug}"] = (kind, f"{prefix}:{pk}")
    ids = [int(k) for k in wanted.get("item", ()) if k.isdigit()]
    for pk, type_ in Item.objects.filter(pk__in=ids).values_list("pk", "type"):
        if type_ == Item.Type.NEWS_NOTICE:
            names[f"item:{pk}"] = (Kind.VIEW_NOTICE, f"notice:{pk}")
        else:
            names[f"item:{pk}"] = (Kind.VIEW_ITEM, f"item:{pk}")
    return names


def fold_month(day: date) -> None:
    """Rebuild the MonthlyCount rows of the month ``day`` falls in from its DailyCount rows."""
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    MonthlyCount.objects.filter(month=first).delete()
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(MonthlyCount._meta.db_table)} (month, kind, target, detail, {q('count')}, visitors) "
            f"SELECT %s, kind, target, detail, SUM({q('count')}), SUM(visitors) FROM {q(DailyCount._meta.db_table)} "
            "WHERE day >= %s AND day <= %s GROUP BY kind, target, detail",
            [first, first, last],
        )


def rebuild_months() -> int:
    """Rebuild every month's sums (after importing or repairing daily figures)."""
    months = {d.replace(day=1) for d in DailyCount.objects.values_list("day", flat=True).distinct()}
    for month in sorted(months):
        with transaction.atomic():
            fold_month(month)
    return len(months)
