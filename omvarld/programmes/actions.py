"""Making a new programme's site from a profile: its own data folder and database, sharing nothing
with any other programme on the machine (MISSION M12)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from omvarld.lib.programme import ProfileError, read_look, read_profile

TAXONOMY_KEYS = ("regions", "themes", "main_categories", "sources")


def read_taxonomy(path: Path) -> dict:
    """Regions, themes, categories and sources of a map file; sources lose their entity links,
    since the entities are content, not taxonomy."""
    try:
        other = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path}: cannot be read as YAML ({exc})") from None
    out = {k: other[k] for k in TAXONOMY_KEYS if k in other}
    out["sources"] = [{k: v for k, v in s.items() if k != "entities"} for s in out.get("sources", [])]
    return out


def check_profile(path: Path) -> tuple[dict, dict, Path | None]:
    """The profile, its look and its content file; raises ProfileError with the reason."""
    data = read_profile(path)
    look = read_look(path)
    for key in TAXONOMY_KEYS:
        if key in data and not isinstance(data[key], list):
            raise ProfileError(f"{path}: {key} must be a list")
    if data.get("taxonomy"):
        # Taxonomy kept in another file (the demo's): taken over so the programme's copy is whole.
        source = (path.parent / str(data["taxonomy"])).resolve()
        if not source.is_file():
            raise ProfileError(f"{path}: taxonomy file {source} not found")
        other = read_taxonomy(source)
        data = {**{k: v for k, v in other.items() if k in TAXONOMY_KEYS}, **data}
        data.pop("taxonomy")
    content = None
    if data.get("content"):
        content = (path.parent / str(data["content"])).resolve()
        if not content.is_file():
            raise ProfileError(f"{path}: content file {content} not found")
    if not data.get("main_categories"):
        raise ProfileError(f"{path}: a profile needs main_categories (inline or from its taxonomy file)")
    for cat in data.get("main_categories", []):
        if not isinstance(cat, dict) or not cat.get("slug") or not (cat.get("name_sv") or cat.get("name_en")):
            raise ProfileError(f"{path}: every main category needs a slug and a name")
    for theme in data.get("themes", []):
        if not isinstance(theme, dict) or not theme.get("slug") or not (theme.get("label_sv") or theme.get("label_en")):
            raise ProfileError(f"{path}: every theme needs a slug and a label")
    return data, look, content


def create_programme(profile: Path, target: Path, *, database_url: str = "", with_content: bool = True, out=None) -> Path:
    """Create ``target`` with the programme's database, profile copy, logo and an env file.

    Refuses a target folder that exists and is not empty. If any step fails the folder is removed,
    so a failed run leaves nothing behind.
    """
    profile = Path(profile).resolve()
    target = Path(target).resolve()
    data, look, content = check_profile(profile)
    if target.exists() and any(target.iterdir()):
        raise ProfileError(f"{target} exists and is not empty: a programme gets a folder of its own")
    target.mkdir(parents=True, exist_ok=True)
    try:
        own = {k: v for k, v in data.items() if k not in ("content", "taxonomy")}
        if look["logo"]:
            logo = Path(look["logo"])
            shutil.copy2(logo, target / logo.name)
            own["programme"] = {**own["programme"], "logo": logo.name}
        own_profile = target / "profile.yaml"
        own_profile.write_text(
            f"# The profile this programme was made from ({profile.name}); the site reads its look from here.\n"
            + yaml.safe_dump(own, allow_unicode=True, sort_keys=False), encoding="utf-8",
        )
        env_lines = [f"OMVARLD_DATA_DIR={target}", f"OMVARLD_PROFILE={own_profile}"]
        if database_url:
            env_lines.append(f"DATABASE_URL={database_url}")
        env = {k: v for k, v in os.environ.items() if k not in ("SITE_NAME", "DJANGO_SETTINGS_MODULE")}
        env.update(OMVARLD_DATA_DIR=str(target), OMVARLD_PROFILE=str(own_profile), DATABASE_URL=database_url,
                   DJANGO_SETTINGS_MODULE="omvarld.settings")
        steps = [["migrate", "--no-input", "-v0"]]
        if any(k in own for k in TAXONOMY_KEYS):
            steps.append(["loaddemo", "--no-users", "--file", str(own_profile)])
        if content is not None and with_content:
            steps.append(["loaddemo", "--no-users", "--file", str(content)])
        for step in steps:
            result = subprocess.run([sys.executable, "-m", "omvarld.cli", *step], env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise ProfileError(f"omvarld {step[0]} failed for the new programme:\n{result.stderr[-2000:]}")
            if out is not None and result.stdout.strip():
                out.write(result.stdout)
        (target / "programme.env").write_text("\n".join(env_lines) + "\n", encoding="utf-8")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target / "programme.env"
