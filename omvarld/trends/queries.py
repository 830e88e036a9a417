"""Reads of the trend radar: the precomputed table, for the radar page, the feed and the editors."""

from __future__ import annotations

from omvarld.trends.compute import WINDOWS
from omvarld.trends.models import Trend, WeeklyRising


def rising_themes(window: int = 4) -> dict[int, float]:
    """Theme id -> how strongly it is rising (0..1, the strongest 1) in the latest weeks."""
    rows = list(Trend.objects.filter(window=window, kind=Trend.Kind.THEME).values_list("key", "score"))
    top = max((s for _, s in rows), default=0.0)
    return {int(k): round(s / top, 3) for k, s in rows if top > 0 and k.isdigit()}


def trends(window: int, *, limit: int = 30) -> list[Trend]:
    if window not in WINDOWS:
        window = WINDOWS[0]
    return list(Trend.objects.filter(window=window).order_by("rank")[:limit])


def latest_summaries(limit: int = 8) -> list[WeeklyRising]:
    return list(WeeklyRising.objects.order_by("-week_start")[:limit])
