"""Replay an interaction log and measure the personal feed's ranking against two baselines.

The log is simulated: members have hidden interests (entities, themes and words) that the ranker
never sees; they follow only part of them (and now and then something they care little about).
Each day every active member is shown a random sample of the last three days' stories (random
exposure, so the log is an unbiased test bed), opens what interests them with a probability
that grows with the hidden interest, saves some of it and hides some of what bores them.

The first weeks train the ranking model (``omvarld.personal.ranking.train``, the same code the
worker runs on the ``Feedback`` table); each later day, for every member who opened something,
the stories shown that day are ranked by the learned ranking (with the member's follows and the
affinities learned from their feedback so far, ``ranking.learn``), by newest first and by most
popular, and scored against what the member actually opened (1) and saved (2).

    python benchmarks/ranking_replay.py [--members 300] [--days 56] [--train-days 35] [--seed 1]
    python benchmarks/ranking_replay.py --database   # the log recorded in the product's Feedback table

Last line: JSON with ndcg10/precision10 for each ranking and the learned ranking's relative gains.
"""

import argparse
import datetime as dt
import json
import math
import os
import random
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from omvarld.personal import ranking  # noqa: E402  (pure: no Django set-up needed)

CATEGORIES = 5
ENTITIES = 40
THEMES = 12
SOURCES = 30
WORDS_PER_TOPIC = 6
STORIES_PER_DAY = 120
SHOWN = 30
K = 10


def build_world(rnd):
    entity_category = {e: e % CATEGORIES for e in range(ENTITIES)}
    topic_words = {("e", e): [f"ent{e}w{i}" for i in range(WORDS_PER_TOPIC)] for e in range(ENTITIES)}
    topic_words |= {("t", t): [f"thm{t}w{i}" for i in range(WORDS_PER_TOPIC)] for t in range(THEMES)}
    source_quality = {s: rnd.choice((0.3, 0.6, 0.9)) for s in range(SOURCES)}
    source_topics = {s: rnd.sample(range(ENTITIES), 8) for s in range(SOURCES)}
    return entity_category, topic_words, source_quality, source_topics


def make_stories(rnd, world, start):
    entity_category, topic_words, source_quality, source_topics = world
    stories = []
    n = 0
    for day in range(ARGS.days):
        for _ in range(STORIES_PER_DAY):
            source = rnd.randrange(SOURCES)
            entities = tuple(sorted(set(rnd.sample(source_topics[source], rnd.choice((1, 1, 2))))))
            themes = tuple(sorted(set(rnd.sample(range(THEMES), rnd.choice((1, 1, 2))))))
            words = [rnd.choice(topic_words[("e", e)]) for e in entities] + [rnd.choice(topic_words[("t", t)]) for t in themes]
            words += [f"noise{rnd.randrange(400)}" for _ in range(4)]
            rnd.shuffle(words)
            at = start + dt.timedelta(days=day, hours=rnd.uniform(0, 24))
            stories.append(ranking.Story(
                key=f"entry:{n}", kind="entry", object_id=n, title=" ".join(words), at=at, source_id=source,
                source_name=f"source {source}", quality=source_quality[source], cluster_size=rnd.choice((1, 1, 1, 2, 3, 5)),
                entity_ids=entities, theme_ids=themes, category_ids=tuple(sorted({entity_category[e] for e in entities})),
                terms=tuple(dict.fromkeys(words)), is_pick=rnd.random() < 0.04,
            ))
            n += 1
    return stories


def make_members(rnd, world):
    _, topic_words, _, _ = world
    members = []
    for m in range(ARGS.members):
        entities = rnd.sample(range(ENTITIES), 3)
        themes = rnd.sample(range(THEMES), 2)
        words = {rnd.choice(topic_words[("e", e)]) for e in entities[:1]}
        hidden = {"entities": {e: rnd.uniform(0.8, 1.5) for e in entities}, "themes": {t: rnd.uniform(0.4, 0.9) for t in themes}, "words": words}
        # Follows are a noisy view of the interests: not all of them, and sometimes one that is not.
        follows = ranking.MemberState(include_stream=True)
        follows.entities = set(entities[: rnd.choice((1, 2, 2, 3))])
        if rnd.random() < 0.4:
            follows.entities.add(rnd.randrange(ENTITIES))
        follows.themes = set(themes[:1]) if rnd.random() < 0.7 else set()
        members.append({"id": m, "hidden": hidden, "state": follows, "activity": rnd.uniform(0.3, 0.9)})
    return members


