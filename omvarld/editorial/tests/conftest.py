"""Named people for every role, the mini demo map, and tasks run at once."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from omvarld.accounts.roles import ADMIN, EDITOR, MEMBER, PARTNER, assign_role
from omvarld.demo.loader import load_demo

MINI = Path(__file__).resolve().parents[2] / "demo" / "tests" / "mini.yaml"
PASSWORD = "a-long-test-password-1"


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Real password hashing takes a noticeable moment per user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def mini_map(db):
    return load_demo(MINI, with_users=False)


def make_user(username: str, role: str | None):
    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.org", password=PASSWORD)
    if role:
        assign_role(user, role)
    return user


@pytest.fixture
def people(db):
    """One person per role: Ann the administrator, Eda the editor, Per the partner, Mia the member."""
    return {
        "admin": make_user("ann", ADMIN),
        "editor": make_user("eda", EDITOR),
        "partner": make_user("per", PARTNER),
        "member": make_user("mia", MEMBER),
    }


@pytest.fixture
def as_role(client, people):
    def sign_in(role):
        client.force_login(people[role])
        return client

    return sign_in
