"""Sister programmes side by side: two installations made by `omvarld new-programme`, each with its
own data folder and database, and nothing of one in the other's pages, search, feeds, API or
newsletter (MISSION M12)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from omvarld.lib.programme import ProfileError, read_look
from omvarld.programmes.actions import create_programme

HERE = Path(__file__).resolve().parent
PROFILES = HERE.parent / "profiles"
ROOT = HERE.parents[2]


def _env(programme_env: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_NAME", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    for line in programme_env.read_text().splitlines():
        key, _, value = line.partition("=")
        env[key] = value
    return env


def _run(env, *args):
    result = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_two_programmes_share_nothing(tmp_path):
    alpha_env = create_programme(PROFILES / "viable-cities.yaml", tmp_path / "alpha", with_content=False)
    beta_env = create_programme(PROFILES / "mobility.yaml", tmp_path / "beta")
    alpha, beta = _env(alpha_env), _env(beta_env)
    _run(alpha, "-m", "omvarld.cli", "loaddemo", "--no-users", "--file", str(HERE / "content_alpha.yaml"))
    _run(beta, "-m", "omvarld.cli", "loaddemo", "--no-users", "--file", str(HERE / "content_beta.yaml"))
    assert (tmp_path / "alpha" / "omvarld.sqlite3").exists() and (tmp_path / "beta" / "omvarld.sqlite3").exists()

    own = {"alpha": ["Alfastad"], "beta": ["Betahubb"]}
    terms = ["Alfastad", "Betahubb"]
    seen = {name: json.loads(_run(env, str(HERE / "probe.py"), *terms)) for name, env in (("alpha", alpha), ("beta", beta))}
    assert seen["alpha"]["site_name"] == "Viable Cities Omvärld"
    assert seen["beta"]["site_name"] == "Omvärld Mobilitet"

    # Words that belong to one programme only: its content, its name, its themes and categories.
    foreign = {
        "alpha": ["Betahubb", "Beta Hub", "Betahubb driverless shuttle trial", "Betahubb notice on charging", "Omvärld Mobilitet", "Självkörande fordon", "Operatörer och företag", "Eltis", "#5a2a82"],
        "beta": ["Alfastad", "Alfa City", "Alfastad circular district pilot", "Alfastad notice on heat networks", "Viable Cities", "Klimatneutralitet", "Fjärrvärme", "Eurocities", "#0b5c4b"],
    }
    for name, result in seen.items():
        pages = result["pages"]
        failed = {url: status for url, (status, _) in pages.items() if status != 200}
        assert failed == {}, (name, failed)
        everything = "\n".join(body for _, body in pages.values())
        # A search for a foreign word echoes the word itself; there only whole foreign titles count.
        leaks = {word: [url for url, (_, body) in pages.items() if word in body and f"q={word}" not in url] for word in foreign[name]}
        assert {w: urls for w, urls in leaks.items() if urls} == {}, name
        for word in own[name]:
            for url in (f"/search/?q={word}", f"/api/v1/items?q={word}", "/api/v1/entities", "/news/feed.atom", "/map/data.json"):
                assert word in pages[url][1], (name, url)
        assert result["site_name"] in pages["/"][1]
        assert "newsletter-week" in pages and own[name][0] in everything

    # Each site shows its own look.
    assert "#0b5c4b" in seen["alpha"]["pages"]["/programme/look.css"][1]
    assert "#5a2a82" in seen["beta"]["pages"]["/programme/look.css"][1]
    assert "Självkörande fordon" in seen["beta"]["pages"]["/"][1]


def test_a_bad_profile_changes_nothing(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("programme:\n  name: X\n  colours: {accent: green}\nmain_categories: []\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="colour accent"):
        create_programme(bad, tmp_path / "site")
    assert not (tmp_path / "site").exists()
    bad.write_text("programme:\n  name: X\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="main_categories"):
        create_programme(bad, tmp_path / "site")
    bad.write_text("programme: [", encoding="utf-8")
    with pytest.raises(ProfileError, match="YAML"):
        create_programme(bad, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_an_existing_folder_is_refused(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "keep.txt").write_text("mine")
    with pytest.raises(ProfileError, match="not empty"):
        create_programme(PROFILES / "mobility.yaml", tmp_path / "site")
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["keep.txt"]


def test_shipped_profiles_have_a_valid_look():
    for name in ("viable-cities.yaml", "mobility.yaml"):
        look = read_look(PROFILES / name)
        assert look["name"] and look["colours"]["accent"].startswith("#") and Path(look["logo"]).is_file()
