"""Writes on the shared vocabulary that more than one page uses: renaming and merging keywords.

Themes are renamed by editing their labels and merged by setting ``merged_into``; keywords are
free words, so a merge moves every item of the merged keywords to the one kept and removes the rest.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from omvarld.core import indexing
from omvarld.core.models import Item, Keyword


class KeywordError(ValueError):
    pass


def normalise_keyword(name: str) -> str:
    return " ".join(str(name).split()).lower()[:100]


@transaction.atomic
def rename_keyword(keyword: Keyword, name: str) -> Keyword:
    """Give a keyword a new name; a name another keyword has is refused (merge them instead)."""
    name = normalise_keyword(name)
    if not name:
        raise KeywordError(_("A keyword needs a name."))
    if Keyword.objects.filter(name=name).exclude(pk=keyword.pk).exists():
        raise KeywordError(_("The keyword “%(name)s” exists already: merge the two instead.") % {"name": name})
    keyword.name = name
    keyword.save(update_fields=["name"])
    for item in Item.objects.filter(keywords=keyword).prefetch_related("keywords", "themes"):
        indexing.index_item(item)
    return keyword


@transaction.atomic
def merge_keywords(keywords, into: Keyword) -> int:
    """Move every item of ``keywords`` to ``into`` and delete them; the number of items moved."""
    others = [k for k in keywords if k.pk != into.pk]
    if not others:
        return 0
    items = list(Item.objects.filter(keywords__in=others).distinct())
    for item in items:
        # Through the item, so its search text is rebuilt by the keywords signal.
        item.keywords.add(into)
        item.keywords.remove(*others)
    Keyword.objects.filter(pk__in=[k.pk for k in others]).delete()
    return len(items)
