"""The querysets behind the API's lists, one per resource, filtered by already-validated values."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.utils import timezone

from omvarld.api.errors import bad_parameter
from omvarld.core import search
from omvarld.core.models import Entity, Item, Placement, Theme
from omvarld.core.queries import filter_items, published_items


def _aware(value: dt.datetime | None, parameter: str) -> dt.datetime | None:
    """``value`` in UTC; PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 allows."""
    if value is None:
        return None
    try:
        if timezone.is_naive(value):
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise bad_parameter(parameter, "The date is out of range.") from None


def entities(f):
    qs = Entity.objects.alive().select_related("main_category", "region")
    if f.category:
        qs = qs.filter(main_category__slug=f.category)
    if f.region:
        qs = qs.filter(region__slug=f.region)
    if f.country:
        qs = qs.filter(country=f.country.upper())
    if f.watched is not None:
        qs = qs.filter(is_watched=f.watched)
    if f.updated_since:
        qs = qs.filter(updated_at__gte=_aware(f.updated_since, "updated_since"))
    return qs


def with_tags(qs):
    return qs.prefetch_related(
        Prefetch("placements", queryset=Placement.objects.select_related("entity").only("item_id", "entity__slug")),
        Prefetch("themes", queryset=Theme.objects.only("slug")),
    )


def _tagged(qs, f):
    return filter_items(
        qs, theme=getattr(f, "theme", None) or "", entity=getattr(f, "entity", None) or "",
        category=getattr(f, "category", None) or "",
    )


def items(f):
    qs = filter_items(
        published_items(), type=f.type or "", theme=f.theme or "", entity=f.entity or "", category=f.category or "",
        lang=f.lang or "", published_from=f.published_from, published_to=f.published_to,
    )
    if f.updated_since:
        qs = qs.filter(updated_at__gte=_aware(f.updated_since, "updated_since"))
    if f.q:
        qs = qs.filter(pk__in=[h.object_id for h in search.find(f.q, kinds=("item",))])
    return qs


def notices(f):
    qs = _tagged(published_items().filter(type=Item.Type.NEWS_NOTICE), f)
    if f.lang:
        qs = qs.filter(language=f.lang)
    if f.since:
        qs = qs.filter(published_at__gte=_aware(f.since, "since"))
    return qs


def events(f):
    qs = _tagged(published_items().filter(type=Item.Type.EVENT, starts_on__isnull=False), f)
    if f.starts_from:
        qs = qs.filter(starts_on__gte=f.starts_from)
    if f.starts_to:
        qs = qs.filter(starts_on__lte=f.starts_to)
    return qs


def themes():
    return Theme.objects.alive().filter(merged_into__isnull=True)
