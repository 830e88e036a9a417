"""The revision history of the map (MISSION M8, X5): every change to items, entities, themes and
the taxonomy is kept as a snapshot with who and when, wherever the change was made.

How changes are caught:

1. Model signals mark a record as *touched* when it or one of its parts (an item's themes and
   placements, an entity's sections and relations) is saved. They catch the editorial actions,
   the Django admin, imports and the shell alike.
2. Inside ``recording(user=..., comment=...)`` (the editorial actions and the admin wrap their
   work in it) touched records are snapshotted once, when the block ends, in the same
   transaction as the change, so one edit of an item and its themes makes one revision.
3. Outside a block, touched records are snapshotted when the transaction commits, with no user.

A snapshot equal to the previous one is not stored, so saving without changes adds nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from omvarld.core.models import (
    Entity,
    EntityRelation,
    EntitySection,
    InfoCategory,
    Item,
    Keyword,
    MainCategory,
    Placement,
    Region,
    Theme,
)
from omvarld.editorial.models import Revision

TRACKED: dict[str, type[models.Model]] = {
    "core.item": Item,
    "core.entity": Entity,
    "core.theme": Theme,
    "core.maincategory": MainCategory,
    "core.infocategory": InfoCategory,
    "core.region": Region,
}
# Bookkeeping fields: they change on every save and say nothing about the content.
_SKIP = {"id", "created_at", "updated_at"}
# Never written back by a restore: whether a record is in the trash is the trash's business.
NOT_RESTORED = {"deleted_at"}


def label_of(model) -> str:
    return model._meta.label_lower


# ---------------------------------------------------------------------------------------------
# Snapshots


def _plain(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def _content_fields(model):
    """Fields people edit, and whether the record is in the trash; not derived counters."""
    return [f for f in model._meta.concrete_fields if f.name not in _SKIP and (f.editable or f.name == "deleted_at")]


def snapshot(obj) -> dict:
    data = {f.name: _plain(f.value_from_object(obj)) for f in _content_fields(type(obj))}
    if isinstance(obj, Item):
        data["themes"] = sorted(obj.themes.values_list("id", flat=True))
        data["keywords"] = sorted(obj.keywords.values_list("name", flat=True))
        data["placements"] = sorted([e, ic] for e, ic in obj.placements.values_list("entity_id", "info_category_id"))
    elif isinstance(obj, Entity):
        data["sections"] = {str(ic): [sv, en] for ic, sv, en in obj.sections.values_list("info_category_id", "body_sv", "body_en")}
        data["relations"] = sorted([k, t, n] for k, t, n in obj.relations_out.values_list("kind", "target_id", "note"))
    return data


def apply_snapshot(obj, data: dict) -> None:
    """Write a snapshot back onto ``obj`` and its parts (used by restore)."""
    for f in _content_fields(type(obj)):
        if f.name in NOT_RESTORED or f.name not in data:
            continue
        value = data[f.name]
        if f.is_relation:
            target = f.related_model
            if value is not None and not target._default_manager.filter(pk=value).exists():
                value = None  # the related record is gone for good; keep the rest
            setattr(obj, f.attname, value)
        else:
            setattr(obj, f.attname, f.to_python(value))
    obj.save()
    if isinstance(obj, Item):
        obj.themes.set(Theme.objects.filter(pk__in=data.get("themes", [])))
        obj.keywords.set([Keyword.objects.get_or_create(name=n)[0] for n in data.get("keywords", [])])
        obj.placements.all().delete()
        alive = set(Entity.objects.filter(pk__in=[e for e, _ in data.get("placements", [])]).values_list("pk", flat=True))
        cats = set(InfoCategory.objects.values_list("pk", flat=True))
        for entity_id, ic in data.get("placements", []):
            if entity_id in alive:
                Placement.objects.create(item=obj, entity_id=entity_id, info_category_id=ic if ic in cats else None)
    elif isinstance(obj, Entity):
        cats = set(InfoCategory.objects.values_list("pk", flat=True))
        sections = {int(k): v for k, v in data.get("sections", {}).items() if int(k) in cats}
        obj.sections.exclude(info_category_id__in=sections).delete()
        for ic, (sv, en) in sections.items():
            EntitySection.objects.update_or_create(entity=obj, info_category_id=ic, defaults={"body_sv": sv, "body_en": en})
        obj.relations_out.all().delete()
        alive = set(Entity.objects.values_list("pk", flat=True))
        for kind, target, note in data.get("relations", []):
            if target in alive:
                EntityRelation.objects.create(source=obj, kind=kind, target_id=target, note=note)


# ---------------------------------------------------------------------------------------------
# Recording


@dataclass
class Block:
    user: object = None
    comment: str = ""
    touched: dict[tuple[str, int], str | None] = field(default_factory=dict)

    def mark(self, obj, action: str) -> None:
        """Name what happened to ``obj`` (trashed, restored…) instead of the plain 'changed'."""
        self.touched[(label_of(type(obj)), obj.pk)] = action


_block: ContextVar[Block | None] = ContextVar("revision_block", default=None)
_paused: ContextVar[bool] = ContextVar("revisions_paused", default=False)
# Records touched outside a block, per thread, waiting for their transaction to commit.
_local = threading.local()


def _pending() -> dict[tuple[str, int], str | None]:
    if not hasattr(_local, "pending"):
        _local.pending = {}
    return _local.pending


@contextmanager
def recording(*, user=None, comment: str = ""):
    """Record the changes made inside the block as revisions by ``user`` when it ends.

    Nested blocks join the outermost one. Nothing is recorded if the block raises.
    """
    outer = _block.get()
    if outer is not None:
        yield outer
        return
    block = Block(user=user if getattr(user, "is_authenticated", False) else None, comment=comment[:300])
    token = _block.set(block)
    try:
        yield block
        _block.reset(token)
        token = None
        record(block.touched, user=block.user, comment=block.comment)
    finally:
        if token is not None:
            _block.reset(token)


@contextmanager
def paused():
    """Record nothing inside the block: an import brings its own history along."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def touch(obj, action: str | None = None) -> None:
    if _paused.get():
        return
    key = (label_of(type(obj)), obj.pk)
    if key[1] is None:
        return
    block = _block.get()
    if block is not None:
        block.touched.setdefault(key, action)
        return
    _pending().setdefault(key, action)
    # Registered on every touch: if an earlier transaction rolled back, its callback is gone,
    # and the next commit picks up what it left (a snapshot of the state as it then is).
    transaction.on_commit(_flush_pending)