def utility(member, story):
    h = member["hidden"]
    u = sum(h["entities"].get(e, 0.0) for e in story.entity_ids) + sum(h["themes"].get(t, 0.0) for t in story.theme_ids)
    u += 0.8 * len(h["words"].intersection(story.terms))
    return u + 0.3 * story.quality + 0.1 * math.log(story.cluster_size)


def simulate(rnd, members, stories, start):
    """The interaction log: (day, member id, story key, action, shown keys) per exposure session."""
    by_day = [stories[d * STORIES_PER_DAY:(d + 1) * STORIES_PER_DAY] for d in range(ARGS.days)]
    log = []
    for day in range(ARGS.days):
        recent = [s for d in range(max(0, day - 2), day + 1) for s in by_day[d]]
        for m in members:
            if rnd.random() > m["activity"]:
                continue
            shown = rnd.sample(recent, SHOWN)
            events = []
            for s in shown:
                age = (start + dt.timedelta(days=day + 1) - s.at).total_seconds() / 86400
                p = 1 / (1 + math.exp(-(2.6 * utility(m, s) - 3.2 - 0.25 * age)))
                if rnd.random() < p:
                    events.append((s.key, "open"))
                    if rnd.random() < min(0.8, 0.25 * utility(m, s)):
                        events.append((s.key, "save"))
                elif utility(m, s) < 0.4 and rnd.random() < 0.04:
                    events.append((s.key, "hide"))
            log.append((day, m["id"], [s.key for s in shown], events))
    return log


def dcg(gains):
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def evaluate(order, gains_by_key):
    gains = [gains_by_key.get(k, 0) for k in order[:K]]
    ideal = dcg(sorted(gains_by_key.values(), reverse=True)[:K])
    return (dcg(gains) / ideal if ideal else 0.0), sum(1 for g in gains if g > 0) / K


