"""Decisions, learning, ranked queries and the demo sources."""

import pytest

from omvarld.monitoring import actions, learning, pipeline, queries, theme_model
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


def _teach(vocab, editor):
    for n in range(15):
        e = _store(n, f"Story {n}: new tram and bus lines, timetable changes and rail investments in the region.", f"Transit news {n}")
        actions.pick_entry(entry=e, user=editor, themes=[vocab["mobility"].pk])
    for n in range(15, 30):
        e = _store(n, f"Story {n}: the football club won the derby after a late penalty in the second half.", f"Sports {n}")
        actions.discard_entry(entry=e, user=editor)


def _prepare(text, title="News"):
    return pipeline.prepare(Candidate(guid=title, link=f"https://e.org/{title}", title=title, html=text), pipeline.Context.load())


def test_decisions_train_models_that_tag_and_score(vocab, django_user_model):
    transit = "New tram lines and bus timetable changes in the region."
    before = _prepare(transit, "Transit news")
    assert vocab["mobility"].pk not in {t.target_id for t in before.tags}  # no synonym names it
    _teach(vocab, django_user_model.objects.create(username="ed"))
    assert EntryDecision.objects.count() == 30
    assert learning.train_if_due()
    pipeline.Context._cached = None
    ctx = pipeline.Context.load()
    assert ctx.theme_model.decisions == 15  # the seed set plus the picks: one theme model
    item = _prepare(transit, "Transit news")
    sport = _prepare("The football club won the derby after a penalty.", "Sports")
    tag = next(t for t in item.tags if t.target_id == vocab["mobility"].pk)
    assert tag.method == "model" and tag.confidence >= theme_model.SUGGEST_THRESHOLD
    assert not [t for t in sport.tags if t.kind == "theme"]
    assert item.relevance > sport.relevance


def test_an_editor_removing_a_theme_changes_the_model(vocab, django_user_model):
    """Picked with the theme confirmed, then re-picked without it: the latest decision counts."""
    editor = django_user_model.objects.create(username="ed")
    _teach(vocab, editor)
    learning.train_if_due(force=True)
    pipeline.Context._cached = None
    text = "New tram lines and bus timetable changes in the region."
    taught = pipeline.Context.load().theme_model.probabilities([text])[0][vocab["mobility"].slug]
    for e in Entry.objects.filter(title__startswith="Transit"):
        actions.pick_entry(entry=e, user=editor, themes=[])
    learning.train_if_due(force=True)
    pipeline.Context._cached = None
    untaught = pipeline.Context.load().theme_model.probabilities([text])[0].get(vocab["mobility"].slug, 0.0)
    assert taught >= theme_model.SUGGEST_THRESHOLD > untaught
    assert vocab["mobility"].pk not in {t.target_id for t in _prepare(text, "Again").tags}


def test_discards_do_not_teach_the_theme_model_that_a_theme_is_absent():
    rows = theme_model.decision_rows([
        (1, "a housing story from elsewhere", "discarded", []),
        (2, "district heating news", "picked", ["energy"]),
        (2, "district heating news", "discarded", []),  # older decision on the same entry
        (3, "a tip", "tip", []),
    ])
    assert rows == [{"source": "decision#2", "text": "district heating news", "themes": ["energy"]}]


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
