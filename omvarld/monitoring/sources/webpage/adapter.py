"""Watched web pages: a new entry each time the watched part of the page changes.

The watched part is the whole page's main text (extracted by trafilatura), or the elements an
optional CSS selector picks. Fetches of this kind respect the site's robots.txt.
"""

from __future__ import annotations

import hashlib
import re

from django.utils.translation import gettext_lazy as _

from omvarld.monitoring.sources import base

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-:]+)""", re.I)


def decode_html(body: bytes, charset: str | None = None) -> str:
    """The page as text: the HTTP charset, else a <meta charset>, else UTF-8, else Windows-1252."""
    candidates = [charset] if charset else []
    match = _META_CHARSET.search(body[:65536])
    if match:
        candidates.append(match.group(1).decode("ascii"))
    for name in [*candidates, "utf-8"]:
        try:
            return body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp1252", "replace")


def looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<body" in head or b"<head" in head


def extract_page(html: str, *, url: str, css_selector: str = "") -> tuple[str, str, str]:
    """(title, text, html of the watched part) for a page."""
    import lxml.html
    from lxml import etree

    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        raise base.ParseError("parse_not_feed") from None
    title_el = doc.find(".//title")
    title = " ".join((title_el.text_content() if title_el is not None else "").split())
    if css_selector:
        try:
            from cssselect import SelectorError

            parts = doc.cssselect(css_selector)
        except (SelectorError, SyntaxError, ValueError):
            raise base.ParseError("selector_invalid") from None
        if not parts:
            raise base.ParseError("selector_no_match")
        fragment = "".join(lxml.html.tostring(p, encoding="unicode") for p in parts)
        text = " ".join(" ".join(p.text_content().split()) for p in parts)
        return title, text, fragment
    return title, extract_main_text(html, url=url), ""


def extract_main_text(html: str, *, url: str = "") -> str:
    import trafilatura

    text = trafilatura.extract(html, url=url or None, include_comments=False, include_tables=False, favor_precision=True)
    return (text or "").strip()


class Kind(base.Kind):
    name = "webpage"
    label = _("Web page (watch for changes)")
    respect_robots = True

    def sniff(self, body, content_type):
        return content_type in ("text/html", "application/xhtml+xml") or looks_like_html(body)

    def harvest(self, body, *, url, content_type="", charset=None, css_selector="", previous_hash=""):
        if not body.strip():
            raise base.ParseError("parse_empty")
        title, text, fragment = extract_page(decode_html(body, charset), url=url, css_selector=css_selector)
        digest = hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()
        harvest = base.Harvest(title=title, site_url=url, content_hash=digest)
        if digest != previous_hash and text:
            harvest.candidates.append(base.Candidate(guid=f"{url}#{digest[:16]}", link=url, title=title or url, html=fragment, text=text,
                                                       link_is_identity=False))
        return harvest
