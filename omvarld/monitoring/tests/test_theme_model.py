"""The theme model shipped in ``omvarld/monitoring/theme_model``, as trained from its seed set."""

import re

import yaml

from omvarld.monitoring import theme_model
from omvarld.monitoring.evaluation.evaluate import DEMO, demo_context, load_dataset
from omvarld.monitoring.pipeline import find_themes
from omvarld.monitoring.tagging import describe_reason
from omvarld.monitoring.text import detect_language


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


def test_the_training_set_holds_real_and_written_labelled_text_with_the_map_themes():
    rows = theme_model.load_training()
    slugs = {t["slug"] for t in yaml.safe_load(DEMO.read_text(encoding="utf-8"))["themes"]}
    real = [r for r in rows if r["source"].split("/")[0] in ("text", "feeds", "extraction")]
    written = [r for r in rows if r["source"].startswith("written/")]
    assert len(real) >= 300 and len(written) >= 1000
    assert sum(1 for r in real if not r["themes"]) > len(real) / 2  # most real texts have no theme
    assert sum(1 for r in written if not r["themes"]) > len(written) / 4  # written negatives too
    assert all(set(r["themes"]) <= slugs for r in rows)
    assert all(sum(1 for r in written if slug in r["themes"]) >= 60 for slug in slugs)  # every theme taught
    assert len({r["text"] for r in rows}) == len(rows)


def test_the_fast_scorer_gives_the_pipeline_probabilities():
    model = theme_model.ThemeModel()  # fitted here: a stored copy carries no pipeline to compare with
    texts = [r["text"] for r in load_dataset()[::7]] + ["", "a", "Fjärrvärmenätet i Västerås byggs ut."]
    for fast, reference in zip(model.probabilities(texts), model.reference_probabilities(texts), strict=True):
        assert fast.keys() == reference.keys()
        assert all(abs(fast[k] - reference[k]) < 1e-9 for k in fast)


def test_the_shipped_thresholds_are_the_cross_validated_ones():
    assert theme_model.cross_validated_thresholds() == (theme_model.CONFIRM_THRESHOLD, theme_model.SUGGEST_THRESHOLD)


def test_the_model_confirms_weak_rule_evidence_and_says_why():
    ctx = demo_context()
    text = "Fler pendlare tar cykeln till jobbet i Lund."
    evidence = ctx.themes.evidence(text, "sv")
    assert 0.5 <= evidence["mobility-transport"][0] < 1.0  # one weak word: the rules alone do not tag it
    tags = {t.target_id: t for t in find_themes(ctx, text, "sv")}
    assert tags["mobility-transport"].method == "model"
    assert "pendlare" in describe_reason("model", tags["mobility-transport"].matched, confidence=0.8)
    assert not {t.target_id for t in find_themes(demo_context(seed=False), text, "sv")}


def test_the_seed_model_confirms_weak_evidence_and_leaves_strong_rule_tags_alone():
    ctx = demo_context()
    confirmed = 0
    for row in load_dataset() + theme_model.load_training()[::10]:
        language = detect_language(row["text"])
        evidence = ctx.themes.evidence(row["text"], language)
        tags = {t.target_id: t for t in find_themes(ctx, row["text"], language)}
        assert {slug for slug, (total, _terms) in evidence.items() if total >= 1.0} <= set(tags)  # rules stand
        for tag in tags.values():
            if tag.method == "model":  # before editors have taught it, the seed model only confirms
                confirmed += 1
                assert theme_model.WEAK_EVIDENCE <= evidence[tag.target_id][0] < 1.0
                assert tag.matched and theme_model.CONFIRM_THRESHOLD <= tag.confidence <= 1.0
    assert confirmed


def test_a_model_that_suggests_finds_a_theme_no_theme_word_names():
    ctx = demo_context()
    text = "Die Stadt baut 3.000 neue Sozialwohnungen am Stadtrand."
    evidence = ctx.themes.evidence(text, "de")
    assert not evidence
    probabilities = ctx.theme_model.probabilities([text])[0]
    suggested = {theme_id: (method, p) for theme_id, method, p, _terms in
                 theme_model.decide(evidence, probabilities, ctx.theme_slugs, suggest=True)}
    assert suggested["planning-built-environment"][0] == "model"
    assert suggested["planning-built-environment"][1] >= theme_model.SUGGEST_THRESHOLD
    assert not theme_model.decide(evidence, probabilities, ctx.theme_slugs, suggest=False)
    assert not find_themes(ctx, text, "de")  # the seed model is not asked without evidence
