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
from bisect import bisect_left, bisect_right
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


def find(query: str, kinds: tuple[str, ...] = ("entity", "item"), limit: int = MAX_HITS) -> list[Hit]:
    """The best hits for ``query``, best first. Every query word must match (AND).

    Ranking is bounded: the engine ranks the newest ``CANDIDATES`` matching documents (the index
    walks them in key order, newest first, and stops there), not every match. A query matching
    fewer documents than that, which is nearly every query with a rarer word or two words, is
    ranked exactly as before; a very common word ("energy" in 100,000 items) is ranked within
    its newest matches. Entities are few and always considered, however common the word.
    """
    groups = _query_groups(query)
    if not groups:
        return []
    from omvarld.core import expansion
    from omvarld.core.models import SearchDocument

    # Swedish and English names of the same thing match each other (#17).
    match = expansion.match_expression(query, connection.vendor)
    codes = [SearchDocument.KIND_CODES[k] for k in kinds]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            rows = _find_postgresql(cur, match, codes)
        else:
            rows = _find_sqlite(cur, match, codes)
    if len(rows) >= CANDIDATES and SearchDocument.KIND_CODES["entity"] in codes:
        # Entity keys are the smallest, so a very common word cuts them off: match them apart.
        seen = {r[0] for r in rows}
        rows += [r for r in _entity_matches(groups) if r[0] not in seen]
    rows.sort(key=lambda r: (-r[1], -r[0]))
    out = []
    for key, score in rows[:limit]:
        kind, oid = SearchDocument.unkey(int(key))
        out.append(Hit(kind, oid, float(score)))
    return out


CANDIDATES = 4000


def _entity_matches(groups) -> list[tuple[int, float]]:
    """Entity documents matching every group, scored like the engines (title x10 + body).

    Entities are a few hundred records, so this reads them rather than asking the index to
    merge a very common word's whole posting list once more.
    """
    from omvarld.core.models import SearchDocument

    def hits(tokens: list[str], group) -> int:
        # tokens are sorted: each stem's matches (itself, or words it begins) are one run
        n = 0
        for stem in group:
            start = bisect_left(tokens, stem)
            end = bisect_left(tokens, stem + "\U0010ffff") if len(stem) >= MIN_PREFIX else bisect_right(tokens, stem)
            n += end - start
        return n

    out = []
    for key, title, body in SearchDocument.objects.filter(kind="entity").values_list("id", "title_terms", "body_terms"):
        title_tokens, body_tokens = sorted(title.split()), sorted(body.split())
        score = 0.0
        for group in groups:
            found = 10 * hits(title_tokens, group) + hits(body_tokens, group)
            if not found:
                break
            score += found
        else:
            out.append((key, score / (1 + len(title_tokens) + len(body_tokens))))
    return out


def _find_sqlite(cur, match: str, codes: list[int]) -> list[tuple[int, float]]:
    placeholders = ", ".join(["%s"] * len(codes))
    # bm25() is lower-is-better; the title column weighs ten times the body. ORDER BY rowid lets
    # FTS5 stop after CANDIDATES rows instead of scoring every match.
    sql = f"""SELECT rowid, -bm25(core_search_fts, 10.0, 1.0) AS score FROM core_search_fts
              WHERE core_search_fts MATCH %s AND (rowid & 7) IN ({placeholders})
              ORDER BY rowid DESC LIMIT %s"""
    cur.execute(sql, [match, *codes, CANDIDATES])
    return cur.fetchall()


RECENT_WINDOW = 20_000  # PostgreSQL: newest documents looked at first, walking the primary key


def _find_postgresql(cur, tsquery: str, codes: list[int]) -> list[tuple[int, float]]:
    placeholders = ", ".join(["%s"] * len(codes))
    # A very common word fills the candidates from the newest documents alone: walk them by
    # primary key and stop (the GIN index would first visit every match, 450,000 for "energy").
    cur.execute(
        f"""SELECT r.id, ts_rank(r.tsv, to_tsquery('simple', %s)) FROM (
                SELECT d.id, d.tsv FROM core_searchdocument d ORDER BY d.id DESC LIMIT %s) r
            WHERE r.tsv @@ to_tsquery('simple', %s) AND (r.id & 7) IN ({placeholders}) LIMIT %s""",
        [tsquery, RECENT_WINDOW, tsquery, *codes, CANDIDATES],
    )
    rows = cur.fetchall()
    if len(rows) >= CANDIDATES:
        return rows
    # Otherwise the index finds every match and the newest CANDIDATES of them are ranked.
    cur.execute(
        f"""SELECT c.id, ts_rank(c.tsv, to_tsquery('simple', %s)) FROM (
                SELECT d.id, d.tsv FROM core_searchdocument d
                WHERE d.tsv @@ to_tsquery('simple', %s) AND (d.id & 7) IN ({placeholders})
                ORDER BY d.id DESC LIMIT %s) c""",
        [tsquery, tsquery, *codes, CANDIDATES],
    )
    return cur.fetchall()


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
