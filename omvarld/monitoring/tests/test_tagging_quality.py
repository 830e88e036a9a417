"""The tagger against the labelled evaluation set (``omvarld/monitoring/evaluation``)."""

from omvarld.monitoring.evaluation.evaluate import SECOND, agreement, demo_context, evaluate, load_dataset


def test_the_evaluation_set_is_large_and_mostly_negative():
    rows = load_dataset()
    assert len(rows) >= 200
    assert sum(1 for r in rows if not r["entities"]) > len(rows) / 2


def test_tagging_quality_targets():
    result = evaluate()
    entities, themes = result["entities"], result["themes"]
    assert entities["precision"] >= 0.95, result["errors"]
    assert entities["recall"] >= 0.90, result["errors"]
    # Themes: F1 target 0.80 not met (see benchmarks/README.md); two human readers agree at
    # F1 0.78 on this set. These keep what was reached against the adjudicated labels
    # (P 0.593, R 0.681, F1 0.634 with the default vocabulary, the German words and the seed model).
    assert themes["precision"] >= 0.58, result["errors"]
    assert themes["recall"] >= 0.66, result["errors"]
    assert themes["f1"] >= 0.62, result["errors"]


def test_the_seed_model_adds_to_the_rules():
    with_model = evaluate()["themes"]
    rules_only = evaluate(ctx=demo_context(seed=False))["themes"]
    assert rules_only["f1"] < with_model["f1"]
    assert rules_only["f1"] >= 0.57


def test_two_readers_labelled_the_themes_and_disagreements_were_adjudicated():
    rows, second = load_dataset(), load_dataset(SECOND)
    assert [r["source"] for r in rows] == [r["source"] for r in second]
    changed = [r for r in rows if "themes_first" in r]
    assert changed and all(set(r["themes_first"]) != set(r["themes"]) for r in changed)
    result = agreement(rows, second)
    assert result["texts_disagreed"] >= len(changed)
    assert 0.6 < result["f1"] < 0.95  # readers agree mostly, not wholly
    # Scoring a reader against itself is perfect: the measure can tell the two apart.
    assert agreement(rows, [{"source": r["source"], "themes": r.get("themes_first", r["themes"])} for r in rows])["f1"] == 1.0
