import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from omvarld.accounts.roles import assign_role
from omvarld.demo.loader import load_demo

MINI = Path(__file__).resolve().parents[2] / "demo" / "tests" / "mini.yaml"


@pytest.fixture
def mini_map(db):
    return load_demo(MINI, with_users=False)


def make_user(name, role="member"):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw-" + name)
    assign_role(user, role)
    return user


@pytest.fixture
def member(db):
    return make_user("mats")


@pytest.fixture
def other_member(db):
    return make_user("olga")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def add_entry(source, title, *, days_ago=1.0, entities=(), themes=(), status="new", cluster=None, relevance=0.5, language="en"):
    from omvarld.monitoring.models import Entry, EntryTag

    at = timezone.now() - dt.timedelta(days=days_ago)
    n = Entry.objects.count()
    entry = Entry.objects.create(source=source, guid=f"g{n}-{title}", url=f"https://news.example.org/{n}", title=title,
                                 text=title + ". Body text.", language=language, fetched_at=at, published_at=at,
                                 content_hash=f"h{n}", status=status, cluster=cluster, relevance=relevance)
    for e in entities:
        EntryTag.objects.create(entry=entry, entity=e, method="name", matched=e.name_en)
    for t in themes:
        EntryTag.objects.create(entry=entry, theme=t, method="synonym", matched=t.label_en)
    return entry


def add_source(name, priority=2):
    from omvarld.monitoring.models import Source

    return Source.objects.create(kind="feed", url=f"https://{name}.example.org/feed", host=f"{name}.example.org", title=name, priority=priority)


@pytest.fixture
def stream(mini_map):
    """Three sources and a few recent entries about the mini map's entities and themes."""
    from omvarld.core.models import Entity, Item, Theme

    # The mini map's C40 report was just updated, so it is a new map item for the feed.
    Item.objects.filter(title="C40 annual report").update(updated_at=timezone.now() - dt.timedelta(days=2))
    c40, ams, cph = (Entity.objects.get(slug=s) for s in ("c40", "amsterdam", "copenhagen"))
    energy, climate = Theme.objects.get(slug="energy"), Theme.objects.get(slug="climate-neutrality")
    a, b, c = add_source("alpha"), add_source("beta"), add_source("gamma", priority=3)
    entries = {
        "c40": add_entry(a, "C40 mayors agree on clean construction", entities=[c40], themes=[climate]),
        "heat": add_entry(b, "Copenhagen expands district heating with heat pumps", entities=[cph], themes=[energy]),
        "ams": add_entry(c, "Amsterdam doughnut economics review published", entities=[ams]),
        "other": add_entry(c, "Football results of the weekend", days_ago=0.5),
    }
    return {"sources": (a, b, c), "entries": entries, "c40": c40, "amsterdam": ams, "copenhagen": cph, "energy": energy, "climate": climate}
