"""Full-text search over entities and items, one interface over two engines.

SQLite uses an FTS5 table and PostgreSQL a tsvector column with a GIN index (both made in
migration 0002). Neither engine stems Swedish out of the box in a way both share, so stemming
happens here, in Python, with the Snowball stemmers: every word is indexed as its Swedish and
its English stem, and a query word matches either (as a prefix, which also catches Swedish
compounds such as "fjärrvärme" → "fjärrvärmenät"). The engines then only match and rank tokens,
which keeps results the same on both databases.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.db import connection

WORD = re.compile(r"[^\W_]+", re.UNICODE)
MIN_PREFIX = 3  # shorter query stems match whole tokens only, or "a*" would match everything
MAX_QUERY_WORDS = 12
MAX_HITS = 2000  # facets and paging work on the best hits; nobody pages past 2,000 results

_sv = snowballstemmer.stemmer("swedish")
_en = snowballstemmer.stemmer("english")


@lru_cache(maxsize=100_000)
def stems(word: str) -> tuple[str, ...]:
    word = word.lower()
    return tuple(dict.fromkeys((word, _sv.stemWord(word), _en.stemWord(word))))


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text or "")]


def analyse(text: str) -> str:
    """The space-separated index terms of ``text``: each word with its Swedish and English stems."""
    out: list[str] = []
    for w in words(text):
        out.extend(stems(w))
    return " ".join(out)


def index_document(kind: str, object_id: int, title: str, body: str) -> None:
    from omvarld.core.models import SearchDocument

    SearchDocument.objects.update_or_create(
        id=SearchDocument.key(kind, object_id),
        defaults={"kind": kind, "object_id": object_id, "title_terms": analyse(title), "body_terms": analyse(body)},
    )


def document(kind: str, object_id: int, title: str, body: str):
    """An unsaved index record, for bulk loading."""
    from omvarld.core.models import SearchDocument

    return SearchDocument(
        id=SearchDocument.key(kind, object_id), kind=kind, object_id=object_id,
        title_terms=analyse(title), body_terms=analyse(body),
    )


def remove_document(kind: str, object_id: int) -> None:
    from omvarld.core.models import SearchDocument

    SearchDocument.objects.filter(id=SearchDocument.key(kind, object_id)).delete()


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    score: float


def _query_groups(query: str) -> list[tuple[str, ...]]:
    groups = []
    for w in words(query)[:MAX_QUERY_WORDS]:
        groups.append(tuple(s for s in stems(w) if s))
    return [g for g in groups if g]


def _fts5_match(groups) -> str:
    parts = []
    for g in groups:
        alts = [f'"{s}"*' if len(s) >= MIN_PREFIX else f'"{s}"' for s in g]
        parts.append("(" + " OR ".join(alts) + ")")
    return " AND ".join(parts)


def _tsquery(groups) -> str:
    parts = []
    for g in groups:
        alts = [f"'{s}':*" if len(s) >= MIN_PREFIX else f"'{s}'" for s in g]
        parts.append("(" + " | ".join(alts) + ")")
    return " & ".join(parts)


def find(query: str, kinds: tuple[str, ...] = ("entity", "item"), limit: int = MAX_HITS) -> list[Hit]:
    """The best hits for ``query``, best first. Every query word must match (AND)."""
    groups = _query_groups(query)
    if not groups:
        return []
    from omvarld.core import expansion
    from omvarld.core.models import SearchDocument

    # Swedish and English names of the same thing match each other (#17).
    match = expansion.match_expression(query, connection.vendor)
    codes = [SearchDocument.KIND_CODES[k] for k in kinds]
    placeholders = ", ".join(["%s"] * len(codes))
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                f"""SELECT d.id, ts_rank(d.tsv, q) AS score
                    FROM core_searchdocument d, to_tsquery('simple', %s) q
                    WHERE d.tsv @@ q AND (d.id & 7) IN ({placeholders})
                    ORDER BY score DESC, d.id DESC LIMIT %s""",
                [match, *codes, limit],
            )
        else:
            # bm25() is lower-is-better; the title column weighs ten times the body.
            cur.execute(
                f"""SELECT rowid, -bm25(core_search_fts, 10.0, 1.0) AS score FROM core_search_fts
                    WHERE core_search_fts MATCH %s AND (rowid & 7) IN ({placeholders})
                    ORDER BY score DESC, rowid DESC LIMIT %s""",
                [match, *codes, limit],
            )
        rows = cur.fetchall()
    out = []
    for key, score in rows:
        kind, oid = SearchDocument.unkey(int(key))
        out.append(Hit(kind, oid, float(score)))
    return out


def highlight(text: str, query: str, width: int = 30) -> str:
    """An HTML-escaped snippet of ``text`` around the densest run of query matches, with <mark>.

    Done here rather than with snippet()/ts_headline() because the index holds stems, not the
    original words, and both engines must give the same snippet.
    """
    if not text:
        return ""
    wanted = {s for g in _query_groups(query) for s in g}
    tokens = list(re.finditer(r"\S+", text))
    if not tokens:
        return ""

    def matches(tok: str) -> bool:
        for w in words(tok):
            for s in stems(w):
                if s in wanted or any(len(q) >= MIN_PREFIX and s.startswith(q) for q in wanted):
                    return True
        return False

    flags = [matches(t.group()) for t in tokens]
    best_start, best_count = 0, -1
    for start in range(0, max(1, len(tokens) - width + 1)):
        count = sum(flags[start : start + width])
        if count > best_count:
            best_start, best_count = start, count
    window = range(best_start, min(len(tokens), best_start + width))
    parts = []
    for i in window:
        word = html.escape(tokens[i].group())
        parts.append(f"<mark>{word}</mark>" if flags[i] else word)
    prefix = "… " if best_start > 0 else ""
    suffix = " …" if best_start + width < len(tokens) else ""
    return prefix + " ".join(parts) + suffix
