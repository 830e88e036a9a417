from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from omvarld.accounts.roles import assign_role
from omvarld.core.models import Entity, EntityRelation
from omvarld.demo.loader import load_demo

MINI = Path(__file__).resolve().parents[2] / "demo" / "tests" / "mini.yaml"

COORDS = {"copenhagen": (55.68, 12.57), "c40": (51.51, -0.13), "oslo": (59.91, 10.75)}


@pytest.fixture(autouse=True)
def empty_cache():
    """Map answers are cached under the content version; each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def atlas_map(db):
    """The small demo map with coordinates for every entity and a chain of relations:
    Oslo –collaborates with→ Copenhagen –member of→ C40 ←member of– Amsterdam."""
    load_demo(MINI, with_users=False)
    for slug, (lat, lon) in COORDS.items():
        Entity.objects.filter(slug=slug).update(latitude=lat, longitude=lon)
    ents = {e.slug: e for e in Entity.objects.all()}
    EntityRelation.objects.create(source=ents["copenhagen"], kind="member_of", target=ents["c40"])
    EntityRelation.objects.create(source=ents["oslo"], kind="collaborates_with", target=ents["copenhagen"], note="Nordic heat")
    return ents


def _user(name, role):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw-" + name)
    assign_role(user, role)
    return user


@pytest.fixture
def editor(db):
    return _user("edith", "editor")


@pytest.fixture
def member(db):
    return _user("mats", "member")
