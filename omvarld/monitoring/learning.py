"""Models learned from editors' decisions (scikit-learn), used beside the rules.

* ``themes``: from picked entries and the themes the editor confirmed, a one-vs-rest logistic
  regression over TF-IDF words and word pairs suggests themes the synonyms missed.
* ``relevance``: from picks against discards, the probability an editor picks an entry; it
  moves the relevance score.

Training runs from the scheduler when enough new decisions exist (``train_if_due``); the model is
stored in the database so every worker uses the same one. scikit-learn is imported only here
and only when there is a model, to keep workers small.
"""

from __future__ import annotations

import pickle

from omvarld.monitoring.tagging import Tag

MIN_DECISIONS = 20
MIN_PER_THEME = 3
RETRAIN_EVERY = 10
THEME_THRESHOLD = 0.6


class Models:
    def __init__(self, themes=None, relevance=None):
        self.themes = themes  # (pipeline, theme ids) or None
        self.relevance = relevance

    def themes_for(self, text: str) -> list[Tag]:
        if self.themes is None:
            return []
        pipe, theme_ids = self.themes
        probabilities = pipe.predict_proba([text])[0]
        if len(theme_ids) == 1 and len(probabilities) == 2:
            probabilities = probabilities[1:]  # one theme is a binary problem: keep P(theme)
        return [Tag("theme", theme_ids[k], "model", "", round(float(p), 3))
                for k, p in enumerate(probabilities) if p >= THEME_THRESHOLD]

    def pick_probability(self, text: str) -> float | None:
        if self.relevance is None:
            return None
        return float(self.relevance.predict_proba([text])[0][1])


def _vectoriser():
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1, max_features=50_000)


def train(decisions: list[tuple[str, str, list[int]]]) -> Models | None:
    """Train from ``(text, decision, confirmed theme ids)``; None when there is too little."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MultiLabelBinarizer

    if len(decisions) < MIN_DECISIONS:
        return None
    texts = [d[0] for d in decisions]
    picked = [1 if d[1] == "picked" else 0 for d in decisions]
    relevance = None
    if 0 < sum(picked) < len(picked):
        relevance = make_pipeline(_vectoriser(), LogisticRegression(max_iter=1000, class_weight="balanced"))
        relevance.fit(texts, picked)
    themes = None
    # Picked entries carry their confirmed themes; discarded ones serve as negatives for all.
    labelled = [(d[0], d[2] if d[1] == "picked" else []) for d in decisions if d[1] in ("picked", "discarded")]
    counts: dict[int, int] = {}
    for _t, ids in labelled:
        for i in ids:
            counts[i] = counts.get(i, 0) + 1
    keep = sorted(i for i, c in counts.items() if c >= MIN_PER_THEME and c < len(labelled))
    if len(keep) >= 1 and len(labelled) >= MIN_PER_THEME * 2:
        binarizer = MultiLabelBinarizer(classes=keep)
        y = binarizer.fit_transform([[i for i in ids if i in keep] for _t, ids in labelled])
        pipe = make_pipeline(_vectoriser(), OneVsRestClassifier(LogisticRegression(max_iter=1000, class_weight="balanced")))
        pipe.fit([t for t, _ids in labelled], y)
        themes = (pipe, keep)
    if relevance is None and themes is None:
        return None
    return Models(themes=themes, relevance=relevance)


def load_models() -> Models | None:
    from omvarld.monitoring.models import TrainedModel

    row = TrainedModel.objects.filter(kind="decisions").first()
    if row is None:
        return None
    return pickle.loads(bytes(row.blob))  # written only by train_if_due below


def train_if_due(*, force: bool = False) -> bool:
    """Retrain when ``RETRAIN_EVERY`` decisions came since the last model; whether it trained."""
    from omvarld.monitoring.models import EntryDecision, TrainedModel

    total = EntryDecision.objects.count()
    last = TrainedModel.objects.filter(kind="decisions").first()
    if not force and (total < MIN_DECISIONS or (last and total - last.samples < RETRAIN_EVERY)):
        return False
    rows = []
    for d in EntryDecision.objects.select_related("entry").prefetch_related("themes").order_by("-at")[:5000]:
        rows.append((f"{d.entry.title}\n{d.entry.text}", d.decision, [t.pk for t in d.themes.all()]))
    models = train(rows)
    if models is None:
        return False
    TrainedModel.objects.create(kind="decisions", samples=total, blob=pickle.dumps(models))
    TrainedModel.objects.filter(kind="decisions").exclude(pk=TrainedModel.objects.filter(kind="decisions").first().pk).delete()
    return True
