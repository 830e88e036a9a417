"""What every source kind provides: ``Kind`` (the extension point) and the values it returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class ParseError(Exception):
    """The response could not be turned into entries; ``key`` is a message key in ``errors``."""

    def __init__(self, key: str, **params):
        super().__init__(key, params)
        self.key = key
        self.params = params


@dataclass
class Candidate:
    """One entry as a source kind found it, before cleaning."""

    guid: str
    link: str
    title: str
    html: str = ""  # summary or content, as published (unsafe until sanitised)
    published: dt.datetime | None = None
    text: str = ""  # plain text when the kind already has it (web pages)
    # Whether the link identifies the story (feeds); a watched page keeps one link for every change.
    link_is_identity: bool = True


@dataclass
class Harvest:
    """What one fetch of a source yielded."""

    candidates: list[Candidate] = field(default_factory=list)
    title: str = ""
    site_url: str = ""
    ttl_s: int | None = None  # the feed's own refresh hint (RSS <ttl>), if any
    content_hash: str = ""  # watched pages: fingerprint of the watched part
    parser: str = ""  # which parser read it, for measurements


class Kind:
    """A source kind. Subclass it in ``sources/<name>/adapter.py`` and register it.

    ``name``
        stored in ``Source.kind``.
    ``label``
        shown to editors.
    ``respect_robots``
        whether fetches of this kind must be allowed by the site's robots.txt.
    """

    name = ""
    label = ""
    respect_robots = False

    def sniff(self, body: bytes, content_type: str) -> bool:
        """Whether this kind can read a body of this shape (used by ``omvarld inspect``)."""
        raise NotImplementedError

    def harvest(self, body: bytes, *, url: str, content_type: str = "", charset: str | None = None,
                css_selector: str = "", previous_hash: str = "") -> Harvest:
        """Turn a response body into candidates; raise ``ParseError`` for input it cannot use."""
        raise NotImplementedError
