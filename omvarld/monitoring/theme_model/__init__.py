"""The theme model: one classifier, shipped trained on a seed set so themes are learned before any
editor has made a decision, and retrained with the editors' decisions as they come.

``training.jsonl`` (the seed set) holds hand-labelled real texts (Swedish news sentences, feed
entries, paragraphs of articles, none of them in the evaluation set), the demo map's own items
and texts written as typical entries of each theme, one JSON object a line: ``source``, ``text``,
``themes`` (slugs). See ``README.md`` here.

The model (TF-IDF over words and over character 4-grams, which carry Swedish and German
compounds, and one logistic regression per theme) is trained from that file once, the same way
every time, and stored in the data folder (``OMVARLD_DATA_DIR/models/``) under a key made of
the training file, this module's code and the library versions; every later process loads it
in milliseconds, without importing scikit-learn (see ``seed_model``). ``learning.train_if_due`` retrains it from the seed set
plus the editors' decisions (``decision_rows``) and stores it in the database; until then the
pipeline uses ``seed_model()``. The pipeline asks it in one place, ``pipeline.find_themes``
(through ``decide``):

* it confirms a theme for which the rules found only weak evidence (one common word, such as
  "pendlare" or "housing") when its probability reaches ``CONFIRM_THRESHOLD``;
* once it has learned from editors, it also suggests a theme without rule evidence when its
  probability reaches ``SUGGEST_THRESHOLD``.

Both thresholds come from grouped cross-validation on the seed set
(``cross_validated_thresholds``), never from the evaluation set. Before any decision the model
runs only for entries with weak evidence (about one in ten), which keeps ingest fast.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import tempfile
from functools import lru_cache
from itertools import chain
from pathlib import Path

log = logging.getLogger(__name__)

TRAINING = Path(__file__).resolve().parent / "training.jsonl"
# The thresholds below are chosen by grouped cross-validation on the seed set
# (``cross_validated_thresholds``), never on the evaluation set; a test keeps them in step.
CONFIRM_THRESHOLD = 0.2  # weak rule evidence (one common word) is confirmed from this probability
SUGGEST_THRESHOLD = 0.6  # a theme without rule evidence is suggested from this probability
WEAK_EVIDENCE = 0.5  # rule evidence from which the model is asked to confirm (one single word)


def load_training(path: Path = TRAINING) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline, make_union

    words = TfidfVectorizer(sublinear_tf=True, min_df=2)
    grams = TfidfVectorizer(sublinear_tf=True, min_df=2, analyzer="char_wb", ngram_range=(4, 4), max_features=40_000)
    return make_pipeline(make_union(words, grams),
                         OneVsRestClassifier(LogisticRegression(C=3.0, solver="liblinear", class_weight="balanced")))


def _fit(rows: list[dict]):
    from sklearn.preprocessing import MultiLabelBinarizer

    slugs = sorted({s for r in rows for s in r["themes"]})
    y = MultiLabelBinarizer(classes=slugs).fit_transform([r["themes"] for r in rows])
    pipe = _pipeline()
    pipe.fit([r["text"] for r in rows], y)
    return pipe, slugs


class ThemeModel:
    """Theme probabilities for texts, keyed by theme slug; ``decisions``: how many editors'
    decisions it learned from besides the seed set.

    Trained with scikit-learn; scored with the fitted weights directly (``probabilities``), which
    gives the same numbers as the pipeline's ``predict_proba`` at a fraction of its per-call cost:
    both feature sets are built word by word (character n-grams never cross a word boundary), so
    each word's features are looked up once and cached.
    """

    def __init__(self, rows: list[dict] | None = None, *, decisions: int = 0):
        import numpy as np

        self.decisions = decisions
        self.pipe, self.slugs = _fit(load_training() if rows is None else rows)
        union, ovr = self.pipe.steps[0][1], self.pipe.steps[1][1]
        self.words, self.grams = (v for _name, v in union.transformer_list)
        self._offset = len(self.words.vocabulary_)
        self._idf = np.concatenate([self.words.idf_, self.grams.idf_])
        self._coef = np.vstack([e.coef_[0] for e in ovr.estimators_]).T  # features x themes
        self._intercept = np.array([e.intercept_[0] for e in ovr.estimators_])
        import re

        self._word_re = re.compile(self.words.token_pattern)
        self._cache: dict[str, tuple[int, ...]] = {}

    def __getstate__(self):
        # Stored (in the database, in the data folder) without the per-word cache and without
        # scikit-learn objects, so that loading it needs only numpy and takes milliseconds.
        return {**self.__dict__, "_cache": {}, "pipe": None, "words": _Vocabulary(self.words), "grams": _Vocabulary(self.grams)}

    def _features(self, word: str) -> tuple[int, ...]:
        """A whitespace-separated word's feature indices: its word features, then its character
        n-gram features (offset past the word vocabulary)."""
        found = self._cache.get(word)
        if found is None:
            if len(self._cache) > 200_000:
                self._cache.clear()
            vocabulary = self.grams.vocabulary_
            padded = f" {word} "
            low, high = self.grams.ngram_range
            grams = []
            for n in range(low, high + 1):  # as scikit-learn's "char_wb": a short word once, whole
                for start in range(max(1, len(padded) - n + 1)):
                    index = vocabulary.get(padded[start:start + n])
                    if index is not None:
                        grams.append(index + self._offset)
                if len(padded) <= n:
                    break
            words = tuple(self.words.vocabulary_[t] for t in self._word_re.findall(word) if t in self.words.vocabulary_)
            found = self._cache[word] = words + tuple(grams)
        return found

    def probabilities(self, texts: list[str]) -> list[dict[str, float]]:
        """Theme probabilities of each text, all texts scored at once.

        The texts' features go into one sparse matrix (sublinear tf x idf, the word block and the
        character block each L2-normalised per text, as the union of two TfidfVectorizers does)
        and are multiplied with the weights once, so a fetch's 50 entries cost little more than
        one.
        """
        import numpy as np
        from scipy.sparse import csr_matrix

        if not texts:
            return []
        cached = self._cache.get
        per_text = []
        for text in texts:
            words = text.lower().split()
            found = list(map(cached, words))  # each word's features, looked up once per word form
            if None in found:
                found = [f if f is not None else self._features(w) for f, w in zip(found, words, strict=True)]
            per_text.append(np.fromiter(chain.from_iterable(found), dtype=np.int64))
        n, width = len(texts), self._coef.shape[0]
        rows = np.repeat(np.arange(n, dtype=np.int64), [f.size for f in per_text])
        keys = rows * width + np.concatenate(per_text) if rows.size else rows
        keys, counts = np.unique(keys, return_counts=True)
        row, feature = keys // width, keys % width
        values = (1.0 + np.log(counts)) * self._idf[feature]
        squares = values * values
        grams = feature >= self._offset
        for block in (~grams, grams):
            norms = np.bincount(row[block], weights=squares[block], minlength=n).astype(np.float64)
            scale = np.divide(1.0, np.sqrt(norms), out=np.zeros_like(norms), where=norms > 0)
            values[block] *= scale[row[block]]
        z = np.asarray(csr_matrix((values, (row, feature)), shape=(n, width)) @ self._coef) + self._intercept
        probabilities = 1.0 / (1.0 + np.exp(-z))
        return [dict(zip(self.slugs, map(float, line), strict=True)) for line in probabilities]

    def reference_probabilities(self, texts: list[str]) -> list[dict[str, float]]:
        """The same through scikit-learn (for tests; only on a model fitted in this process)."""
        if self.pipe is None:
            raise ValueError("a stored model has no scikit-learn pipeline; fit one with ThemeModel()")
        return [dict(zip(self.slugs, map(float, row), strict=True)) for row in self.pipe.predict_proba(texts)]


class _Vocabulary:
    """What scoring needs of a fitted TfidfVectorizer, as plain data."""

    def __init__(self, vectoriser):
        self.vocabulary_ = dict(vectoriser.vocabulary_)
        self.idf_ = vectoriser.idf_
        self.ngram_range = tuple(vectoriser.ngram_range)
        self.token_pattern = vectoriser.token_pattern


def seed_key() -> str:
    """Names the seed model: the training set, this module's code and the libraries' versions."""
    from importlib.metadata import version

    digest = hashlib.sha256(TRAINING.read_bytes())
    digest.update(Path(__file__).read_bytes())
    for package in ("scikit-learn", "numpy"):
        digest.update(f"{package}={version(package)}".encode())
    return digest.hexdigest()[:20]


def _store() -> Path | None:
    try:
        from django.conf import settings

        return Path(settings.DATA_DIR) / "models"
    except Exception:  # noqa: BLE001  used outside the product (no settings): fit in memory
        return None


@lru_cache(maxsize=1)
def seed_model() -> ThemeModel:
    """The model trained from the shipped set: fitted once, stored, and loaded by every process."""
    folder = _store()
    path = folder / f"theme-seed-{seed_key()}.pickle" if folder else None
    if path is not None and path.exists():
        try:
            with path.open("rb") as f:
                model = pickle.load(f)  # written only by this function, below
            if isinstance(model, ThemeModel):
                return model
        except Exception:  # noqa: BLE001  a damaged or foreign file is simply fitted again
            log.warning("stored theme model %s could not be read; fitting it again", path)
    model = ThemeModel()
    if path is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".theme-seed-", delete=False) as f:
                pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(f.name, path)  # atomic: a process loading at the same time sees all or nothing
            for old in folder.glob("theme-seed-*.pickle"):
                if old != path:
                    old.unlink(missing_ok=True)
        except OSError:
            log.warning("could not store the theme model in %s; it will be fitted again next time", folder)
    return model


def decision_rows(decisions) -> list[dict]:
    """Training rows from editors' decisions ``(entry id, text, decision, confirmed theme slugs)``,
    newest first; an entry decided twice counts once, by its latest decision.

    A picked entry carries the themes the editor confirmed and none of the others: the editor saw
    the suggested themes and could remove or add any. A discarded entry is left out: a discard
    says the story is not for us (off-topic region, old news, a duplicate), not that its
    suggested themes are wrong — a housing story from elsewhere is still about housing — so
    counting it as having none of them would teach the model to unlearn good themes.
    """
    rows, seen = [], set()
    for entry_id, text, decision, slugs in decisions:
        if entry_id in seen:
            continue
        seen.add(entry_id)
        if decision == "picked":
            rows.append({"source": f"decision#{entry_id}", "text": text, "themes": sorted(set(slugs))})
    return rows


def train(decisions) -> ThemeModel:
    """The seed set plus the editors' decisions (see ``decision_rows``)."""
    rows = decision_rows(decisions)
    return ThemeModel(load_training() + rows, decisions=len(rows))


