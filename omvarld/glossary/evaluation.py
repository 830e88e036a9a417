"""Cross-language search evaluation (#17).

For each pair (the same need asked in Swedish and in English) the reference set is the union of
the items the two queries find with expansion; a query's recall is the share of that union it
finds. The same figures without expansion show what the glossary adds, and "Swedish kept" checks
that expansion loses none of the items the Swedish query found before.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from omvarld.core import expansion, search

PAIRS_FILE = Path(__file__).resolve().parent / "data" / "search_pairs.tsv"


def read_pairs(path: Path = PAIRS_FILE) -> list[tuple[str, str]]:
    from omvarld.glossary.seed import read_pairs as read_tsv

    return read_tsv(path)


@contextmanager
def without_expansion():
    saved = expansion.vocabulary
    empty = expansion.build([])
    expansion.vocabulary = lambda: empty
    try:
        yield
    finally:
        expansion.vocabulary = saved


def _ids(query: str) -> set[int]:
    return {h.object_id for h in search.find(query, kinds=("item",))}


@dataclass
class PairResult:
    sv: str
    en: str
    sv_hits: set[int]
    en_hits: set[int]
    sv_before: set[int]
    en_before: set[int]

    @property
    def union(self) -> set[int]:
        return self.sv_hits | self.en_hits

    def recall(self, hits: set[int], union: set[int] | None = None) -> float:
        union = self.union if union is None else union
        return len(hits & union) / len(union) if union else 1.0


@dataclass
class Report:
    pairs: list[PairResult] = field(default_factory=list)

    @property
    def judged(self) -> list[PairResult]:
        return [p for p in self.pairs if p.union]

    def mean(self, fn) -> float:
        rows = self.judged
        return sum(fn(p) for p in rows) / len(rows) if rows else 0.0

    def figures(self) -> dict[str, float]:
        return {
            "pairs": len(self.pairs),
            "pairs_with_hits": len(self.judged),
            "en_recall": round(self.mean(lambda p: p.recall(p.en_hits)), 3),
            "sv_recall": round(self.mean(lambda p: p.recall(p.sv_hits)), 3),
            "en_recall_before": round(self.mean(lambda p: p.recall(p.en_before, p.en_before | p.sv_before)), 3),
            "sv_recall_before": round(self.mean(lambda p: p.recall(p.sv_before, p.en_before | p.sv_before)), 3),
            "en_recall_before_vs_union_now": round(self.mean(lambda p: p.recall(p.en_before)), 3),
            "sv_kept": round(self.mean(lambda p: p.recall(p.sv_hits, p.sv_before) if p.sv_before else 1.0), 3),
            "mean_hits_en": round(self.mean(lambda p: len(p.en_hits)), 1),
            "mean_hits_sv": round(self.mean(lambda p: len(p.sv_hits)), 1),
        }

    def errors(self) -> list[PairResult]:
        return [p for p in self.judged if p.recall(p.en_hits) < 1.0 or p.recall(p.sv_hits) < 1.0]


def evaluate(pairs: list[tuple[str, str]] | None = None) -> Report:
    pairs = read_pairs() if pairs is None else pairs
    expansion.invalidate()
    with without_expansion():
        before = [(_ids(sv), _ids(en)) for sv, en in pairs]
    report = Report()
    for (sv, en), (sv_b, en_b) in zip(pairs, before, strict=True):
        report.pairs.append(PairResult(sv, en, _ids(sv), _ids(en), sv_b, en_b))
    return report
