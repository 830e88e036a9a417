"""The site-wide content version: bumped whenever anything the API serves changes."""

from __future__ import annotations

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from omvarld.api.models import ContentVersion

ROW = 1


def bump() -> None:
    now = timezone.now().replace(microsecond=0)
    if not ContentVersion.objects.filter(pk=ROW).update(version=F("version") + 1, changed_at=now):
        ContentVersion.objects.get_or_create(pk=ROW, defaults={"version": 1, "changed_at": now})


def current() -> tuple[int, object]:
    row = ContentVersion.objects.filter(pk=ROW).values_list("version", "changed_at").first()
    if row is None:
        bump()
        row = ContentVersion.objects.filter(pk=ROW).values_list("version", "changed_at").first()
    return row


def _changed(sender, raw=False, **kwargs):
    if not raw:
        bump()


def _m2m_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        bump()


def connect() -> None:
    """Watch the models the API serves. Bulk writes (``QuerySet.update``, ``bulk_create``) send no
    signals; code doing those calls ``bump()`` itself."""
    from omvarld.core.models import (
        Entity, EntityRelation, EntitySection, InfoCategory, Item, Keyword, MainCategory, Placement, Region, Theme,
    )

    # The public pages cached for visitors (``page_cache``) show relations, information
    # categories and keywords too.
    for model in (Entity, EntitySection, Item, MainCategory, Placement, Region, Theme, EntityRelation, InfoCategory, Keyword):
        post_save.connect(_changed, sender=model, dispatch_uid=f"api-version-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"api-version-delete-{model.__name__}")
    m2m_changed.connect(_m2m_changed, sender=Item.themes.through, dispatch_uid="api-version-item-themes")
    m2m_changed.connect(_m2m_changed, sender=Item.keywords.through, dispatch_uid="api-version-item-keywords")
