"""Ranking the feed pool for one member, and explaining it.

Pure functions over plain data (no database), so the replay benchmark and the tests use exactly
the code the feed page uses. A story's score is a weighted sum of a few features; the weights are
learned from the members' feedback (``train``) and start from sensible defaults. Each entry's
reasons are the features that contributed most to its score, said in plain words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

FEATURES = (
    "follow_entity", "follow_theme", "follow_category", "follow_source", "follow_keyword",
    "similar", "recency", "quality", "cluster", "trending", "popular", "pick",
)

# Used until enough feedback has been collected to learn better ones.
DEFAULT_WEIGHTS = {
    "bias": -2.0,
    "follow_entity": 2.0, "follow_theme": 1.2, "follow_category": 0.6, "follow_source": 1.0, "follow_keyword": 1.5,
    "similar": 2.5, "recency": 1.0, "quality": 0.5, "cluster": 0.4, "trending": 0.6, "popular": 0.4, "pick": 0.6,
}

MONOTONE = ("follow_entity", "follow_theme", "follow_category", "follow_source", "follow_keyword", "similar")
MIN_WEIGHT = 0.5

# How much one piece of feedback moves the member's affinity for each term of the story.
FEEDBACK_DELTA = {"open": 0.5, "save": 1.5, "unsave": -1.0, "more": 2.0, "less": -2.0, "hide": -1.0, "unhide": 0.5}
AFFINITY_LIMIT = 8.0
MAX_AFFINITY_TERMS = 400
BASE_CANDIDATES = 250  # the best stories by freshness and quality, scored for everyone
PER_TERM = 150  # at most this many of the newest stories per followed or liked term


@dataclass
class Story:
    key: str
    kind: str
    object_id: int
    title: str
    at: datetime
    url: str = ""
    summary: str = ""
    language: str = ""
    item_type: str = ""
    is_pick: bool = False
    source_id: int | None = None
    source_name: str = ""
    quality: float = 0.5
    cluster_size: int = 1
    also: list = field(default_factory=list)
    entity_ids: tuple = ()
    theme_ids: tuple = ()
    category_ids: tuple = ()
    terms: tuple = ()  # stemmed title words
    popularity: float = 0.0
    trend: float = 0.0
    trend_theme_id: int | None = None

    def profile_terms(self) -> list[str]:
        """The terms a member's affinity is kept over: tags, source and title words."""
        out = [f"e:{i}" for i in self.entity_ids] + [f"t:{i}" for i in self.theme_ids]
        if self.source_id is not None:
            out.append(f"s:{self.source_id}")
        out.extend(f"w:{t}" for t in self.terms[:12])
        return out


@dataclass
class MemberState:
    entities: set = field(default_factory=set)
    themes: set = field(default_factory=set)
    categories: set = field(default_factory=set)
    sources: set = field(default_factory=set)
    keywords: list = field(default_factory=list)  # tuples of stemmed terms
    keyword_labels: dict = field(default_factory=dict)  # tuple -> the words the member typed
    affinity: dict = field(default_factory=dict)
    hidden: set = field(default_factory=set)
    saved: set = field(default_factory=set)
    include_stream: bool = False

    @property
    def follows_anything(self) -> bool:
        return bool(self.entities or self.themes or self.categories or self.sources or self.keywords)


@dataclass
class Ranked:
    story: Story
    score: float
    reasons: list  # (code, detail) pairs, most important first
    saved: bool = False


class Pool:
    """The stories of the feed pool with inverted indexes from term to story."""

    def __init__(self, stories: list[Story], now: datetime | None = None):
        self.stories = stories
        self.by_key = {s.key: s for s in stories}
        self.index: dict[str, list[int]] = {}
        newest_first = sorted(range(len(stories)), key=lambda i: -stories[i].at.timestamp())
        for i in newest_first:
            s = stories[i]
            for t in s.profile_terms() + [f"c:{c}" for c in s.category_ids]:
                self.index.setdefault(t, []).append(i)
        for s in stories:
            # What does not change between requests, computed once per pool.
            s._terms = s.profile_terms()
            s._norm = 2.0 * math.sqrt(len(s._terms) or 1)
            s._static = (s.quality, min(1.0, math.log(max(1, s.cluster_size)) / math.log(10)), s.trend, _popular(s), 1.0 if s.is_pick else 0.0)
        now = now or max((s.at for s in stories), default=None)
        base = [(_recency(s, now) + 0.5 * s.quality + 0.3 * s.is_pick + 0.3 * _popular(s), i) for i, s in enumerate(stories)] if now else []
        self.base_order = [i for _, i in sorted(base, reverse=True)]

    def __len__(self):
        return len(self.stories)


def _recency(story: Story, now: datetime) -> float:
    age_days = max(0.0, (now - story.at).total_seconds() / 86400)
    return math.exp(-age_days / 4)


def _popular(story: Story) -> float:
    return min(1.0, math.log1p(story.popularity) / math.log1p(50))


def keyword_match(story: Story, state: MemberState) -> tuple | None:
    if not state.keywords:
        return None
    terms = set(story.terms)
    for kw in state.keywords:
        if kw and all(t in terms for t in kw):
            return kw
    return None


