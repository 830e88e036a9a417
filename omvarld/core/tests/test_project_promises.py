"""Promises that span the whole project: settings documented, translations complete, CLI works."""

import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]


def test_every_setting_is_documented_in_the_readme():
    from omvarld.lib.env import SETTINGS

    readme = (ROOT / "README.md").read_text()
    missing = [name for name in SETTINGS if f"`{name}`" not in readme]
    assert SETTINGS and not missing, f"undocumented settings: {missing}"


def _catalogues():
    return sorted((ROOT / "omvarld").rglob("locale/sv/LC_MESSAGES/django.po"))


def test_there_is_a_swedish_catalogue():
    assert _catalogues()


@pytest.mark.parametrize("po_path", _catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_swedish_translation_is_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(e.msgid, e.msgstr or tuple(e.msgstr_plural.values())) for e in mo}
    source = {(e.msgid, e.msgstr or tuple(e.msgstr_plural.values())) for e in po.translated_entries()}
    assert source <= compiled, f"{po_path.with_suffix('.mo')} is out of date: run `make messages`"


def test_the_command_lists_its_commands():
    out = subprocess.run([sys.executable, "-m", "omvarld.cli", "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("serve", "worker", "loaddemo", "reindex"):
        assert command in out