def database_log(rnd):
    """The log recorded in the product's own tables (``personal.Feedback``), for ``--database``.

    The product keeps no impressions, so each member-day is shown what the member acted on that
    day plus 20 other stories of the pool published by then (unseen, counted as not opened).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omvarld.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from omvarld.personal import pool, queries
    from omvarld.personal.models import Feedback

    rows = list(Feedback.objects.order_by("at", "id").values_list("user_id", "action", "kind", "object_id", "at"))
    if not rows:
        sys.exit("no feedback recorded yet")
    current = pool.current_pool()
    by_key = dict(current.by_key)
    for _, _, kind, object_id, _ in rows:
        key = f"{kind}:{object_id}"
        if key not in by_key:
            found = pool.story_terms_for(kind, object_id)
            if found is not None:
                by_key[key] = found
    start = rows[0][4].replace(hour=0, minute=0, second=0, microsecond=0)
    users = get_user_model().objects.in_bulk({r[0] for r in rows})
    states = {}
    for user_id, user in users.items():
        state = queries.member_state(user)
        state.affinity, state.hidden, state.include_stream = {}, set(), True
        states[user_id] = {"state": state}
    sessions: dict = {}
    for user_id, action, kind, object_id, at in rows:
        key = f"{kind}:{object_id}"
        if key in by_key and action in ("open", "save", "hide"):
            sessions.setdefault(((at - start).days, user_id), []).append((key, action))
    log = []
    all_stories = list(by_key.values())
    for (day, user_id), events in sorted(sessions.items()):
        until = start + dt.timedelta(days=day + 1)
        others = [s.key for s in rnd.sample(all_stories, min(60, len(all_stories))) if s.at < until][:20]
        log.append((day, user_id, list(dict.fromkeys([k for k, _ in events] + others)), events))
    days = max(day for day, _, _, _ in log) + 1
    return log, states, by_key, start, days


def simulated_log(rnd):
    start = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    world = build_world(rnd)
    stories = make_stories(rnd, world, start)
    members = make_members(rnd, world)
    log = simulate(rnd, members, stories, start)
    return log, {m["id"]: m for m in members}, {s.key: s for s in stories}, start, ARGS.days


def main():
    rnd = random.Random(ARGS.seed)
    log, members, by_key, start, days = database_log(rnd) if ARGS.database else simulated_log(rnd)
    if ARGS.database:
        ARGS.days, ARGS.train_days = days, max(1, int(days * ARGS.train_days / 56))
    stories = list(by_key.values())
    popularity: dict = {}
    weights = dict(ranking.DEFAULT_WEIGHTS)
    samples = []
    scores = {"learned": [], "newest": [], "popular": []}
    label = {"open": 1, "save": 1, "hide": 0}
    trained = False
    for day in range(ARGS.days):
        now = start + dt.timedelta(days=day, hours=12)
        if day >= ARGS.train_days and not trained:
            weights = ranking.train(samples)
            trained = True
        sessions = [s for s in log if s[0] == day]
        for s in stories:  # popularity known at the start of the day
            s.popularity = popularity.get(s.key, 0.0)
        for _, member_id, shown, events in sessions:
            state = members[member_id]["state"]
            gains = {}
            for key, action in events:
                gains[key] = max(gains.get(key, 0), 2 if action == "save" else (1 if action == "open" else 0))
            if day >= ARGS.train_days and any(gains.values()):
                cands = [by_key[k] for k in shown]
                learned = sorted(cands, key=lambda s: -ranking.score_of(ranking.features(s, state, now), weights))
                newest = sorted(cands, key=lambda s: -s.at.timestamp())
                popular = sorted(cands, key=lambda s: (-s.popularity, -s.at.timestamp()))
                for name, order in (("learned", learned), ("newest", newest), ("popular", popular)):
                    scores[name].append(evaluate([s.key for s in order], gains))
            if day < ARGS.train_days:
                acted = {k for k, _ in events}
                for key, action in events:
                    samples.append((ranking.features(by_key[key], state, now), label[action]))
                for key in shown:
                    if key not in acted:
                        samples.append((ranking.features(by_key[key], state, now), 0))
            # The feed learns from the day's feedback at once, as the product does.
            for key, action in events:
                state.affinity = ranking.learn(state.affinity, by_key[key], action)
                if action in ("open", "save"):
                    popularity[key] = popularity.get(key, 0.0) + (2.0 if action == "save" else 1.0)
    result = {}
    for name, rows in scores.items():
        result[f"{name}_ndcg10"] = round(sum(r[0] for r in rows) / len(rows), 4)
        result[f"{name}_precision10"] = round(sum(r[1] for r in rows) / len(rows), 4)
    result["gain_vs_newest_pct"] = round(100 * (result["learned_ndcg10"] / result["newest_ndcg10"] - 1), 1)
    result["gain_vs_popular_pct"] = round(100 * (result["learned_ndcg10"] / result["popular_ndcg10"] - 1), 1)
    result["evaluated_sessions"] = len(scores["learned"])
    result["training_samples"] = len(samples)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(f"members {ARGS.members}, days {ARGS.days} (trained on {ARGS.train_days}), sessions evaluated {len(scores['learned'])}")
    for name in scores:
        print(f"{name:8s} nDCG@10 {result[name + '_ndcg10']:.4f}  precision@10 {result[name + '_precision10']:.4f}")
    print("learned weights:", {k: round(v, 2) for k, v in weights.items()})
    print(json.dumps(result))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=int(os.environ.get("REPLAY_MEMBERS", 300)))
    parser.add_argument("--days", type=int, default=56)
    parser.add_argument("--train-days", type=int, default=35)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", action="store_true",
                        help="replay the feedback recorded in the product's database (DATABASE_URL / OMVARLD_DATA_DIR) instead of a simulated log")
    ARGS = parser.parse_args()
    main()
