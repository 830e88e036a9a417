"""`omvarld export` → `omvarld import` gives the same site, record by record; a damaged or
foreign file stops with a clear message and changes nothing."""

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from omvarld.core.models import Item, Theme
from omvarld.demo.loader import load_demo
from omvarld.editorial import actions, transfer
from omvarld.editorial.models import Revision, Suggestion

from .conftest import MINI, make_user

DEMO = Path(__file__).resolve().parents[2] / "demo" / "data" / "demo.yaml"
DATA_FILES = [MINI] + ([DEMO] if DEMO.exists() else [])


def _activity():
    """Some editorial history on top of the demo: users, a suggestion, edits, the trash."""
    editor, partner = make_user("eda", "editor"), make_user("per", "partner")
    make_user("ann", "admin")
    s = actions.submit_suggestion(author=partner, kind=Suggestion.Kind.NEW_ITEM, title="Idea", data={"title": "Idea", "summary": "S"})
    actions.request_changes(editor=editor, suggestion=s, comment="More")
    item = Item.objects.order_by("pk").first()
    actions.save_item(user=editor, item=item, values={"summary": "Edited"}, themes=[Theme.objects.first()], keywords=["new"],
                      placements=[(p.entity_id, p.info_category_id) for p in item.placements.all()])
    actions.trash(user=editor, obj=Item.objects.order_by("pk").last())


def _wipe():
    for label in reversed(["auth.user", *transfer.MODELS]):
        apps.get_model(label)._base_manager.all().delete()


@pytest.mark.parametrize("data_file", DATA_FILES, ids=lambda p: p.name)
def test_export_then_import_gives_the_same_site(db, tmp_path, data_file, client):
    load_demo(data_file, with_users=False)
    _activity()
    before = transfer.export_site()
    assert before["counts"]["core.item"] > 0 and before["counts"]["editorial.revision"] > 0
    path = tmp_path / "site.json"
    call_command("export", str(path))
    _wipe()
    call_command("import", str(path))
    after = transfer.export_site()
    for label in before["records"]:
        assert after["records"][label] == before["records"][label], f"{label} differs after the round trip"
    # No secrets travel: imported users cannot sign in by password until they set one.
    assert "password" not in path.read_text()
    assert not get_user_model().objects.get(username="eda").has_usable_password()
    # The imported site works: search finds items, new records get fresh ids.
    assert client.get("/search/", {"q": "Amsterdam"}).status_code == 200
    assert Item.objects.create(title="After import").pk > max(r["pk"] for r in before["records"]["core.item"])


def _counts():
    return {label: apps.get_model(label)._base_manager.count() for label in ["auth.user", *transfer.MODELS]}


@pytest.fixture
def export_text(db):
    load_demo(MINI, with_users=False)
    _activity()
    text = json.dumps(transfer.export_site(), default=str)
    _wipe()
    return text


@pytest.mark.parametrize(("damage", "message"), [
    (lambda t: t[: len(t) // 2], "not valid JSON"),
    (lambda t: json.dumps({"rss": {"channel": []}}), "not an Omvärld export"),
    (lambda t: t.replace('"version": 1', '"version": 9'), "format version 9"),
    (lambda t: t.replace("Amsterdam", "Amsterdamm", 1), "checksum does not match"),
])
def test_damaged_or_foreign_file_stops_with_a_clear_message_and_changes_nothing(export_text, tmp_path, damage, message):
    path = tmp_path / "bad.json"
    path.write_text(damage(export_text))
    before = _counts()
    with pytest.raises(CommandError, match=message):
        call_command("import", str(path))
    assert _counts() == before


def test_import_refuses_a_database_that_is_not_empty(export_text, tmp_path):
    path = tmp_path / "site.json"
    path.write_text(export_text)
    call_command("import", str(path))
    before = _counts()
    with pytest.raises(CommandError, match="not empty"):
        call_command("import", str(path))
    assert _counts() == before


def test_a_record_that_cannot_be_loaded_rolls_everything_back(export_text, tmp_path):
    data = json.loads(export_text)
    data["records"]["core.placement"][0]["fields"]["entity"] = 999999  # points nowhere
    data["checksum"] = transfer._checksum(data["records"])
    path = tmp_path / "site.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import", str(path))
    assert all(n == 0 for n in _counts().values())
    assert not Revision.objects.exists()
