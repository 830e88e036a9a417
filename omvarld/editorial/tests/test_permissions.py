"""Every editorial and administration URL tried as every role: exactly the allowed ones get in.

Permissions per MISSION X2: members only read; partner contributors suggest and follow their own
suggestions; editors review, edit content, see history and the trash; administrators also
manage users and the taxonomy's skeleton.
"""

import pytest
from django.urls import get_resolver, resolve

from omvarld.core.models import Entity, InfoCategory, MainCategory, Theme
from omvarld.editorial import actions
from omvarld.editorial.models import Revision, Suggestion

from .conftest import make_user

ROLES = ["anonymous", "member", "partner", "editor", "admin"]
SUGGESTERS = {"partner", "editor", "admin"}
EDITORS = {"editor", "admin"}
ADMINS = {"admin"}
OWNER = {"partner"}

# (method, url template, roles that may use it). {s}: the partner's suggestion, {i}: an item,
# {t}: an item in the trash, {r}: a revision of the item, {c}: a main category, {cr}: its
# revision, {u}: the member's account.
MATRIX = [
    ("get", "/editorial/", SUGGESTERS),
    ("get", "/editorial/suggest/", SUGGESTERS),
    ("get", "/editorial/suggest/new_item/", SUGGESTERS),
    ("get", "/editorial/suggest/item_update/", SUGGESTERS),
    ("get", "/editorial/suggest/new_entity/", SUGGESTERS),
    ("get", "/editorial/suggest/trip_report/", SUGGESTERS),
    ("get", "/editorial/suggestions/", SUGGESTERS),
    ("get", "/editorial/suggestions/{s}/", SUGGESTERS),
    ("get", "/editorial/suggestions/{s}/revise/", OWNER),
    ("get", "/editorial/review/{s}/", EDITORS),
    ("post", "/editorial/review/{s}/accept/", EDITORS),
    ("post", "/editorial/review/{s}/request-changes/", EDITORS),
    ("post", "/editorial/review/{s}/reject/", EDITORS),
    ("get", "/editorial/items/", EDITORS),
    ("get", "/editorial/items/new/", EDITORS),
    ("post", "/editorial/items/new/preview/", EDITORS),
    ("get", "/editorial/items/{i}/", EDITORS),
    ("post", "/editorial/items/{i}/preview/", EDITORS),
    ("post", "/editorial/items/{i}/publish/", EDITORS),
    ("post", "/editorial/items/{i}/unpublish/", EDITORS),
    ("post", "/editorial/items/{i}/archive/", EDITORS),
    ("get", "/editorial/history/item/{i}/", EDITORS),
    ("post", "/editorial/revisions/{r}/restore/", EDITORS),
    ("post", "/editorial/revisions/{cr}/restore/", ADMINS),
    ("get", "/editorial/trash/", EDITORS),
    ("post", "/editorial/trash/item/{i}/", EDITORS),
    ("post", "/editorial/trash/item/{t}/restore/", EDITORS),
    ("post", "/editorial/trash/maincategory/{c}/", ADMINS),
    ("get", "/accounts/users/", ADMINS),
    ("get", "/accounts/users/invite/", ADMINS),
    ("post", "/accounts/users/{u}/role/", ADMINS),
    ("post", "/accounts/users/{u}/active/", ADMINS),
    ("get", "/admin/", EDITORS),
    ("get", "/admin/core/item/", EDITORS),
    ("get", "/admin/core/maincategory/", ADMINS),
    ("get", "/admin/editorial/revision/", ADMINS),
]


@pytest.fixture
def world(db):
    ed = make_user("eddie", "editor")
    cat = MainCategory.objects.create(slug="cities", name_sv="Städer", name_en="Cities")
    InfoCategory.objects.create(main_category=cat, slug="why", name_sv="Varför", name_en="Why")
    Entity.objects.create(main_category=cat, slug="oslo", name_sv="Oslo", name_en="Oslo")
    Theme.objects.create(slug="energy", label_sv="Energi", label_en="Energy")
    item = actions.save_item(user=ed, item=None, values={"title": "An item", "type": "link"}, themes=[], keywords=[], placements=[])
    actions.save_item(user=ed, item=item, values={"title": "An item, changed"}, themes=[], keywords=[], placements=[])
    gone = actions.save_item(user=ed, item=None, values={"title": "Trashed", "type": "link"}, themes=[], keywords=[], placements=[])
    actions.trash(user=ed, obj=gone)
    partner = make_user("pat", "partner")
    suggestion = actions.submit_suggestion(author=partner, kind=Suggestion.Kind.NEW_ITEM, title="Idea", data={"title": "Idea", "type": "link", "summary": "S", "language": "en", "entities": []})
    admin_user = make_user("adam", "admin")
    with actions.revisions.recording(user=admin_user):
        cat.name_en = "Towns"
        cat.save()
    return {
        "users": {"member": make_user("mo", "member"), "partner": partner, "editor": ed, "admin": admin_user},
        "ids": {
            "s": suggestion.pk, "i": item.pk, "t": gone.pk, "c": cat.pk,
            "r": Revision.objects.filter(model="core.item", object_id=item.pk).order_by("number").first().pk,
            "cr": Revision.objects.filter(model="core.maincategory").order_by("number").first().pk,
            "u": None,
        },
    }


def _denied(response) -> bool:
    if response.status_code in (403, 404):
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and ("/accounts/login/" in location or "/admin/login/" in location)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "allowed"), MATRIX, ids=[f"{m} {u}" for m, u, _ in MATRIX])
def test_permission_matrix(client, world, role, method, url, allowed):
    if role != "anonymous":
        client.force_login(world["users"][role])
    ids = dict(world["ids"], u=world["users"]["member"].pk)
    response = getattr(client, method)(url.format(**ids))
    assert response.status_code < 500
    if role in allowed:
        assert not _denied(response), f"{role} should reach {url}, got {response.status_code}"
    else:
        assert _denied(response), f"{role} must not reach {url}, got {response.status_code}"


def test_the_matrix_covers_every_editorial_and_user_management_url():
    covered = {resolve(url.format(s=1, i=1, t=1, r=1, c=1, cr=1, u=1)).route for _, url, _ in MATRIX}
    missing = []
    for prefix, namespace in (("editorial/", "editorial"), ("accounts/", "accounts")):
        for pattern in get_resolver().namespace_dict[namespace][1].url_patterns:
            route = prefix + str(pattern.pattern)
            if namespace == "accounts" and not route.startswith("accounts/users/"):
                continue  # signing in and out is for everyone
            if route not in covered:
                missing.append(route)
    assert not missing, f"add these to MATRIX: {missing}"
