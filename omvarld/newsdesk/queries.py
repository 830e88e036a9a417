"""Reads the notice stream, the feeds, the widget, the entity and theme pages and the newsletter share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch

from omvarld.core.models import Entity, Item, MainCategory, Placement, Theme


def published_notices(*, theme: Theme | None = None, entity: Entity | None = None, category: MainCategory | None = None):
    """Published news notices, newest first, optionally narrowed to one theme, entity or main category."""
    qs = Item.objects.alive().filter(type=Item.Type.NEWS_NOTICE, status=Item.Status.PUBLISHED)
    if theme is not None:
        qs = qs.filter(themes=theme)
    if entity is not None:
        qs = qs.filter(placements__entity=entity)
    if category is not None:
        qs = qs.filter(placements__entity__main_category=category).distinct()
    return qs.order_by("-published_at", "-id")


def with_tags(items) -> list[Item]:
    """Load the themes and entities of ``items`` up front so templates never query."""
    placements = Placement.objects.select_related("entity").filter(entity__deleted_at__isnull=True)
    qs = items.prefetch_related("themes", Prefetch("placements", queryset=placements))
    result = list(qs)
    for item in result:
        item.notice_entities = [p.entity for p in item.placements.all()]
        item.notice_themes = [t for t in item.themes.all() if t.deleted_at is None]
    return result


def latest_notices(limit: int, **scope) -> list[Item]:
    return with_tags(published_notices(**scope)[:limit])


@dataclass
class WeekContent:
    start: dt.date
    end: dt.date  # exclusive
    notices: list[Item]
    map_updates: list[Item]
    new_entities: list[Entity]


def week_content(start: dt.date) -> WeekContent:
    """What the newsletter for the week starting ``start`` (a Monday) reports."""
    from django.utils import timezone

    end = start + dt.timedelta(days=7)
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end, dt.time.min, tzinfo=tz)
    notices = with_tags(published_notices().filter(published_at__gte=lo, published_at__lt=hi))
    updates = with_tags(
        Item.objects.alive()
        .filter(status=Item.Status.PUBLISHED, updated_at__gte=lo, updated_at__lt=hi)
        .exclude(type=Item.Type.NEWS_NOTICE)
        .order_by("-updated_at", "-id")[:30]
    )
    new_entities = list(Entity.objects.alive().filter(created_at__gte=lo, created_at__lt=hi).select_related("main_category")[:30])
    return WeekContent(start, end, notices, updates, new_entities)
