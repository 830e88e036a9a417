"""Learning from editors' decisions: scheduling, storage, and the relevance model.

* ``relevance``: from picks against discards, the probability an editor picks an entry (a
  logistic regression over TF-IDF words and word pairs); it moves the relevance score.
* ``themes``: the one theme model (``theme_model``), retrained here from its seed set plus the
  editors' decisions (picked entries with the themes the editor confirmed).

Training runs from the scheduler when enough new decisions exist (``train_if_due``); both models
are stored in the database so every worker uses the same ones. scikit-learn is imported only
when training or when there is a stored model, to keep workers small.
"""

from __future__ import annotations

import pickle

MIN_DECISIONS = 20
RETRAIN_EVERY = 10


class RelevanceScorer:
    """P(an editor picks this text) from a fitted TF-IDF + logistic regression pipeline.

    Computed from the fitted vocabulary, idf and weights directly: the same number as the
    pipeline's ``predict_proba`` (a test holds them together), at a fraction of its per-call cost,
    which at about 3.7 ms an entry would have taken ingest under its target once editors had
    decided enough to train it.
    """

    def __init__(self, pipe):
        vectoriser, regression = pipe.steps[0][1], pipe.steps[-1][1]
        self.pipe = pipe
        self._analyse = WordAnalyser(vectoriser)
        self._vocabulary = vectoriser.vocabulary_
        self._idf = vectoriser.idf_
        self._coef = regression.coef_[0]
        self._intercept = float(regression.intercept_[0])
        self._sublinear = vectoriser.sublinear_tf

    def probability(self, text: str) -> float:
        import math

        counts: dict[int, int] = {}
        for term in self._analyse(text):
            index = self._vocabulary.get(term)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        z = self._intercept
        if counts:
            weights = {i: (1.0 + math.log(n) if self._sublinear else float(n)) * self._idf[i] for i, n in counts.items()}
            norm = math.sqrt(sum(w * w for w in weights.values()))
            z += sum(w * self._coef[i] for i, w in weights.items()) / norm
        return 1.0 / (1.0 + math.exp(-z))

    def reference_probability(self, text: str) -> float:
        """The same through scikit-learn (for tests; only on a scorer trained in this process)."""
        return float(self.pipe.predict_proba([text])[0][1])

    def __getstate__(self):
        # Stored without scikit-learn objects, so loading needs only numpy and takes milliseconds.
        return {**self.__dict__, "pipe": None}


class WordAnalyser:
    """scikit-learn's word analyser (lower-case, token pattern, word n-grams) as plain Python,
    so a stored scorer loads without importing scikit-learn."""

    def __init__(self, vectoriser):
        import re

        if vectoriser.analyzer != "word" or vectoriser.stop_words or vectoriser.strip_accents or vectoriser.preprocessor or vectoriser.tokenizer:
            raise ValueError("only the plain word analyser is supported")
        self.lowercase = vectoriser.lowercase
        self.pattern = re.compile(vectoriser.token_pattern)
        self.ngram_range = tuple(vectoriser.ngram_range)

    def __call__(self, text: str) -> list[str]:
        tokens = self.pattern.findall(text.lower() if self.lowercase else text)
        low, high = self.ngram_range
        terms = list(tokens) if low == 1 else []
        for n in range(max(low, 2), min(high, len(tokens)) + 1):
            terms += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        return terms


class Models:
    def __init__(self, themes=None, relevance=None):
        self.themes = themes  # theme_model.ThemeModel or None
        self.relevance = relevance  # RelevanceScorer or None

    def pick_probability(self, text: str) -> float | None:
        if self.relevance is None:
            return None
        if not isinstance(self.relevance, RelevanceScorer):  # stored by an earlier version
            self.relevance = RelevanceScorer(self.relevance)
        return self.relevance.probability(text)


def _vectoriser():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1, max_features=50_000)


def train(decisions: list[tuple[int, str, str, list[str]]]) -> Models | None:
    """Train from ``(entry id, text, decision, confirmed theme slugs)``, newest first; None when
    there is too little."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from omvarld.monitoring import theme_model

    if len(decisions) < MIN_DECISIONS:
        return None
    texts = [d[1] for d in decisions]
    picked = [1 if d[2] == "picked" else 0 for d in decisions]
    relevance = None
    if 0 < sum(picked) < len(picked):
        pipe = make_pipeline(_vectoriser(), LogisticRegression(max_iter=1000, class_weight="balanced"))
        pipe.fit(texts, picked)
        relevance = RelevanceScorer(pipe)
    themes = theme_model.train(decisions)
    return Models(themes=themes if themes.decisions else None, relevance=relevance)


def load_models() -> Models | None:
    from omvarld.monitoring.models import TrainedModel
    from omvarld.monitoring.theme_model import ThemeModel

    row = TrainedModel.objects.filter(kind="decisions").first()
    if row is None:
        return None
    models = pickle.loads(bytes(row.blob))  # written only by train_if_due below
    if not isinstance(models.themes, ThemeModel):
        models.themes = None  # stored by an earlier version; the seed model serves until retrained
    return models


def train_if_due(*, force: bool = False) -> bool:
    """Retrain when ``RETRAIN_EVERY`` decisions came since the last model; whether it trained."""
    from omvarld.monitoring.models import EntryDecision, TrainedModel

    total = EntryDecision.objects.count()
    last = TrainedModel.objects.filter(kind="decisions").first()
    if not force and (total < MIN_DECISIONS or (last and total - last.samples < RETRAIN_EVERY)):
        return False
    rows = []
    decisions = EntryDecision.objects.select_related("entry").prefetch_related("themes__merged_into")
    for d in decisions.order_by("-at", "-pk")[:5000]:
        slugs = [(t.merged_into or t).slug for t in d.themes.all()]
        rows.append((d.entry_id, f"{d.entry.title}\n{d.entry.text}", d.decision, slugs))
    models = train(rows)
    if models is None:
        return False
    row = TrainedModel.objects.create(kind="decisions", samples=total, blob=pickle.dumps(models))
    TrainedModel.objects.filter(kind="decisions").exclude(pk=row.pk).delete()
    return True
