"""Full-text search: stemming in both languages, prefixes for compounds, AND semantics, snippets."""

import pytest

from omvarld.core import search
from omvarld.core.models import Item
from omvarld.demo.loader import load_demo

MINI = __import__("pathlib").Path(__file__).parents[2] / "demo" / "tests" / "mini.yaml"


@pytest.fixture
def mini(db):
    load_demo(MINI, with_users=False)


def titles(hits):
    ids = [h.object_id for h in hits if h.kind == "item"]
    return {t for t in Item.objects.filter(id__in=ids).values_list("title", flat=True)}


def test_swedish_word_finds_inflected_form(mini):
    # "fjärrvärme" is indexed from "Fjärrvärmen" (definite form) and "fjärrvärmebolag" (compound).
    assert titles(search.find("fjärrvärme")) == {"HOFOR district heating"}


def test_english_stemming(mini):
    assert "HOFOR district heating" in titles(search.find("district heat"))


def test_every_word_must_match(mini):
    assert titles(search.find("district amsterdam")) == set()


def test_entity_found_by_alias(mini):
    hits = search.find("København", kinds=("entity",))
    assert len(hits) == 1


def test_acronym_with_digits(mini):
    assert "C40 annual report" in titles(search.find("C40"))


def test_unpublished_items_are_not_indexed(mini):
    item = Item.objects.get(title="C40 annual report")
    item.status = Item.Status.DRAFT
    item.save()
    assert "C40 annual report" not in titles(search.find("annual"))


def test_query_syntax_characters_are_harmless(mini):
    for q in ['"', "AND OR NOT", "*", "c40)", "'; DROP TABLE", "NEAR(", "-", "ä:*"]:
        search.find(q)  # must not raise


def test_highlight_marks_matches_and_escapes():
    text = "Köpenhamns <b>fjärrvärmenät</b> byggs ut"
    out = search.highlight(text, "fjärrvärme")
    assert "<mark>&lt;b&gt;fjärrvärmenät&lt;/b&gt;</mark>" in out
    assert "<b>" not in out


def _items(n, title):
    from omvarld.core import indexing  # noqa: F401  (indexing on save)

    return [Item.objects.create(title=f"{title} {i}", type=Item.Type.REPORT, status=Item.Status.PUBLISHED) for i in range(n)]


def test_ranking_within_the_candidates_matches_full_ranking_below_the_bound(mini, monkeypatch):
    _items(3, "Energy plan")
    unbounded = [(h.kind, h.object_id) for h in search.find("energy")]
    monkeypatch.setattr(search, "CANDIDATES", len(unbounded) + 1)
    assert [(h.kind, h.object_id) for h in search.find("energy")] == unbounded
    scores = [h.score for h in search.find("energy")]
    assert scores == sorted(scores, reverse=True)


def test_a_very_common_word_is_ranked_within_its_newest_matches_and_keeps_entities(mini, monkeypatch):
    items = _items(6, "Copenhagen energy")
    monkeypatch.setattr(search, "CANDIDATES", 4)
    hits = search.find("copenhagen")
    item_ids = {h.object_id for h in hits if h.kind == "item"}
    assert item_ids == {it.id for it in items[-4:]}, "the newest four matches are ranked"
    assert [h for h in hits if h.kind == "entity"], "the entity Copenhagen is found however common the word"
    assert len(search.find("copenhagen", kinds=("item",))) == 4
