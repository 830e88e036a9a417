"""Keywords are renamed and merged like themes (#10), in the administration."""

import pytest
from django.contrib.auth import get_user_model

from omvarld.core import search
from omvarld.core.actions import KeywordError, merge_keywords, rename_keyword
from omvarld.core.models import Item, Keyword

pytestmark = pytest.mark.django_db


def _item(title, *words):
    item = Item.objects.create(title=title, type="link", status=Item.Status.PUBLISHED)
    item.keywords.set([Keyword.objects.get_or_create(name=w)[0] for w in words])
    return item


def test_merge_moves_every_item_to_the_kept_keyword():
    a = _item("Doughnut city", "doughnut economics", "circular")
    b = _item("Munkmodellen i Amsterdam", "munkmodellen")
    c = _item("Both", "doughnut economics", "munkmodellen")
    kept = Keyword.objects.get(name="doughnut economics")
    moved = merge_keywords(list(Keyword.objects.filter(name__in=["doughnut economics", "munkmodellen"])), kept)
    assert moved == 2
    assert not Keyword.objects.filter(name="munkmodellen").exists()
    for item in (a, b, c):
        assert "doughnut economics" in set(item.keywords.values_list("name", flat=True))
    assert set(a.keywords.values_list("name", flat=True)) == {"doughnut economics", "circular"}


def test_rename_reindexes_and_refuses_an_existing_name():
    item = _item("Doughnut city", "dougnut")
    other = Keyword.objects.create(name="circular")
    kw = rename_keyword(Keyword.objects.get(name="dougnut"), "  Doughnut  Economics ")
    assert kw.name == "doughnut economics"
    hits = search.search_ids("item", "doughnut") if hasattr(search, "search_ids") else None
    if hits is not None:
        assert item.pk in hits
    with pytest.raises(KeywordError):
        rename_keyword(kw, "Circular")
    assert Keyword.objects.get(pk=other.pk).name == "circular"


def test_admin_merge_action(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-test-password-1")
    client.force_login(admin)
    _item("One", "smart city")
    _item("Two", "smart cities")
    ids = [str(k.pk) for k in Keyword.objects.all()]
    keep = Keyword.objects.get(name="smart city")
    page = client.post("/admin/core/keyword/", {"action": "merge", "_selected_action": ids})
    assert page.status_code == 200 and "smart cities" in page.content.decode()
    done = client.post("/admin/core/keyword/", {"action": "merge", "_selected_action": ids, "apply": "1",
                                                 "into": keep.pk, "new_name": ""}, follow=True)
    assert done.status_code == 200
    assert list(Keyword.objects.values_list("name", flat=True)) == ["smart city"]
    assert Item.objects.filter(keywords=keep).count() == 2
