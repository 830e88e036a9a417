"""Reads of the domain that several apps share (the public map, the API, digests)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from omvarld.core.models import Item, Placement


def published_items():
    """Items the public may see: published and not in the trash."""
    return Item.objects.alive().filter(status=Item.Status.PUBLISHED)


def filter_items(
    qs,
    *,
    type: str = "",
    theme: str = "",
    region: str = "",
    entity: str = "",
    category: str = "",
    lang: str = "",
    published_from: dt.date | None = None,
    published_to: dt.date | None = None,
):
    """``qs`` narrowed by the map's facets; empty values mean "any".

    Tags and placements are matched through subqueries rather than joins, so an item attached to
    several matching entities or themes still comes back once, without DISTINCT (which would stop
    the database from walking an index in order for keyset paging). An item without its own
    publication date is dated by when it was published on the site.
    """
    if type:
        qs = qs.filter(type=type)
    if lang:
        qs = qs.filter(language=lang)
    if theme:
        qs = qs.filter(pk__in=Item.themes.through.objects.filter(theme__slug=theme).values("item_id"))
    placements = None
    if entity:
        placements = Placement.objects.filter(entity__slug=entity)
    if region:
        placements = (placements if placements is not None else Placement.objects).filter(entity__region__slug=region)
    if category:
        placements = (placements if placements is not None else Placement.objects).filter(entity__main_category__slug=category)
    if placements is not None:
        qs = qs.filter(pk__in=placements.values("item_id"))
    if published_from:
        qs = qs.filter(Q(published_on__gte=published_from) | Q(published_on__isnull=True, published_at__date__gte=published_from))
    if published_to:
        qs = qs.filter(Q(published_on__lte=published_to) | Q(published_on__isnull=True, published_at__date__lte=published_to))
    return qs
