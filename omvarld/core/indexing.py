"""What each kind of record contributes to the search index."""

from contextlib import contextmanager
from contextvars import ContextVar

from omvarld.core import search
from omvarld.core.models import Entity, Item

_paused: ContextVar[bool] = ContextVar("search_indexing_paused", default=False)


@contextmanager
def paused():
    """Skip per-save indexing inside the block (bulk loads call ``reindex_all`` afterwards)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


def is_paused() -> bool:
    return _paused.get()


def entity_text(entity: Entity) -> tuple[str, str]:
    title = " ".join(entity.all_names())
    body = " ".join(
        [entity.summary_sv, entity.summary_en, entity.country]
        + [f"{s.body_sv} {s.body_en}" for s in entity.sections.all()]
    )
    return title, body


def item_text(item: Item) -> tuple[str, str]:
    body = " ".join(
        [item.summary, item.commentary, item.results, item.method, item.financing, item.lessons, item.source_name, item.location]
        + [k.name for k in item.keywords.all()]
        + [f"{t.label_sv} {t.label_en}" for t in item.themes.all()]
    )
    return item.title, body


def index_entity(entity: Entity) -> None:
    if entity.deleted_at:
        search.remove_document("entity", entity.pk)
    else:
        search.index_document("entity", entity.pk, *entity_text(entity))


def index_item(item: Item) -> None:
    # Only published items are searchable by the public.
    if item.deleted_at or item.status != Item.Status.PUBLISHED:
        search.remove_document("item", item.pk)
    else:
        search.index_document("item", item.pk, *item_text(item))


def reindex_all() -> int:
    from django.db import transaction

    from omvarld.core.models import SearchDocument

    count = 0
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        docs = []
        for e in Entity.objects.alive().prefetch_related("sections"):
            t, b = entity_text(e)
            docs.append(search.document("entity", e.pk, t, b))
        items = Item.objects.alive().filter(status=Item.Status.PUBLISHED).prefetch_related("keywords", "themes")
        for it in items.iterator(chunk_size=2000):
            t, b = item_text(it)
            docs.append(search.document("item", it.pk, t, b))
            if len(docs) >= 2000:
                SearchDocument.objects.bulk_create(docs)
                count += len(docs)
                docs = []
        SearchDocument.objects.bulk_create(docs)
        count += len(docs)
    from omvarld.core.stats import refresh_entity_stats

    refresh_entity_stats()
    return count
