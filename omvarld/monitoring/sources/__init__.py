"""Source kinds as plug-ins: each kind is a sub-package with an ``adapter.py`` holding a ``Kind``.

Built-in kinds are listed in ``BUILTIN_KINDS`` and registered the same way a new kind would be,
through ``register``. A kind turns a fetched response into candidate entries; everything after
that (cleaning, deduplication, tagging, scoring, storing) is the shared pipeline's job.

To add a kind, copy ``webpage/`` and register the new package here.
"""

from __future__ import annotations

from importlib import import_module

from omvarld.monitoring.sources.base import Candidate, Harvest, Kind, ParseError

__all__ = ["Candidate", "Harvest", "Kind", "ParseError", "register", "get_kind", "all_kinds", "sniff_kind"]

BUILTIN_KINDS = ["omvarld.monitoring.sources.feed.adapter", "omvarld.monitoring.sources.webpage.adapter"]

_REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _REGISTRY[kind.name] = kind
    return kind


def _load() -> None:
    if not _REGISTRY:
        for module in BUILTIN_KINDS:
            register(import_module(module).Kind())


def get_kind(name: str) -> Kind:
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ParseError("parse_not_feed") from None


def all_kinds() -> list[Kind]:
    _load()
    return list(_REGISTRY.values())


def kind_choices() -> list[tuple[str, str]]:
    return [(k.name, k.label) for k in all_kinds()]


def sniff_kind(body: bytes, content_type: str = "") -> Kind | None:
    """The first kind that says it can read this body, in registration order."""
    for kind in all_kinds():
        if kind.sniff(body, content_type):
            return kind
    return None
