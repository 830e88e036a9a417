"""Per-entity counters (published items, newest addition and change) kept on the Entity row.

Category pages list dozens of entities with these figures; computing them from the items on
every request cost seconds at 450,000 items, reading three columns costs nothing.
"""

from django.db.models import Count, Max, Q

from omvarld.core.models import Entity, Item, Placement


def refresh_entity_stats(entity_ids=None) -> None:
    """Recompute the counters of the given entities (all when None)."""
    live = Q(item__status=Item.Status.PUBLISHED, item__deleted_at__isnull=True)
    placements = Placement.objects.filter(live)
    if entity_ids is not None:
        entity_ids = list(entity_ids)
        if not entity_ids:
            return
        placements = placements.filter(entity_id__in=entity_ids)
    rows = {
        r["entity_id"]: r
        for r in placements.values("entity_id").annotate(
            n=Count("id"), added=Max("item__created_at"), changed=Max("item__updated_at")
        )
    }
    targets = Entity.objects.all() if entity_ids is None else Entity.objects.filter(id__in=entity_ids)
    for entity in targets.only("id"):
        r = rows.get(entity.id, {})
        Entity.objects.filter(pk=entity.id).update(
            item_count=r.get("n", 0), last_item_added_at=r.get("added"), last_item_changed_at=r.get("changed")
        )


def refresh_for_item(item: Item, extra_entity_ids=()) -> None:
    ids = set(Placement.objects.filter(item=item).values_list("entity_id", flat=True)) | set(extra_entity_ids)
    refresh_entity_stats(ids)
