"""Query expansion across Swedish and English (#17).

A query is read left to right; wherever a run of its words is a known term (a theme's Swedish
or English label, or an entry of a bilingual vocabulary such as the glossary app), that run
becomes one group whose alternatives are every equivalent term. A one-word alternative matches
as before (any of its stems, as a prefix); an equivalent term of several words is a phrase. The
words as typed stay matched as before (each word anywhere), so expansion only ever adds hits.

The index holds each word as one to three tokens (the word, its Swedish and its English stem), so
a phrase cannot be an exact token sequence. It is matched as its words' stems standing next to
each other: FTS5 ``NEAR(... , 3k-2)`` and, on PostgreSQL, consecutive words at distance 1–5 with
``<N>``, which is exactly "adjacent words" for a two-word term on both engines.

Vocabularies come from sources registered with :func:`register_source` (``core`` registers the
theme labels; apps add theirs in ``AppConfig.ready``), so ``core`` imports no app.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from omvarld.core import search

Term = tuple[str, ...]
Source = Callable[[], Iterable[Iterable[str]]]  # yields sets of equivalent terms (plain text)

MAX_TERM_WORDS = 6
MAX_ALTERNATIVES = 12
CACHE_SECONDS = 60
# Function words of either language: an English query's "of" or "in" is not in a Swedish text.
STOPWORDS = frozenset(
    "a an and at by for from in into of on or the to with i och att av för från med om på till som en ett".split()
)  # other processes pick up editors' changes within a minute

_sources: dict[str, Source] = {}
_lock = threading.Lock()
_cache: dict = {"built": 0.0, "vocab": None}


def register_source(name: str, source: Source) -> None:
    _sources[name] = source
    invalidate()


def invalidate(*args, **kwargs) -> None:
    """Forget the built vocabulary (connected to the sources' save and delete signals)."""
    _cache["vocab"] = None


def term(text: str) -> Term:
    return tuple(search.words(text))[:MAX_TERM_WORDS]


def _keys(word: str) -> frozenset[str]:
    return frozenset(search.stems(word))


@dataclass
class Vocabulary:
    sets: list[list[Term]]
    by_first: dict[str, list[tuple[Term, int]]]  # a stem of a term's first word -> (term, set)

    def longest_at(self, qwords: list[str], i: int) -> tuple[int, int] | None:
        """(length, set index) of the longest known term starting at ``qwords[i]``."""
        best = None
        seen = set()
        for key in _keys(qwords[i]):
            for t, sid in self.by_first.get(key, ()):
                if (t, sid) in seen or i + len(t) > len(qwords):
                    continue
                seen.add((t, sid))
                span = qwords[i : i + len(t)]
                if all(_keys(tw) & _keys(qw) for tw, qw in zip(t, span, strict=False)):
                    # Longest first; between equally long terms, the one spelt most like the query.
                    rank = (len(t), sum(tw == qw for tw, qw in zip(t, span, strict=False)))
                    if best is None or rank > best[0]:
                        best = (rank, sid)
        return (best[0][0], best[1]) if best else None


def build(term_sets: Iterable[Iterable[str]]) -> Vocabulary:
    """Merge overlapping sets (a term in two sets joins them) and index them by first word."""
    parent: dict[Term, Term] = {}

    def find(t):
        while parent.setdefault(t, t) != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    for raw in term_sets:
        terms = [t for t in (term(x) for x in raw) if t]
        for t in terms:
            find(t)
        for a, b in zip(terms, terms[1:], strict=False):
            parent[find(a)] = find(b)
    groups: dict[Term, list[Term]] = {}
    for t in parent:
        groups.setdefault(find(t), []).append(t)
    sets = [sorted(g, key=lambda t: (len(t), t)) for g in groups.values() if len(g) > 1]
    by_first: dict[str, list[tuple[Term, int]]] = {}
    for sid, terms in enumerate(sets):
        for t in terms:
            for key in _keys(t[0]):
                by_first.setdefault(key, []).append((t, sid))
    return Vocabulary(sets, by_first)


def vocabulary() -> Vocabulary:
    vocab = _cache["vocab"]
    if vocab is None or time.monotonic() - _cache["built"] > CACHE_SECONDS:
        with _lock:
            sets: list[Iterable[str]] = []
            for source in list(_sources.values()):
                sets.extend(source())
            vocab = build(sets)
            _cache.update(vocab=vocab, built=time.monotonic())
    return vocab


def expand(query: str, vocab: Vocabulary | None = None) -> list[list[Term]]:
    """The query as AND-groups, each a list of alternative terms (one or more words each); the
    first alternative of a group is always the words as typed."""
    vocab = vocabulary() if vocab is None else vocab
    qwords = search.words(query)[: search.MAX_QUERY_WORDS]
    groups: list[list[Term]] = []
    i = 0
    while i < len(qwords):
        hit = vocab.longest_at(qwords, i)
        if hit:
            n, sid = hit
            own = tuple(qwords[i : i + n])
            alts = [own] + [t for t in vocab.sets[sid] if t != own]
            groups.append(alts[:MAX_ALTERNATIVES])
            i += n
        else:
            groups.append([(qwords[i],)])
            i += 1
    content = [g for g in groups if not (len(g) == 1 and len(g[0]) == 1 and g[0][0] in STOPWORDS)]
    return content or groups


def _token(word: str) -> tuple[str, bool]:
    """The one index token a phrase word is matched by: its shortest stem, as a prefix if long enough."""
    s = min((s for s in search.stems(word) if s), key=len)
    return s, len(s) >= search.MIN_PREFIX


def _content(t: Term) -> Term:
    return tuple(w for w in t if w not in STOPWORDS) or t


def _fts5_word(w: str) -> str:
    return " OR ".join(f'"{s}"*' if len(s) >= search.MIN_PREFIX else f'"{s}"' for s in search.stems(w) if s)


def _ts_word(w: str) -> str:
    return " | ".join(f"'{s}':*" if len(s) >= search.MIN_PREFIX else f"'{s}'" for s in search.stems(w) if s)


def _fts5_alt(t: Term, own: bool = False) -> str:
    if len(t) == 1 or own:
        return " AND ".join(f"({_fts5_word(w)})" for w in _content(t))
    toks = [f'"{s}"*' if prefix else f'"{s}"' for s, prefix in map(_token, t)]
    return f"NEAR({' '.join(toks)}, {3 * len(t) - 2})"


def _ts_alt(t: Term, own: bool = False) -> str:
    if len(t) == 1 or own:
        return " & ".join(f"({_ts_word(w)})" for w in _content(t))
    toks = [f"'{s}':*" if prefix else f"'{s}'" for s, prefix in map(_token, t)]
    pairs = []
    for a, b in zip(toks, toks[1:], strict=False):
        pairs.append("(" + " | ".join(f"{x} <{d}> {y}" for d in range(1, 6) for x, y in ((a, b), (b, a))) + ")")
    return " & ".join(pairs)


def match_expression(query: str, vendor: str) -> str:
    """The engine's match expression for ``query`` (FTS5 MATCH text or a tsquery), or ''."""
    groups = expand(query)
    if vendor == "postgresql":
        return " & ".join("(" + " | ".join(f"({_ts_alt(t, i == 0)})" for i, t in enumerate(g)) + ")" for g in groups)
    return " AND ".join("(" + " OR ".join(f"({_fts5_alt(t, i == 0)})" for i, t in enumerate(g)) + ")" for g in groups)


def theme_terms() -> list[list[str]]:
    """Each theme's Swedish and English label name the same thing."""
    from omvarld.core.models import Theme

    return [[sv, en] for sv, en in Theme.objects.values_list("label_sv", "label_en")]
