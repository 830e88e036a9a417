"""Entity and theme tagging: word boundaries, acronyms, Swedish inflection, URLs ignored."""

import pytest

from omvarld.monitoring.tagging import THEME_TERMS_DIR, EntityMatcher, ThemeMatcher, default_theme_terms, describe_reason

ENTITIES = EntityMatcher([
    (1, ["Stockholm"], []), (2, ["Lund"], []), (3, ["C40", "C40 Cities"], ["C40 Cities Climate Leadership Group"]),
    (4, ["Köpenhamn", "Copenhagen"], ["København"]), (5, ["Paris"], []), (6, ["ICLEI"], ["Local Governments for Sustainability"]),
    (7, ["Viable Cities"], []),
])


def found(text):
    return {t.target_id: t for t in ENTITIES.find(text)}


@pytest.mark.parametrize("text,ids", [
    ("Stockholm bygger ut tunnelbanan.", {1}),
    ("Stockholms stad bygger ut tunnelbanan.", {1}),
    ("Stockholm's new metro line opens.", {1}),
    ("Stockholmsregionen växer.", set()),  # a compound is another word
    ("Ett lund av björkar.", set()),  # lower-case common noun is not the city of Lund
    ("Forskare i Lund och Köpenhamn samarbetar.", {2, 4}),
    ("C40-städerna möts i Köpenhamn", {3, 4}),
    ("c40 is not the acronym in lower case", set()),
    ("AC40 and C400 are other things", set()),
    ("See https://stockholm.se/nyheter and www.lund.se for more", set()),
    ("Mail info@stockholm.se", set()),
    ("ICLEI – Local Governments for Sustainability met in Bonn", {6}),
    ("Iclei written in mixed case", set()),
    ("The viable cities of tomorrow", set()),
    ("Programmet Viable Cities finansierar", {7}),
    ("PARIS AGREEMENT TURNS TEN", {5}),
    ("København og Malmø", {4}),
])
def test_entity_matching(text, ids):
    assert set(found(text)) == ids


def test_reasons_say_why():
    tags = found("C40 och Köpenhamns borgmästare")
    assert tags[3].method == "acronym" and tags[3].matched == "C40"
    assert tags[4].method == "name" and tags[4].matched == "Köpenhamns"
    assert "C40" in describe_reason(tags[3].method, tags[3].matched)


THEMES = ThemeMatcher([
    (10, ["Energi", "fjärrvärme", "solenergi"], ["Energy", "district heating", "heat pump"]),
    (11, ["Mobilitet", "kollektivtrafik"], ["Mobility", "public transport", "cycling"]),
])


@pytest.mark.parametrize("text,ids", [
    ("Fjärrvärmen byggs ut i Umeå", {10}),
    ("New heat pumps for district heating networks", {10}),
    ("Kollektivtrafiken blir gratis för unga", {11}),
    ("Cycling to work doubled as public transport fares rose", {11}),
    ("Cycling to work doubled", set()),  # one common word alone is weak evidence
    ("Mobility and cycling plans", {11}),  # two different words are enough
    ("A new mobile phone", set()),  # "mobile" shares a stem with "mobility" but is another word
    ("A story about football", set()),
])
def test_theme_matching_with_stemming(text, ids):
    assert {t.target_id for t in THEMES.find(text)} == ids


def test_theme_words_in_the_texts_language_only():
    assert THEMES.find("Energi for everyone", "en") == []
    assert {t.target_id for t in THEMES.find("Energi och fjärrvärme", "sv")} == {10}


def test_inflections_of_one_word_count_once():
    matcher = ThemeMatcher([(12, ["Medborgardialog"], ["Citizen engagement", "protest", "petition"])])
    assert matcher.find("Protests and a protest", "en") == []
    assert {t.target_id for t in matcher.find("Protests and a petition", "en")} == {12}


def test_shipped_theme_words_for_other_languages(tmp_path):
    (tmp_path / "de.txt").write_text("# comment\n[energy]\nWärmepumpe\nErdgas\n\n[unknown-theme]\nWort\n", encoding="utf-8")
    extra = default_theme_terms({"energy": 10}, tmp_path)
    assert extra == {"de": [(10, ["Wärmepumpe", "Erdgas"])]}
    matcher = ThemeMatcher([(10, ["Energi"], ["Energy"])], extra)
    assert {t.target_id for t in matcher.find("Die Stadt fördert Wärmepumpen", "de")} == {10}  # a long compound
    assert matcher.find("Erdgas wird teurer", "de") == []  # a short word alone is weak evidence
    assert matcher.find("Die Stadt fördert Wärmepumpen", "fr") == []  # only the entry's language


def test_the_shipped_german_words_name_existing_themes():
    import yaml

    from omvarld.monitoring.evaluation.evaluate import DEMO

    slugs = {t["slug"] for t in yaml.safe_load(DEMO.read_text(encoding="utf-8"))["themes"]}
    text = (THEME_TERMS_DIR / "de.txt").read_text(encoding="utf-8")
    sections = {line.strip()[1:-1] for line in text.splitlines() if line.startswith("[")}
    assert sections == slugs


@pytest.mark.parametrize("text,ids", [
    ("The Boston Globe reports on Manchester United", set()),
    ("Göteborgs universitet och Stockholms Arkitektförening", set()),
    ("She moved from South Portland to Boston.", {30}),
    ("Barcelona vann matchen mot Real", set()),
    ("Matchen spelades i Barcelona", {31}),
    ("Barcelona bygger superkvarter", {31}),
])
def test_place_names_need_their_context(text, ids):
    matcher = EntityMatcher([(30, ["Boston"], [], True), (31, ["Barcelona"], [], True), (32, ["Portland"], [], True),
                             (33, ["Manchester"], [], True), (34, ["Göteborg"], [], True), (35, ["Stockholm"], [], True)])
    assert {t.target_id for t in matcher.find(text)} == ids


def test_more_theme_words_mean_more_confidence():
    one = THEMES.find("district heating")[0]
    two = THEMES.find("district heating and heat pumps")[0]
    assert two.confidence > one.confidence
