"""Operator commands: inspect, import-opml, export-opml, fetch."""

import json

import pytest
from django.core.management import CommandError, call_command

from omvarld.monitoring.models import Entry, Source
from omvarld.monitoring.tests.test_sources import make_source, rss

pytestmark = pytest.mark.django_db


def run(*args):
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_inspect_feed_file_as_json(vocab, data_dir):
    entries = json.loads(run("inspect", str(data_dir / "feeds/real/rsparser/DaringFireball.json"), "--json"))
    assert len(entries) == 48
    for e in entries:
        assert {"link", "title", "language", "text", "entities", "themes"} <= set(e)
    assert entries[0]["language"] == "en" and entries[0]["link"].startswith("https://daringfireball.net/")
    assert Entry.objects.count() == 0  # nothing stored


def test_inspect_text_file_tags_with_reasons(vocab, tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Stockholms stad bygger ut fjärrvärmen\n\nStockholm och C40 samarbetar om fjärrvärme och solenergi i hela staden.", encoding="utf-8")
    entries = json.loads(run("inspect", str(path), "--json"))
    assert len(entries) == 1
    e = entries[0]
    assert e["language"] == "sv" and e["title"] == "Stockholms stad bygger ut fjärrvärmen"
    assert {t["name"] for t in e["entities"]} == {"Stockholm", "C40"}
    assert all(t["reason"] for t in e["entities"] + e["themes"])
    assert [t["name"] for t in e["themes"]] == ["Energi"]
    human = run("inspect", str(path))
    assert "Kind: text" in human and "C40" in human


def test_inspect_html_page(vocab, data_dir):
    entries = json.loads(run("inspect", str(data_dir / "extraction/mozilla-readability/citylab-1/source.html"), "--json"))
    assert len(entries) == 1 and len(entries[0]["text"]) > 1000


@pytest.mark.parametrize("content", [b"\x00\x01\x02\x03binary" * 100, b""])
def test_inspect_unusable_input_fails_with_plain_error(tmp_path, content):
    path = tmp_path / "junk.bin"
    path.write_bytes(content)
    import io

    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("inspect", str(path), "--json", stdout=out)
    assert exc.value.returncode != 0
    assert "error" in json.loads(out.getvalue())


def test_inspect_refuses_private_addresses():
    with pytest.raises(CommandError) as exc:
        call_command("inspect", "http://127.0.0.1:9/feed")
    assert "den här datorn" in str(exc.value)  # commands speak the site's language, Swedish by default


def test_opml_commands_round_trip(tmp_path):
    from omvarld.monitoring.tests.test_opml import EXPECTED, FIXTURES

    for name, expected in EXPECTED.items():
        if isinstance(expected, str):  # refused whole, with a plain English message
            with pytest.raises(CommandError, match="is not a subscription list"):
                run("import-opml", str(FIXTURES / name))
        else:
            assert "feeds added" in run("import-opml", str(FIXTURES / name))
    count = Source.objects.count()
    assert count > 400
    out = tmp_path / "out.opml"
    call_command("export-opml", str(out))
    before = {(s.url, s.title, s.category) for s in Source.objects.all()}
    Source.objects.all().delete()
    assert run("import-opml", str(out)).strip() == f"{count} feeds added, 0 already present, 0 skipped as unsafe addresses, 0 unreadable."
    assert {(s.url, s.title, s.category) for s in Source.objects.all()} == before


def test_fetch_command(loopback, server):
    source = make_source(server.add("/feed", rss({"title": "One", "link": "https://e.org/1", "guid": "1", "body": "x"})), paused=True)
    assert "1 new" in run("fetch", str(source.pk))
    bad = make_source(server.add("/gone", b"", 410))
    with pytest.raises(CommandError, match="410"):
        run("fetch", bad.url)
