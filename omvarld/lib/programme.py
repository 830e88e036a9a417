"""A programme profile's look, read when settings load: name, tagline, logo and colours.

A profile (YAML, see ``omvarld/programmes/profiles/``) holds a programme's whole set-up; the
taxonomy part is loaded into the database by ``omvarld new-programme``, and only this small
``programme:`` block is read at start-up. Nothing here imports Django apps.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
COLOURS = ("accent", "accent_ink", "link")


class ProfileError(ValueError):
    """The profile file cannot be used; the message says why."""


def read_profile(path: str | Path) -> dict:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProfileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("programme"), dict):
        raise ProfileError(f"{path}: a profile needs a 'programme' block with at least a name")
    return data


def read_look(path: str | Path) -> dict:
    """The programme block, checked, with the logo as an absolute path (or '')."""
    path = Path(path).resolve()
    block = read_profile(path)["programme"]
    name = str(block.get("name") or "").strip()
    if not name:
        raise ProfileError(f"{path}: programme.name is missing")
    colours = block.get("colours") or {}
    if not isinstance(colours, dict):
        raise ProfileError(f"{path}: programme.colours must be a mapping of {', '.join(COLOURS)}")
    for key, value in colours.items():
        if key not in COLOURS:
            raise ProfileError(f"{path}: unknown colour {key!r}; known: {', '.join(COLOURS)}")
        if not HEX.match(str(value)):
            raise ProfileError(f"{path}: colour {key} must look like #0b5c4b, not {value!r}")
    logo = ""
    if block.get("logo"):
        logo_path = (path.parent / str(block["logo"])).resolve()
        if logo_path.suffix.lower() not in (".svg", ".png"):
            raise ProfileError(f"{path}: the logo must be an .svg or .png file")
        if not logo_path.is_file():
            raise ProfileError(f"{path}: logo file {logo_path} not found")
        logo = str(logo_path)
    tagline = block.get("tagline") or {}
    if isinstance(tagline, str):
        tagline = {"sv": tagline, "en": tagline}
    return {"name": name, "slug": str(block.get("slug") or ""), "tagline": {k: str(v) for k, v in tagline.items()},
            "colours": {k: str(v) for k, v in colours.items()}, "logo": logo}
