"""Keep the search index in step with edits made anywhere (admin, editorial views, imports)."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from omvarld.core import indexing, stats
from omvarld.core.models import Entity, EntitySection, Item, Placement
from omvarld.lib.xmltext import clean_instance


@receiver(post_save, sender=Entity)
def _entity_saved(sender, instance, raw=False, **kwargs):
    if not raw and not indexing.is_paused():
        indexing.index_entity(instance)


@receiver(post_save, sender=EntitySection)
@receiver(post_delete, sender=EntitySection)
def _section_changed(sender, instance, raw=False, **kwargs):
    if not raw and not indexing.is_paused():
        indexing.index_entity(instance.entity)


@receiver(post_save, sender=Item)
def _item_saved(sender, instance, raw=False, **kwargs):
    if not raw and not indexing.is_paused():
        indexing.index_item(instance)
        stats.refresh_for_item(instance)


@receiver(post_save, sender=Placement)
@receiver(post_delete, sender=Placement)
def _placement_changed(sender, instance, raw=False, **kwargs):
    if not raw and not indexing.is_paused():
        stats.refresh_entity_stats([instance.entity_id])


@receiver(m2m_changed, sender=Item.themes.through)
@receiver(m2m_changed, sender=Item.keywords.through)
def _item_tags_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Item) and not indexing.is_paused():
        indexing.index_item(instance)


@receiver(post_delete, sender=Entity)
def _entity_deleted(sender, instance, **kwargs):
    from omvarld.core import search

    search.remove_document("entity", instance.pk)


@receiver(post_delete, sender=Item)
def _item_deleted(sender, instance, **kwargs):
    from omvarld.core import search

    search.remove_document("item", instance.pk)


@receiver(pre_save)
def _clean_text(sender, instance, raw=False, **kwargs):
    """Every model's text is cleaned of characters XML 1.0 forbids before it is stored (#18)."""
    clean_instance(instance)