def _flush_pending() -> None:
    pending = _pending()
    if pending:
        batch = dict(pending)
        pending.clear()
        record(batch)


def record(touched: dict[tuple[str, int], str | None], *, user=None, comment: str = "") -> list[Revision]:
    """Snapshot each touched record and store those that changed, in a few queries per kind."""
    by_model: dict[str, dict[int, str | None]] = {}
    for (label, pk), action in touched.items():
        by_model.setdefault(label, {})[pk] = action
    new = []
    for label, actions in by_model.items():
        model = TRACKED[label]
        objs = _prefetched(model).in_bulk(list(actions))
        last = _latest(label, list(objs))
        for pk, obj in objs.items():
            data = snapshot(obj)
            prev = last.get(pk)
            action = actions[pk]
            if prev is not None and prev.data == data and action is None:
                continue
            if action is None:
                action = Revision.Action.CHANGED if prev else Revision.Action.CREATED
            new.append(Revision(
                model=label, object_id=pk, object_repr=str(obj)[:300], number=(prev.number + 1) if prev else 1,
                action=action, data=data, user=user, comment=comment, created_at=timezone.now(),
            ))
    return Revision.objects.bulk_create(new)


def _prefetched(model):
    qs = model._default_manager.all()
    if model is Item:
        return qs.prefetch_related("themes", "keywords", "placements")
    if model is Entity:
        return qs.prefetch_related("sections", "relations_out")
    return qs


def _latest(label: str, ids: list[int]) -> dict[int, Revision]:
    newest = (
        Revision.objects.filter(model=label, object_id__in=ids)
        .values("object_id")
        .annotate(n=models.Max("number"))
    )
    wanted = models.Q()
    for row in newest:
        wanted |= models.Q(object_id=row["object_id"], number=row["n"])
    if not newest:
        return {}
    return {r.object_id: r for r in Revision.objects.filter(wanted, model=label)}


# ---------------------------------------------------------------------------------------------
# Signals: what counts as touching a record


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        touch(instance)


def _part_changed(owner_attr: str):
    def handler(sender, instance, raw=False, **kwargs):
        if raw:
            return
        owner = getattr(instance, owner_attr, None) if _owner_exists(instance, owner_attr) else None
        if owner is not None:
            touch(owner)

    return handler


def _owner_exists(instance, attr: str) -> bool:
    try:
        getattr(instance, attr)
    except models.ObjectDoesNotExist:
        return False
    return True


def _tags_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Item):
        touch(instance)


_placement = _part_changed("item")
_section = _part_changed("entity")
_relation = _part_changed("source")


def connect_signals() -> None:
    for model in TRACKED.values():
        post_save.connect(_saved, sender=model, dispatch_uid=f"revisions-{label_of(model)}")
    for part, handler in ((Placement, _placement), (EntitySection, _section), (EntityRelation, _relation)):
        post_save.connect(handler, sender=part, dispatch_uid=f"revisions-save-{label_of(part)}")
        post_delete.connect(handler, sender=part, dispatch_uid=f"revisions-delete-{label_of(part)}")
    m2m_changed.connect(_tags_changed, sender=Item.themes.through, dispatch_uid="revisions-item-themes")
    m2m_changed.connect(_tags_changed, sender=Item.keywords.through, dispatch_uid="revisions-item-keywords")
