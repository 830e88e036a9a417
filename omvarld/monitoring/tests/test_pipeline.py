"""Decisions, learning, ranked queries and the demo sources."""

import pytest

from omvarld.monitoring import actions, learning, pipeline, queries
from omvarld.monitoring.models import Entry, EntryDecision
from omvarld.monitoring.sources import Candidate
from omvarld.monitoring.text import canonical_url

pytestmark = pytest.mark.django_db


def test_canonical_url_drops_tracking():
    assert canonical_url("HTTPS://Example.org:443/a?utm_source=x&id=2&fbclid=y#top") == "https://example.org/a?id=2"
    assert canonical_url("javascript:alert(1)") == ""


def _store(n, text, title):
    ctx = pipeline.Context.load()
    item = pipeline.prepare(Candidate(guid=f"g{n}", link=f"https://e.org/{n}", title=title, html=text), ctx)
    pipeline.store(None, [item])
    return Entry.objects.get(guid=f"g{n}")


def test_decisions_train_models_that_tag_and_score(vocab, django_user_model):
    editor = django_user_model.objects.create(username="ed")
    for n in range(15):
        e = _store(n, f"Story {n}: new tram and bus lines, timetable changes and rail investments in the region.", f"Transit news {n}")
        actions.pick_entry(entry=e, user=editor, themes=[vocab["mobility"].pk])
    for n in range(15, 30):
        e = _store(n, f"Story {n}: the football club won the derby after a late penalty in the second half.", f"Sports {n}")
        actions.discard_entry(entry=e, user=editor)
    assert EntryDecision.objects.count() == 30
    assert learning.train_if_due()
    pipeline.Context._cached = None
    ctx = pipeline.Context.load()
    item = pipeline.prepare(Candidate(guid="x", link="https://e.org/x", title="Transit news", html="New tram lines and bus timetable changes in the region."), ctx)
    sport = pipeline.prepare(Candidate(guid="y", link="https://e.org/y", title="Sports", html="The football club won the derby after a penalty."), ctx)
    assert any(t.method == "model" and t.target_id == vocab["mobility"].pk for t in item.tags)
    assert item.relevance > sport.relevance


def test_ranked_entries_best_first_one_per_cluster(vocab):
    low = _store(1, "Nothing of interest here at all for anyone today.", "Plain")
    high = _store(2, "Stockholm expands district heating to new homes.", "Stockholm heat")
    assert list(queries.ranked_entries()) == [high, low]
    assert list(queries.ranked_entries(entity=vocab["stockholm"])) == [high]


def test_demo_loader_creates_sources():
    from omvarld.demo.loader import DEMO_FILE, load_demo
    from omvarld.monitoring.models import Source

    import yaml

    expected = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8")).get("sources", [])
    load_demo(with_users=False)
    assert Source.objects.count() == len(expected) > 0
    assert Source.objects.filter(entities__isnull=False).exists()
