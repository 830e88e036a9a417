from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from omvarld.accounts.roles import EDITOR, MEMBER, assign_role
from omvarld.analytics import privacy
from omvarld.demo.loader import load_demo

MINI = Path(__file__).resolve().parents[2] / "demo" / "tests" / "mini.yaml"

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IP = "203.0.113.77"
# What a person's browser sends when following a link.
BROWSER = {
    "HTTP_USER_AGENT": FIREFOX,
    "HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "HTTP_ACCEPT_LANGUAGE": "sv-SE,sv;q=0.8,en-US;q=0.5",
    "HTTP_SEC_FETCH_MODE": "navigate",
    "REMOTE_ADDR": IP,
}


@pytest.fixture(autouse=True)
def write_at_once(settings):
    settings.ANALYTICS_FLUSH_SECONDS = 0
    privacy.salts.forget()
    yield
    privacy.salts.forget()


@pytest.fixture
def mini_map(db):
    return load_demo(MINI, with_users=False)


def make_user(username, role, **fields):
    user = get_user_model().objects.create_user(username=username, email=f"{username}@example.org", password="x-long-password-1", **fields)
    assign_role(user, role)
    return user


@pytest.fixture
def editor(db):
    return make_user("edith", EDITOR)


@pytest.fixture
def member(db):
    # A large id, so that finding it in a numeric column cannot be a coincidence.
    return make_user("privacy-member", MEMBER, id=987_654)
