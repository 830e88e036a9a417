"""#18 (8): a file whose checksum matches is still checked record by record; nothing is imported
from a refused file."""

import copy
import json

import pytest
from django.apps import apps

from omvarld.demo.loader import load_demo
from omvarld.editorial import transfer

from .conftest import MINI, make_user


@pytest.fixture
def export(db):
    load_demo(MINI, with_users=False)
    make_user("eda", "editor")
    data = transfer.export_site()
    for label in reversed(["auth.user", *transfer.MODELS]):
        apps.get_model(label)._base_manager.all().delete()
    return data


def _reseal(data):
    """What anyone can do: the checksum has no secret."""
    data["counts"] = {label: len(rows) for label, rows in data["records"].items()}
    data["checksum"] = transfer._checksum(data["records"])
    return json.dumps(data, default=str)


def _refused(text, *words):
    with pytest.raises(transfer.ImportRefused) as refused:
        transfer.import_site(transfer.read_export(text))
    for word in words:
        assert word in str(refused.value)
    assert transfer._content_present() == []  # nothing was imported


def test_a_resealed_file_still_loads_when_it_is_valid(export):
    counts = transfer.import_site(transfer.read_export(_reseal(copy.deepcopy(export))))
    assert counts["core.item"] == len(export["records"]["core.item"]) > 0


@pytest.mark.parametrize("label,field,value,words", [
    ("core.item", "type", "malware", ["core.item", "type"]),
    ("core.item", "title", "x" * 301, ["core.item", "title"]),
    ("core.item", "url", "javascript:alert(1)", ["core.item", "url"]),
    ("core.entity", "slug", "not a slug!", ["core.entity", "slug"]),
])
def test_a_resealed_file_with_an_invalid_record_is_refused(export, label, field, value, words):
    data = copy.deepcopy(export)
    data["records"][label][0]["fields"][field] = value
    _refused(_reseal(data), *words)


def test_a_user_with_an_invalid_name_is_refused(export):
    data = copy.deepcopy(export)
    data["records"]["auth.user"][0]["fields"]["username"] = "bad name with spaces and <b>"
    _refused(_reseal(data), "auth.user", "username")


def test_a_reference_to_a_missing_record_is_refused(export):
    data = copy.deepcopy(export)
    data["records"]["core.placement"][0]["fields"]["entity"] = 999_999
    _refused(_reseal(data))


def test_header_counts_must_match(export):
    data = copy.deepcopy(export)
    text = _reseal(data)
    data = json.loads(text)
    data["counts"]["core.item"] += 1
    with pytest.raises(transfer.ImportRefused, match="counts"):
        transfer.read_export(json.dumps(data))


def test_a_primary_key_given_twice_is_refused(export):
    data = copy.deepcopy(export)
    data["records"]["core.item"].append(copy.deepcopy(data["records"]["core.item"][0]))
    with pytest.raises(transfer.ImportRefused, match="twice"):
        transfer.read_export(_reseal(data))
    assert transfer._content_present() == []


def test_a_json_key_given_twice_is_refused(export):
    text = _reseal(copy.deepcopy(export))
    doubled = text.replace('"format": "omvarld-export"', '"format": "omvarld-export", "format": "omvarld-export"', 1)
    with pytest.raises(transfer.ImportRefused, match="twice"):
        transfer.read_export(doubled)
