"""The trend radar's recurring work, run by the worker (see omvarld/schedules.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.utils import timezone

from omvarld.trends.compute import build_weekly_rising, compute_trends
from omvarld.trends.models import Trend, WeeklyRising

EVERY = dt.timedelta(hours=1)


def run_due(*, now=None) -> dict:
    now = now or timezone.now()
    done = {}
    last = Trend.objects.aggregate(at=Max("computed_at"))["at"]
    if last is None or now - last >= EVERY:
        done["trends"] = compute_trends(now=now)
    local = timezone.localtime(now)
    monday = (local - dt.timedelta(days=local.weekday())).date()
    if local.weekday() == 0 and not WeeklyRising.objects.filter(week_start=monday).exists():
        done["weekly"] = bool(build_weekly_rising(now=now))
    return done
