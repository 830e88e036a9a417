"""The relevance model's fast scorer gives scikit-learn's numbers (its speed is in benchmarks/)."""

from omvarld.monitoring import learning

PICKED = [
    "Stockholm expands district heating with new heat pumps",
    "Copenhagen opens metro line for commuters and cyclists",
    "Helsinki climate plan cuts emissions from buildings",
    "Göteborg testar elbussar i kollektivtrafiken",
    "Malmö bygger nytt fjärrvärmenät i Hyllie",
] * 3
DISCARDED = [
    "Football club signs new striker for the season",
    "Celebrity wedding draws crowds in the capital",
    "Stock markets close higher after tech rally",
    "Recipe: the perfect summer strawberry cake",
    "Film festival announces its jury",
] * 3


def _models():
    decisions = [(i, text, "picked", []) for i, text in enumerate(PICKED)]
    decisions += [(100 + i, text, "discarded", []) for i, text in enumerate(DISCARDED)]
    return learning.train(decisions)


def test_fast_scorer_matches_scikit_learn(db):
    models = _models()
    texts = PICKED[:5] + DISCARDED[:5] + ["", "heat pumps and cake", "Uppsala bygger cykelbanor", "x " * 500]
    for text in texts:
        assert abs(models.relevance.probability(text) - models.relevance.reference_probability(text)) < 1e-9, text
    assert models.pick_probability("district heating in Lund") > models.pick_probability("strawberry cake recipe")


def test_stored_models_load_with_the_same_numbers(db):
    import pickle

    models = _models()
    loaded = pickle.loads(pickle.dumps(models))
    assert loaded.relevance.pipe is None and loaded.themes is None or loaded.themes.pipe is None
    for text in PICKED[:3] + DISCARDED[:3] + ["", "Lund bygger fjärrvärme och cykelbanor i Lund"]:
        assert abs(loaded.relevance.probability(text) - models.relevance.reference_probability(text)) < 1e-12