def decide(evidence: dict, probabilities: dict[str, float], slug_of: dict, *, suggest: bool = True) -> list[tuple[object, str, float, list[str]]]:
    """The themes of one text: ``(theme id, method, confidence, terms)`` with method "synonym"
    (the rules: a phrase, a long compound or two theme words) or "model" (the model confirming
    weak rule evidence, or sure of a theme that no theme word names).

    ``evidence`` is ``ThemeMatcher.evidence()``'s answer, ``probabilities`` the model's (by slug),
    ``slug_of`` maps theme id to slug; without ``suggest`` the model only confirms.
    """
    from omvarld.monitoring.tagging import THEME_THRESHOLD, theme_confidence

    found = []
    for theme_id, slug in slug_of.items():
        total, terms = evidence.get(theme_id, (0.0, []))
        p = probabilities.get(slug)
        if total >= THEME_THRESHOLD:
            found.append((theme_id, "synonym", theme_confidence(total), terms))
        elif p is None:
            continue
        elif total >= WEAK_EVIDENCE and p >= CONFIRM_THRESHOLD or suggest and p >= SUGGEST_THRESHOLD:
            found.append((theme_id, "model", round(p, 3), terms))
    for theme_id, (total, terms) in evidence.items():  # themes the model does not know
        if theme_id not in slug_of and total >= THEME_THRESHOLD:
            found.append((theme_id, "synonym", theme_confidence(total), terms))
    return found


