"""When digests are due: daily and weekly at a fixed local hour, immediate at every pass."""

import datetime as dt
from zoneinfo import ZoneInfo

RHYTHM_ORDER = {"immediate": 0, "daily": 1, "weekly": 2}


def next_slot(rhythm: str, after: dt.datetime, *, hour: int, tz: str) -> dt.datetime:
    """The first send time strictly after ``after`` (immediate: ``after`` itself).

    Computed in local time, so "07:00" stays 07:00 across daylight-saving changes.
    """
    if rhythm == "immediate":
        return after
    local = after.astimezone(ZoneInfo(tz))
    slot = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if rhythm == "weekly":
        slot += dt.timedelta(days=(0 - slot.weekday()) % 7)  # Monday
        step = dt.timedelta(days=7)
    else:
        step = dt.timedelta(days=1)
    while slot <= local:
        slot += step
    return slot.astimezone(dt.UTC)


def period_key(rhythm: str, slot: dt.datetime, *, tz: str) -> str:
    """A name for the digest period a slot belongs to; one mail per subscriber per period."""
    local = slot.astimezone(ZoneInfo(tz))
    if rhythm == "daily":
        return f"daily:{local:%Y-%m-%d}"
    if rhythm == "weekly":
        year, week, _ = local.isocalendar()
        return f"weekly:{year}-W{week:02d}"
    return f"immediate:{slot.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%S.%f}"
