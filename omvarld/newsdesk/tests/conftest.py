from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from omvarld.accounts.roles import assign_role
from omvarld.demo.loader import load_demo

MINI = Path(__file__).resolve().parents[2] / "demo" / "tests" / "mini.yaml"


@pytest.fixture
def mini_map(db):
    return load_demo(MINI, with_users=False)


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


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def notice(mini_map, editor):
    from omvarld.core.models import Entity, Theme
    from omvarld.newsdesk.actions import publish_notice

    return publish_notice(
        user=editor,
        title="Amsterdam opens a circular materials hub",
        url="https://example.org/amsterdam-hub",
        source_name="Example News",
        summary="The city opens a hub for reused building materials.",
        commentary="Intressant för svenska kommuner som planerar återbruk i byggsektorn.",
        entities=[Entity.objects.get(slug="amsterdam")],
        themes=[Theme.objects.get(slug="climate-neutrality")],
    )
