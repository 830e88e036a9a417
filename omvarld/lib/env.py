"""Strict helpers for reading settings from the environment.

Every setting the product reads is declared in ``SETTINGS`` below with a help line; the README's
configuration table is checked against it by a test, so no setting goes undocumented.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# name -> (default shown in docs, help line)
SETTINGS: dict[str, tuple[str, str]] = {}


def _declare(name: str, default: str, help_text: str) -> None:
    SETTINGS[name] = (default, help_text)


def envstr(name: str, default: str, help_text: str) -> str:
    _declare(name, default, help_text)
    return os.environ.get(name, default)


def envbool(name: str, default: bool, help_text: str) -> bool:
    _declare(name, "true" if default else "false", help_text)
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int, help_text: str) -> int:
    _declare(name, str(default), help_text)
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envsecret(name: str, default: str, help_text: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (for container secrets)."""
    _declare(name, default, help_text + f" (or {name}_FILE: a file holding it)")
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)
