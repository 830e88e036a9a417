"""Analytics reads: the dashboard's tables, the "read last 30 days" figure, the week's most read
items, and which outbound destinations the content holds (MISSION M10)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from omvarld.analytics.models import VIEW_KINDS, DailyCount, DailyTotal, Kind, MonthlyCount

TOP = 10


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> "Period":
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @property
    def monthly(self) -> bool:
        return self.days > 62


@dataclass
class Table:
    """One dashboard table; ``chart`` says how the browser draws it ("line", "bar" or "")."""

    slug: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)  # per row, for the first cell
    run_links: list[str | None] = field(default_factory=list)  # per row: run this search
    chart: str = ""
    series: list[int] = field(default_factory=lambda: [1])  # columns drawn

    def chart_data(self) -> dict:
        return {
            "type": self.chart,
            "title": self.title,
            "labels": [str(r[0]) for r in self.rows],
            "datasets": [{"label": self.columns[i], "data": [r[i] for r in self.rows]} for i in self.series],
        }


# -- labels for stored keys ------------------------------------------------------------------

def describe_targets(keys) -> dict[str, tuple[str, str | None]]:
    """"entity:12" -> (name, page address) for every key; unknown objects keep their key."""
    from omvarld.core.models import Entity, Item, MainCategory, Theme

    by_prefix: dict[str, set[int]] = {}
    for key in keys:
        prefix, _sep, pk = key.partition(":")
        if pk.isdigit():
            by_prefix.setdefault(prefix, set()).add(int(pk))
    out: dict[str, tuple[str, str | None]] = {"everything": (_("Everything on the map"), None)}
    models = {"entity": Entity, "theme": Theme, "category": MainCategory, "item": Item, "notice": Item}
    for prefix, pks in by_prefix.items():
        model = models.get(prefix)
        if model is None:
            continue
        for obj in model.objects.filter(pk__in=pks):
            out[f"{prefix}:{obj.pk}"] = (str(obj), obj.get_absolute_url())
    return out


# -- the dashboard ---------------------------------------------------------------------------

def _totals(period: Period) -> dict[str, tuple[int, int]]:
    rows = DailyTotal.objects.filter(day__range=(period.start, period.end)).values("kind").annotate(n=Sum("count"), v=Sum("visitors"))
    return {r["kind"]: (r["n"] or 0, r["v"] or 0) for r in rows}


def _change(now: int, before: int) -> str:
    if before == 0:
        return "–" if now == 0 else "+∞"
    return f"{(now - before) * 100 / before:+.0f} %"


def summary_table(period: Period) -> Table:
    now, before = _totals(period), _totals(period.previous)
    table = Table("summary", _("Summary"), [_("Measure"), _("This period"), _("Period before"), _("Change")])
    measures = [(Kind(k).label, k, 0) for k in VIEW_KINDS]
    measures = [(_("Page views"), Kind.VISITS, 0), (_("Unique visitors (estimated, summed per day)"), Kind.VISITS, 1), *measures]
    for k in (Kind.OUT, Kind.SEARCH, Kind.SEARCH_EMPTY, Kind.FOLLOW, Kind.UNFOLLOW, Kind.SUBSCRIBE, Kind.UNSUBSCRIBE):
        measures.append((Kind(k).label, k, 0))
    for label, kind, i in measures:
        a, b = now.get(kind, (0, 0))[i], before.get(kind, (0, 0))[i]
        table.rows.append([str(label), a, b, _change(a, b)])
        table.links.append(None)
    return table


def over_time_table(period: Period) -> Table:
    kinds = [Kind.VISITS, Kind.OUT, Kind.SEARCH]
    rows = DailyTotal.objects.filter(day__range=(period.start, period.end), kind__in=kinds).values_list("day", "kind", "count", "visitors")
    buckets: dict[str, list[int]] = {}
    for bucket in _buckets(period):
        buckets[bucket] = [0, 0, 0, 0]
    for day, kind, n, v in rows:
        b = buckets[_bucket(day, period)]
        if kind == Kind.VISITS:
            b[0] += n
            b[1] += v
        elif kind == Kind.OUT:
            b[2] += n
        else:
            b[3] += n
    title = _("Over time, per month") if period.monthly else _("Over time, per day")
    table = Table(
        "over-time", title,
        [_("Month") if period.monthly else _("Day"), _("Page views"), _("Unique visitors (estimated)"), _("Outbound clicks"), _("Searches")],
        chart="line", series=[1, 2, 3, 4],
    )
    for bucket, values in buckets.items():
        table.rows.append([bucket, *values])
        table.links.append(None)
    return table


def _bucket(day: date, period: Period) -> str:
    return day.strftime("%Y-%m") if period.monthly else day.isoformat()


def _buckets(period: Period) -> list[str]:
    out, day = [], period.start
    while day <= period.end:
        b = _bucket(day, period)
        if not out or out[-1] != b:
            out.append(b)
        day += timedelta(days=1)
    return out


def _full_months(period: Period) -> tuple[date, date] | None:
    """First and last month wholly inside the period (as first days), or None."""
    first = period.start if period.start.day == 1 else (period.start.replace(day=1) + timedelta(days=32)).replace(day=1)
    after = period.end + timedelta(days=1)
    last = after.replace(day=1) - timedelta(days=1)  # end of the last whole month
    last_first = last.replace(day=1)
    if last_first < first:
        return None
    return first, last_first


def _sums(kind: str, period: Period, by: str, *, keys: list[str] | None = None, limit: int | None = None) -> list[tuple[str, int]]:
    """(key, sum of count) per ``by`` over the period: whole months from MonthlyCount, the days
    before and after them from DailyCount, in one grouped query."""
    q = connection.ops.quote_name
    daily, monthly = q(DailyCount._meta.db_table), q(MonthlyCount._meta.db_table)
    col, count = q(by), q("count")
    if keys is not None and not keys:
        return []
    only = f" AND {col} IN ({', '.join(['%s'] * len(keys))})" if keys else ""
    months = _full_months(period)
    parts, params = [], []
    if months:
        first, last_first = months
        next_after = (last_first + timedelta(days=32)).replace(day=1)
        parts.append(f"SELECT {col} AS k, {count} AS n FROM {monthly} WHERE kind = %s AND month >= %s AND month <= %s{only}")
        params += [kind, first, last_first, *(keys or [])]
        parts.append(f"SELECT {col} AS k, {count} AS n FROM {daily} WHERE kind = %s AND day >= %s AND day < %s{only}")
        params += [kind, period.start, first, *(keys or [])]
        parts.append(f"SELECT {col} AS k, {count} AS n FROM {daily} WHERE kind = %s AND day >= %s AND day <= %s{only}")
        params += [kind, next_after, period.end, *(keys or [])]
    else:
        parts.append(f"SELECT {col} AS k, {count} AS n FROM {daily} WHERE kind = %s AND day >= %s AND day <= %s{only}")
        params += [kind, period.start, period.end, *(keys or [])]
    sql = f"SELECT k, SUM(n) AS total FROM ({' UNION ALL '.join(parts)}) AS u GROUP BY k ORDER BY total DESC, k"
    if limit:
        sql += f" LIMIT {int(limit)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(k, int(n)) for k, n in cursor.fetchall()]


def _top(kind: str, period: Period, by: str, limit: int = TOP) -> list[tuple[str, int, int]]:
    """(key, count in period, count in the period before) for the most counted keys."""
    top = _sums(kind, period, by, limit=limit)
    earlier = dict(_sums(kind, period.previous, by, keys=[k for k, _n in top]))
    return [(k, n, earlier.get(k, 0)) for k, n in top]


def top_targets_table(slug: str, title: str, kind: str, period: Period, noun: str) -> Table:
    top = _top(kind, period, "target")
    names = describe_targets([k for k, _n, _p in top])
    table = Table(slug, title, [noun, _("Count"), _("Period before")], chart="bar")
    for key, n, before in top:
        label, url = names.get(key, (key, None))
        table.rows.append([label, n, before])
        table.links.append(url)
    return table


def top_details_table(slug: str, title: str, kind: str, period: Period, noun: str, *, searches: bool = False) -> Table:
    top = _top(kind, period, "detail")
    table = Table(slug, title, [noun, _("Count"), _("Period before")], chart="bar")
    search_url = reverse("catalogue:search")
    for detail, n, before in top:
        table.rows.append([detail, n, before])
        table.links.append(None)
        table.run_links.append(f"{search_url}?{urlencode({'q': detail})}" if searches else None)
    return table


def follows_table(period: Period) -> Table:
    kinds = [Kind.FOLLOW, Kind.UNFOLLOW, Kind.SUBSCRIBE, Kind.UNSUBSCRIBE]
    per: dict[str, list[int]] = {}
    for i, kind in enumerate(kinds):
        for target, n in _sums(kind, period, "target"):
            per.setdefault(target, [0, 0, 0, 0])[i] += n
    ordered = sorted(per.items(), key=lambda kv: (-sum(kv[1]), kv[0]))[: TOP * 2]
    names = describe_targets([k for k, _v in ordered])
    table = Table(
        "follows", _("Follows and subscriptions per entity, theme and category"),
        [_("Followed"), _("Follows"), _("Unfollows"), _("Subscriptions"), _("Unsubscriptions")], chart="bar", series=[1, 2, 3, 4],
    )
    for key, values in ordered:
        label, url = names.get(key, (key, None))
        table.rows.append([label, *values])
        table.links.append(url)
    return table


def sources_table(period: Period) -> Table:
    """The sources that brought most entries in the period, and how many of their entries the
    editors picked out of those they decided on (from the rollup's per-day inbox figures)."""
    from omvarld.monitoring.models import Source

    def per_source(kind, **kw):
        return {int(k.partition(":")[2]): n for k, n in _sums(kind, period, "target", **kw) if k.partition(":")[2].isdigit()}

    fetched = per_source(Kind.SOURCE_NEW, limit=TOP * 2)
    picked, discarded = per_source(Kind.SOURCE_PICKED), per_source(Kind.SOURCE_DISCARDED)
    decided = {s: (picked.get(s, 0), discarded.get(s, 0)) for s in set(picked) | set(discarded)}
    ids = sorted(set(fetched) | set(decided), key=lambda s: (-fetched.get(s, 0), -sum(decided.get(s, (0, 0))), s))[: TOP * 2]
    names = {s.pk: (str(s), s.pk) for s in Source.objects.filter(pk__in=ids)}
    table = Table(
        "sources", _("Most active sources and the inbox's pick rate"),
        [_("Source"), _("New entries"), _("Picked"), _("Discarded"), _("Pick rate (%)")], chart="bar", series=[1],
    )
    for sid in ids:
        picked, discarded = decided.get(sid, (0, 0))
        rate = round(picked * 100 / (picked + discarded)) if picked + discarded else "–"
        table.rows.append([names.get(sid, (str(sid),))[0], fetched.get(sid, 0), picked, discarded, rate])
        table.links.append(None)
    return table


TABLES = [
    "summary", "over-time", "top-entities", "top-items", "top-notices", "top-themes", "top-categories",
    "out-items", "out-sites", "top-searches", "empty-searches", "follows", "sources",
]


def dashboard_table(slug: str, period: Period) -> Table:
    if slug == "summary":
        return summary_table(period)
    if slug == "over-time":
        return over_time_table(period)
    if slug == "follows":
        return follows_table(period)
    if slug == "sources":
        return sources_table(period)
    spec = {
        "top-entities": (_("Most viewed entities"), Kind.VIEW_ENTITY, _("Entity")),
        "top-items": (_("Most viewed items"), Kind.VIEW_ITEM, _("Item")),
        "top-notices": (_("Most viewed news notices"), Kind.VIEW_NOTICE, _("News notice")),
        "top-themes": (_("Most viewed themes"), Kind.VIEW_THEME, _("Theme")),
        "top-categories": (_("Most viewed main categories"), Kind.VIEW_CATEGORY, _("Main category")),
        "out-items": (_("Outbound clicks per item"), Kind.OUT, _("Clicked from")),
    }
    if slug in spec:
        title, kind, noun = spec[slug]
        return top_targets_table(slug, title, kind, period, noun)
    if slug == "out-sites":
        return top_details_table(slug, _("Outbound clicks per destination site"), Kind.OUT, period, _("Site"))
    if slug == "top-searches":
        return top_details_table(slug, _("Most frequent searches"), Kind.SEARCH, period, _("Query"), searches=True)
    if slug == "empty-searches":
        return top_details_table(slug, _("Searches that found nothing"), Kind.SEARCH_EMPTY, period, _("Query"), searches=True)
    raise KeyError(slug)


def dashboard(period: Period) -> list[Table]:
    return [dashboard_table(slug, period) for slug in TABLES]


# -- figures for other pages -----------------------------------------------------------------

def read_last_days(key: str, *, today: date, days: int = 30) -> int:
    """Views of one entity ("entity:12"), item ("item:7", also counted as "notice:7") or theme."""
    keys = [key, f"notice:{key.partition(':')[2]}"] if key.startswith("item:") else [key]
    since = today - timedelta(days=days - 1)
    return DailyCount.objects.filter(kind__in=VIEW_KINDS, target__in=keys, day__range=(since, today)).aggregate(n=Sum("count"))["n"] or 0


def most_read_items(start: date, end: date, limit: int = 10) -> list[tuple]:
    """(item, views) for the most viewed published items and notices between two days."""
    from omvarld.core.models import Item

    rows = (
        DailyCount.objects.filter(kind__in=[Kind.VIEW_ITEM, Kind.VIEW_NOTICE], day__range=(start, end))
        .values("target").annotate(n=Sum("count")).order_by("-n", "target").values_list("target", "n")[: limit * 2]
    )
    counts = {int(t.partition(":")[2]): n for t, n in rows}
    items = Item.objects.filter(pk__in=counts, status=Item.Status.PUBLISHED, deleted_at__isnull=True)
    return sorted(((it, counts[it.pk]) for it in items), key=lambda p: (-p[1], p[0].pk))[:limit]


# -- outbound destinations -------------------------------------------------------------------

def outbound_target(*, to: str, item: str = "", entity: str = "") -> tuple[str, str] | None:
    """(target key, host) when ``to`` is exactly the link of the published item or the website of
    the entity named; None for anything else, so the redirect can never send people elsewhere."""
    from omvarld.core.models import Entity, Item

    parts = urlsplit(to)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    if item.isdigit():
        found = Item.objects.filter(pk=int(item), url=to, status=Item.Status.PUBLISHED, deleted_at__isnull=True).values_list("pk", "type").first()
        if found:
            prefix = "notice" if found[1] == Item.Type.NEWS_NOTICE else "item"
            return f"{prefix}:{found[0]}", parts.hostname or ""
    elif entity:
        pk = Entity.objects.alive().filter(slug=entity, website=to).values_list("pk", flat=True).first()
        if pk:
            return f"entity:{pk}", parts.hostname or ""
    return None
