"""The ranking's pure parts: features, learning from feedback, reasons, training."""

import datetime as dt
import random

from omvarld.personal import ranking

NOW = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)


def story(n, *, entities=(), themes=(), words=(), days=1.0, source=1, **kw):
    return ranking.Story(key=f"entry:{n}", kind="entry", object_id=n, title=" ".join(words), at=NOW - dt.timedelta(days=days),
                         entity_ids=tuple(entities), theme_ids=tuple(themes), terms=tuple(words), source_id=source, **kw)


def test_follows_rank_first_and_say_why():
    pool = ranking.Pool([story(1, entities=[7]), story(2, entities=[8], days=0.1), story(3, themes=[3], days=0.2)])
    state = ranking.MemberState(entities={7}, themes={3}, include_stream=True)
    ranked = ranking.rank(pool, state, ranking.DEFAULT_WEIGHTS, NOW)
    assert [r.story.object_id for r in ranked] == [1, 3, 2]
    assert ranked[0].reasons[0] == ("follow_entity", [7])
    assert ranked[1].reasons[0] == ("follow_theme", [3])


def test_hidden_and_unchosen_stream_entries_are_left_out():
    pool = ranking.Pool([story(1, entities=[7]), story(2, entities=[7]), story(3, source=9)])
    state = ranking.MemberState(entities={7}, hidden={"entry:1"}, include_stream=False, sources={9})
    assert [r.story.object_id for r in ranking.rank(pool, state, ranking.DEFAULT_WEIGHTS, NOW)] == [3]


def test_more_and_less_move_similar_stories():
    liked = story(1, entities=[5], words=["heat", "pump"])
    similar = story(2, entities=[5], words=["heat", "network"])
    other = story(3, entities=[6], words=["football"], source=2)
    state = ranking.MemberState(include_stream=True)
    state.affinity = ranking.learn(state.affinity, liked, "more")
    f_similar, f_other = ranking.features(similar, state, NOW), ranking.features(other, state, NOW)
    assert f_similar[ranking.FEATURES.index("similar")] > 0.3 and f_other[ranking.FEATURES.index("similar")] == 0.0
    for _ in range(3):
        state.affinity = ranking.learn(state.affinity, liked, "less")
    assert ranking.features(similar, state, NOW)[ranking.FEATURES.index("similar")] < 0


def test_affinity_stays_bounded():
    s = story(1, entities=[5], words=["a" * 5])
    affinity = {}
    for _ in range(100):
        affinity = ranking.learn(affinity, s, "save")
    assert max(affinity.values()) == ranking.AFFINITY_LIMIT


def test_training_learns_that_follows_matter():
    rnd = random.Random(3)
    samples = []
    for _ in range(2000):
        followed = rnd.random() < 0.3
        f = [1.0 if followed else 0.0] + [0.0] * 5 + [rnd.random(), rnd.random(), 0.0, 0.0, 0.0, 0.0]
        samples.append((f, int(rnd.random() < (0.6 if followed else 0.1))))
    weights = ranking.train(samples)
    assert weights["follow_entity"] > 1.0 and set(weights) == set(ranking.FEATURES) | {"bias"}


def test_too_little_feedback_keeps_the_defaults():
    assert ranking.train([([0.0] * len(ranking.FEATURES), 1)] * 10) == ranking.DEFAULT_WEIGHTS


def test_learned_weights_never_turn_explicit_feedback_around():
    # A log where followed and liked stories were opened less than others (noise, or a bad week).
    rnd = random.Random(5)
    samples = []
    for _ in range(2000):
        followed, similar = rnd.random() < 0.3, rnd.uniform(-1, 1)
        f = [1.0 if followed else 0.0, 0, 0, 0, 0, similar, rnd.random(), rnd.random(), 0, 0, 0, 0]
        samples.append((f, int(rnd.random() < (0.05 if followed or similar > 0 else 0.3))))
    weights = ranking.train(samples)
    assert all(weights[name] >= ranking.MIN_WEIGHT for name in ranking.MONOTONE)