def features(story: Story, state: MemberState, now: datetime) -> list[float]:
    terms = getattr(story, "_terms", None)
    if terms is None:
        terms = story.profile_terms()
    affinity = state.affinity
    raw = sum(affinity.get(t, 0.0) for t in terms) if affinity else 0.0
    similar = math.tanh(raw / (2.0 * math.sqrt(len(terms) or 1))) if raw else 0.0
    static = getattr(story, "_static", None) or (
        story.quality, min(1.0, math.log(max(1, story.cluster_size)) / math.log(10)), story.trend, _popular(story), 1.0 if story.is_pick else 0.0)
    age_days = (now - story.at).total_seconds() / 86400
    return [
        1.0 if state.entities and not state.entities.isdisjoint(story.entity_ids) else 0.0,
        1.0 if state.themes and not state.themes.isdisjoint(story.theme_ids) else 0.0,
        1.0 if state.categories and not state.categories.isdisjoint(story.category_ids) else 0.0,
        1.0 if story.source_id is not None and story.source_id in state.sources else 0.0,
        1.0 if state.keywords and keyword_match(story, state) else 0.0,
        similar,
        math.exp(-max(0.0, age_days) / 4),
        *static,
    ]


def score_of(f: list[float], weights: dict) -> float:
    return weights.get("bias", 0.0) + sum(weights.get(name, 0.0) * v for name, v in zip(FEATURES, f, strict=True))


def candidates(pool: Pool, state: MemberState) -> list[int]:
    """The stories worth scoring for this member: everything that matches a follow or a liked term,
    and the best of the rest."""
    chosen = set(pool.base_order[:BASE_CANDIDATES])
    terms = [f"e:{i}" for i in state.entities] + [f"t:{i}" for i in state.themes] + [f"c:{i}" for i in state.categories]
    terms += [f"s:{i}" for i in state.sources]
    terms += [f"w:{kw[0]}" for kw in state.keywords if kw]
    liked = sorted((v, t) for t, v in state.affinity.items() if v > 0)[-30:]
    terms += [t for _, t in liked]
    for t in terms:
        chosen.update(pool.index.get(t, ())[:PER_TERM])
    return sorted(chosen)


def visible(story: Story, state: MemberState) -> bool:
    if story.key in state.hidden:
        return False
    if story.kind == "entry":
        return state.include_stream or (story.source_id is not None and story.source_id in state.sources)
    return True


def rank(pool: Pool, state: MemberState, weights: dict, now: datetime, *, limit: int = 20, offset: int = 0) -> list[Ranked]:
    scored = []
    w = [weights.get(name, 0.0) for name in FEATURES]
    bias = weights.get("bias", 0.0)
    for i in candidates(pool, state):
        s = pool.stories[i]
        if not visible(s, state):
            continue
        f = features(s, state, now)
        scored.append((bias + sum(a * b for a, b in zip(w, f)), i, f))
    scored.sort(key=lambda t: (-t[0], -pool.stories[t[1]].at.timestamp()))
    out = []
    for score, i, f in scored[offset:offset + limit]:
        s = pool.stories[i]
        out.append(Ranked(s, score, reasons(s, f, state, weights), saved=s.key in state.saved))
    return out


def reasons(story: Story, f: list[float], state: MemberState, weights: dict) -> list[tuple[str, object]]:
    """The one or two strongest reasons, as (code, detail); the view words them."""
    contrib = {name: weights.get(name, 0.0) * v for name, v in zip(FEATURES, f, strict=True)}
    detail = {
        "follow_entity": [i for i in story.entity_ids if i in state.entities],
        "follow_theme": [i for i in story.theme_ids if i in state.themes],
        "follow_category": [i for i in story.category_ids if i in state.categories],
        "follow_source": story.source_id,
        "follow_keyword": state.keyword_labels.get(keyword_match(story, state), ""),
        "trending": story.trend_theme_id,
        "cluster": story.cluster_size,
    }
    thresholds = {"similar": 0.35, "trending": 0.15, "popular": 0.15, "cluster": 0.15, "pick": 0.2}
    out = []
    for name, value in sorted(contrib.items(), key=lambda kv: -kv[1]):
        if name in ("recency", "quality") or value <= thresholds.get(name, 0.0):
            continue
        out.append((name, detail.get(name)))
        if len(out) == 2:
            break
    if not out:
        out.append(("recent", None))
    return out


def learn(affinity: dict, story: Story, action: str) -> dict:
    """The member's affinities after one piece of feedback on ``story`` (applied at once)."""
    delta = FEEDBACK_DELTA.get(action, 0.0)
    if not delta:
        return affinity
    new = dict(affinity)
    terms = story.profile_terms()
    share = delta / math.sqrt(len(terms) or 1)
    for t in terms:
        new[t] = max(-AFFINITY_LIMIT, min(AFFINITY_LIMIT, new.get(t, 0.0) + share * (2.0 if t[0] in "ets" else 1.0)))
    if len(new) > MAX_AFFINITY_TERMS:
        new = dict(sorted(new.items(), key=lambda kv: -abs(kv[1]))[:MAX_AFFINITY_TERMS])
    return new


def train(samples: list[tuple[list[float], int]]) -> dict:
    """Logistic regression over the features: positive = opened, saved, "more"; negative = hidden,
    "less", or shown and passed over. Returns the weights, or the defaults when too little is known."""
    labels = {y for _, y in samples}
    if len(samples) < 50 or labels != {0, 1}:
        return dict(DEFAULT_WEIGHTS)
    from sklearn.linear_model import LogisticRegression

    X = [f for f, _ in samples]
    y = [label for _, label in samples]
    model = LogisticRegression(C=1.0, max_iter=500, class_weight="balanced")
    model.fit(X, y)
    weights = {name: float(w) for name, w in zip(FEATURES, model.coef_[0], strict=True)}
    weights["bias"] = float(model.intercept_[0])
    # What a member says explicitly (follows, "more"/"less", saves) must always count in its own
    # direction, whatever noise the log holds: these weights never fall below a floor.
    for name in MONOTONE:
        weights[name] = max(weights[name], MIN_WEIGHT)
    return weights
