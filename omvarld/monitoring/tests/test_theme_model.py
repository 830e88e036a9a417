"""The theme model shipped in ``omvarld/monitoring/theme_model``, as trained from its seed set."""

import re

import yaml

from omvarld.monitoring import theme_model
from omvarld.monitoring.evaluation.evaluate import DEMO, demo_context, load_dataset
from omvarld.monitoring.pipeline import find_themes
from omvarld.monitoring.tagging import describe_reason


def _grams(text, n=6):
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_the_training_set_is_separate_from_the_evaluation_set():
    rows = theme_model.load_training()
    evaluation = load_dataset()
    assert not {r["source"] for r in rows} & {r["source"] for r in evaluation}
    seen = set().union(*(_grams(r["text"]) for r in evaluation))
    shared = [r["source"] for r in rows if _grams(r["text"]) & seen]
    assert not shared


def test_the_training_set_is_real_labelled_text_with_the_map_themes():
    rows = theme_model.load_training()
    slugs = {t["slug"] for t in yaml.safe_load(DEMO.read_text(encoding="utf-8"))["themes"]}
    real = [r for r in rows if not r["source"].startswith("demo/")]
    assert len(real) >= 300
    assert sum(1 for r in real if not r["themes"]) > len(real) / 2  # most texts have no theme
    assert all(set(r["themes"]) <= slugs for r in rows)


def test_the_fast_scorer_gives_the_pipeline_probabilities():
    model = theme_model.seed_model()
    texts = [r["text"] for r in load_dataset()[::7]] + ["", "a", "Fjärrvärmenätet i Västerås byggs ut."]
    for fast, reference in zip(model.probabilities(texts), model.reference_probabilities(texts), strict=True):
        assert fast.keys() == reference.keys()
        assert all(abs(fast[k] - reference[k]) < 1e-9 for k in fast)


def test_the_shipped_threshold_is_the_cross_validated_one():
    assert theme_model.cross_validated_threshold() == theme_model.CONFIRM_THRESHOLD


def test_the_model_confirms_weak_rule_evidence_and_says_why():
    ctx = demo_context()
    text = "Det bästa med att vara pendlare: turtätheten och det enkla taxesystemet."
    evidence = ctx.themes.evidence(text, "sv")
    assert 0.5 <= evidence["mobility-transport"][0] < 1.0  # one weak word: the rules alone do not tag it
    tags = {t.target_id: t for t in find_themes(ctx, text, "sv")}
    assert tags["mobility-transport"].method == "model"
    assert "pendlare" in describe_reason("model", tags["mobility-transport"].matched, confidence=0.8)
    assert not {t.target_id for t in find_themes(demo_context(seed=False), text, "sv")}


def test_the_model_tags_only_themes_with_weak_rule_evidence():
    ctx = demo_context()
    model_tags = 0
    for row in load_dataset():
        evidence = ctx.themes.evidence(row["text"], "")
        for tag in find_themes(ctx, row["text"], ""):
            if tag.method == "model":
                model_tags += 1
                assert theme_model.WEAK_EVIDENCE <= evidence[tag.target_id][0] < 1.0
                assert tag.matched and theme_model.CONFIRM_THRESHOLD <= tag.confidence <= 1.0
    assert model_tags > 0