def document_of(source: str) -> str:
    """Rows from one document (the paragraphs of an article, the entries of a feed) share a fold."""
    if "#sentence-" in source:
        return source
    return source.split("@", 1)[0].split("#entry-", 1)[0]


def cross_validated_thresholds(rows: list[dict] | None = None, evidence_of=None, folds: int = 5) -> tuple[float, float]:
    """``(CONFIRM_THRESHOLD, SUGGEST_THRESHOLD)`` from grouped cross-validation on the training
    set: the pair with the best micro-F1 of ``decide``, then the suggestion
    threshold raised while F1 stays within 0.02 of that best (fold-to-fold noise), since a theme
    suggested without any theme word costs editors more when wrong. ``evidence_of(text) ->
    {slug: total}`` is the rules' evidence (by default over the demo vocabulary)."""
    import numpy as np
    from sklearn.model_selection import GroupKFold, cross_val_predict
    from sklearn.preprocessing import MultiLabelBinarizer

    rows = load_training() if rows is None else rows
    if evidence_of is None:
        evidence_of = _demo_evidence()
    slugs = sorted({s for r in rows for s in r["themes"]})
    texts = [r["text"] for r in rows]
    y = MultiLabelBinarizer(classes=slugs).fit_transform([r["themes"] for r in rows]).astype(bool)
    p = cross_val_predict(_pipeline(), texts, y.astype(int), cv=GroupKFold(folds),
                          groups=[document_of(r["source"]) for r in rows], method="predict_proba")
    totals = np.array([[found.get(s, 0.0) for s in slugs] for found in map(evidence_of, texts)])

    def f1(confirm: float, suggest: float) -> float:
        predicted = ((totals >= 1.0)
                     | ((totals >= WEAK_EVIDENCE) & (totals < 1.0) & (p >= confirm))
                     | ((totals < 1.0) & (p >= suggest)))
        tp = (predicted & y).sum()
        return 2 * tp / (2 * tp + (predicted & ~y).sum() + (~predicted & y).sum())

    grid = [(c, s) for c in (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5) for s in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)]
    scores = {g: f1(*g) for g in grid}
    best = max(grid, key=lambda g: (round(scores[g], 6), g))
    confirm, suggest = best
    while suggest < 0.9 and scores[(confirm, round(suggest + 0.1, 1))] >= scores[best] - 0.02:
        suggest = round(suggest + 0.1, 1)
    return confirm, suggest


def _demo_evidence():
    from omvarld.monitoring.evaluation.evaluate import demo_context
    from omvarld.monitoring.text import detect_language

    matcher = demo_context().themes
    return lambda text: {slug: total for slug, (total, _terms) in matcher.evidence(text, detect_language(text)).items()}
