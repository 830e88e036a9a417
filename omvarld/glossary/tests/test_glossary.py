from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from omvarld.core import expansion, search
from omvarld.core.models import Item, Theme
from omvarld.demo.loader import DEMO_FILE, load_demo
from omvarld.glossary.evaluation import evaluate, read_pairs
from omvarld.glossary.models import Term
from omvarld.glossary.seed import read_pairs as read_seed


@pytest.fixture(autouse=True)
def fresh_vocabulary():
    expansion.invalidate()
    yield
    expansion.invalidate()


def _item(title, summary="", language="sv"):
    return Item.objects.create(
        type=Item.Type.LINK, title=title, summary=summary, url=f"https://example.org/{abs(hash(title))}",
        language=language, status=Item.Status.PUBLISHED,
    )


def _ids(q):
    return {h.object_id for h in search.find(q, kinds=("item",))}


def test_seed_file_is_well_formed_and_large_enough():
    pairs = read_seed()
    assert len(pairs) >= 200
    assert ("fjärrvärme", "district heating") in pairs
    assert ("kollektivtrafik", "public transport") in pairs
    assert ("cykelinfrastruktur", "cycling infrastructure") in pairs
    assert ("klimatneutral", "climate neutral") in pairs
    assert "written for the project" in Path(__file__).resolve().parents[1].joinpath("data", "glossary.tsv").read_text()


@pytest.mark.django_db
def test_migration_seeds_the_glossary():
    assert Term.objects.filter(sv="fjärrvärme", en="district heating").exists()
    assert Term.objects.count() == len(set(read_seed()))


@pytest.mark.django_db
def test_english_query_finds_swedish_item_and_back():
    heat = _item("Fjärrvärmenätet byggs ut i Lund")
    bus = _item("New public transport lines", language="en")
    _item("Heating in the district school", "The district is cold")  # the words, not the term
    assert heat.pk in _ids("district heating")
    assert heat.pk in _ids("fjärrvärme")
    assert bus.pk in _ids("kollektivtrafik")
    assert _ids("kollektivtrafik") == {bus.pk}


@pytest.mark.django_db
def test_multi_word_term_is_a_phrase_not_loose_words():
    near = _item("District heating for all", language="en")
    apart = _item("Heating costs rose", "in a district far away " * 3, language="en")
    hits = _ids("fjärrvärme")
    assert near.pk in hits and apart.pk not in hits
    # The words as typed still match anywhere, as they did before expansion.
    assert apart.pk in _ids("district heating")


@pytest.mark.django_db
def test_editor_added_term_takes_effect_at_once():
    item = _item("Ny strandpromenad invigd")
    assert item.pk not in _ids("seaside promenade")
    Term(sv="strandpromenad", en="seaside promenade").full_clean()
    Term.objects.create(sv="strandpromenad", en="seaside promenade")
    assert item.pk in _ids("seaside promenade")
    Term.objects.filter(sv="strandpromenad").delete()
    assert item.pk not in _ids("seaside promenade")


@pytest.mark.django_db
def test_theme_labels_are_equivalents():
    Theme.objects.create(slug="water", label_sv="Vattenförsörjning", label_en="Water supply")
    item = _item("Vattenförsörjning i kris")
    assert item.pk in _ids("water supply")


def test_bad_term_is_rejected():
    with pytest.raises(ValidationError):
        Term(sv="  ", en="x").clean()
    with pytest.raises(ValidationError):
        Term(sv="a b c d e f g", en="x").clean()


def test_match_expressions_for_both_engines():
    vocab = expansion.build([["fjärrvärme", "district heating"]])
    groups = expansion.expand("district heating in Malmö", vocab)
    assert groups == [[("district", "heating"), ("fjärrvärme",)], [("malmö",)]]
    saved = expansion.vocabulary
    expansion.vocabulary = lambda: vocab
    try:
        fts = expansion.match_expression("fjärrvärme", "sqlite")
        ts = expansion.match_expression("fjärrvärme", "postgresql")
    finally:
        expansion.vocabulary = saved
    assert 'NEAR("district"* "heat"*, 4)' in fts
    assert "'district':* <1> 'heat':*" in ts and "'heat':* <1> 'district':*" in ts


@pytest.mark.django_db
def test_cross_language_recall_on_the_demo_map(capsys):
    load_demo(DEMO_FILE, with_users=False)
    assert len(read_pairs()) >= 60
    f = evaluate().figures()
    assert f["pairs_with_hits"] >= 60
    assert f["en_recall"] >= 0.90
    assert f["sv_recall"] >= f["sv_recall_before"]  # no drop for the Swedish query
    assert f["sv_kept"] == 1.0  # and it loses none of the items it found before
    assert f["en_recall_before_vs_union_now"] < 0.5  # without expansion English misses most
    call_command("evaluate-search")
    out = capsys.readouterr().out
    assert "with expansion" in out and '"en_recall"' in out


@pytest.mark.django_db
def test_editors_find_and_add_terms_in_the_admin(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root")
    client.force_login(admin)
    page = client.get("/admin/glossary/term/?q=fjärrvärme")
    assert page.status_code == 200
    assert "district heating" in page.content.decode()
    client.post("/admin/glossary/term/add/", {"sv": "strandpromenad", "en": "seaside promenade", "note": ""})
    assert Term.objects.filter(sv="strandpromenad", en="seaside promenade").exists()
    client.post("/admin/glossary/term/add/", {"sv": " ", "en": "nothing", "note": ""})
    assert not Term.objects.filter(en="nothing").exists()
