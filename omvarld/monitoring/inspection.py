"""What the pipeline makes of one feed, web page or text file, without storing anything.

Used by ``omvarld inspect``; it runs the same kinds and the same ``pipeline.prepare`` as the
worker, against the current entities and themes, and reads (never writes) stored entries to
report near-duplicates.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError

from omvarld.lib.fetch import FetchError, fetch
from omvarld.monitoring import pipeline
from omvarld.monitoring import text as T
from omvarld.monitoring.sources import Candidate, ParseError, get_kind
from omvarld.monitoring.sources.feed.parse import looks_like_feed
from omvarld.monitoring.sources.webpage.adapter import looks_like_html
from omvarld.monitoring.tagging import describe_reason


class InspectError(Exception):
    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


def read_input(target: str, *, fetcher=fetch) -> tuple[bytes, str, str | None, str]:
    """(body, content type, charset, URL or path) of a URL or a local file."""
    if target.startswith(("http://", "https://")) or "://" in target:
        from omvarld.monitoring.actions import fetch_policy

        try:
            result = fetcher(target, fetch_policy())
        except FetchError as exc:
            raise InspectError(exc.key, **exc.params) from None
        return result.body, result.content_type, result.charset, result.url
    path = Path(target)
    try:
        with path.open("rb") as handle:
            body = handle.read(settings.FETCH_MAX_MB * 1024 * 1024 + 1)
    except OSError:
        raise InspectError("file_unreadable") from None
    if len(body) > settings.FETCH_MAX_MB * 1024 * 1024:
        raise InspectError("too_large", limit_mb=settings.FETCH_MAX_MB)
    return body, mimetypes.guess_type(path.name)[0] or "", None, path.resolve().as_uri()


def _as_plain_text(body: bytes, charset: str | None) -> str | None:
    if b"\x00" in body[:4096]:
        return None
    for name in (charset, "utf-8", "cp1252"):
        if not name:
            continue
        try:
            text = body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
        printable = sum(ch.isprintable() or ch.isspace() for ch in text[:5000])
        return text if printable >= 0.95 * min(len(text), 5000) else None
    return None


def candidates_for(body: bytes, content_type: str, charset: str | None, where: str) -> tuple[str, list[Candidate]]:
    """(kind detected, candidates) — a page or a text file is one entry."""
    if not body.strip():
        raise InspectError("parse_empty")
    try:
        if looks_like_feed(body) or content_type in ("application/rss+xml", "application/atom+xml", "application/feed+json"):
            return "feed", get_kind("feed").harvest(body, url=where).candidates
        if looks_like_html(body) or content_type in ("text/html", "application/xhtml+xml"):
            harvest = get_kind("webpage").harvest(body, url=where, charset=charset)
            return "webpage", harvest.candidates
    except ParseError as exc:
        raise InspectError(exc.key, **exc.params) from None
    text = _as_plain_text(body, charset)
    if text is None or not text.strip():
        raise InspectError("parse_not_feed")
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return "text", [Candidate(guid=where, link="", title=first_line[:200], text=" ".join(text.split()))]


def inspect(target: str, *, fetcher=fetch) -> dict:
    body, content_type, charset, where = read_input(target, fetcher=fetcher)
    kind, candidates = candidates_for(body, content_type, charset, where)
    try:
        ctx = pipeline.Context.load()
    except DatabaseError:
        ctx = pipeline.Context([], [])  # no database yet: no entities or themes to tag with
    prepared = [pipeline.prepare(c, ctx) for c in candidates]
    try:
        stored = pipeline.near_duplicates(prepared)
    except DatabaseError:
        stored = {}
    clusters = _clusters(prepared)
    entries = []
    for n, item in enumerate(prepared):
        entries.append({
            "kind": kind,
            "link": item.url,
            "title": item.title,
            "language": item.language,
            "published": item.published.isoformat() if item.published else None,
            "text": item.text,
            "relevance": item.relevance,
            "entities": _tags(item, "entity", ctx),
            "themes": _tags(item, "theme", ctx),
            "cluster": clusters[n],
            "near_duplicates_stored": [entry_id for entry_id, _c in stored.get(n, [])],
        })
    return {"kind": kind, "entries": entries}


def _tags(item, kind, ctx) -> list[dict]:
    return [
        {"id": t.target_id, "name": ctx.labels.get((kind, t.target_id), str(t.target_id)), "method": t.method,
         "confidence": t.confidence, "reason": describe_reason(t.method, t.matched, confidence=t.confidence)}
        for t in item.tags if t.kind == kind
    ]


def _clusters(items) -> list[int]:
    """Cluster numbers within the input: items within NEAR_DUPLICATE_BITS share a number."""
    labels = list(range(len(items)))
    for a in range(len(items)):
        if items[a].word_count < pipeline.MIN_WORDS_FOR_CLUSTERING:
            continue
        for b in range(a):
            if items[b].word_count >= pipeline.MIN_WORDS_FOR_CLUSTERING and T.hamming(items[a].simhash, items[b].simhash) <= pipeline.NEAR_DUPLICATE_BITS:
                labels[a] = labels[b]
                break
    return [label + 1 for label in labels]
