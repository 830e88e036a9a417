"""Reads of the personal feed: a member's state, their ranked page, reading list and data."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from omvarld.core.models import Entity, MainCategory, Theme
from omvarld.lib.terms import terms as text_terms
from omvarld.personal import pool as pool_mod
from omvarld.personal import ranking
from omvarld.personal.models import Feedback, Follow, Mark, Profile, RankingModel

PER_PAGE = 20


def member_state(user, profile: Profile | None = None) -> ranking.MemberState:
    state = ranking.MemberState()
    for kind, entity_id, theme_id, category_id, source_id, keyword in Follow.objects.filter(user=user).values_list(
        "kind", "entity_id", "theme_id", "category_id", "source_id", "keyword"
    ):
        if kind == "entity":
            state.entities.add(entity_id)
        elif kind == "theme":
            state.themes.add(theme_id)
        elif kind == "category":
            state.categories.add(category_id)
        elif kind == "source":
            state.sources.add(source_id)
        elif kind == "keyword":
            kw = tuple(text_terms(keyword, "sv")) if _looks_swedish(keyword) else tuple(text_terms(keyword))
            state.keywords.append(kw)
            state.keyword_labels[kw] = keyword
    for kind, object_id, saved_at, hidden_at in Mark.objects.filter(user=user).values_list("kind", "object_id", "saved_at", "hidden_at"):
        key = f"{kind}:{object_id}"
        if saved_at:
            state.saved.add(key)
        if hidden_at:
            state.hidden.add(key)
    profile = profile or Profile.objects.filter(user=user).first()
    if profile is not None:
        state.affinity = profile.affinity or {}
        state.include_stream = profile.include_stream
    return state


def _looks_swedish(text: str) -> bool:
    return any(c in text for c in "åäö")


_weights_lock = threading.Lock()
_weights: dict = {}


def weights() -> dict:
    """The latest learned ranking weights (defaults until a model was trained)."""
    latest = RankingModel.objects.values_list("id", flat=True).first()
    with _weights_lock:
        if "weights" not in _weights or _weights.get("id") != latest:
            row = RankingModel.objects.filter(pk=latest).first() if latest else None
            _weights["weights"] = dict(row.weights) if row else dict(ranking.DEFAULT_WEIGHTS)
            _weights["id"] = latest
        return _weights["weights"]


@dataclass
class FeedPage:
    entries: list
    page: int
    has_next: bool
    follows_anything: bool
    include_stream: bool
    labels: dict


def feed_page(user, *, page: int = 1, now=None) -> FeedPage:
    now = now or timezone.now()
    profile = Profile.objects.filter(user=user).first()
    state = member_state(user, profile)
    pool = pool_mod.current_pool()
    ranked = ranking.rank(pool, state, weights(), now, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
    entries = ranked[:PER_PAGE]
    return FeedPage(entries, page, len(ranked) > PER_PAGE, state.follows_anything, state.include_stream, labels_for(entries, state))


def ranked_for(user, *, limit: int = 20, now=None) -> list[ranking.Ranked]:
    now = now or timezone.now()
    state = member_state(user)
    return ranking.rank(pool_mod.current_pool(), state, weights(), now, limit=limit)


def labels_for(entries, state) -> dict:
    """Names of the entities, themes, categories and sources the page mentions, in one query each."""
    entity_ids, theme_ids, category_ids = set(), set(), set()
    for r in entries:
        entity_ids.update(r.story.entity_ids)
        theme_ids.update(r.story.theme_ids)
        category_ids.update(r.story.category_ids)
        if r.story.trend_theme_id:
            theme_ids.add(r.story.trend_theme_id)
    labels = {}
    for e in Entity.objects.filter(id__in=entity_ids).only("id", "slug", "name_sv", "name_en"):
        labels[f"e:{e.pk}"] = e
    for t in Theme.objects.filter(id__in=theme_ids).only("id", "slug", "label_sv", "label_en"):
        labels[f"t:{t.pk}"] = t
    for c in MainCategory.objects.filter(id__in=category_ids).only("id", "slug", "name_sv", "name_en"):
        labels[f"c:{c.pk}"] = c
    return labels


def reason_text(code: str, detail, labels: dict, story: ranking.Story) -> str:
    """One reason in plain words in the active language."""
    if code == "follow_entity":
        names = [labels[f"e:{i}"].name for i in detail if f"e:{i}" in labels]
        return _("You follow %(names)s") % {"names": ", ".join(names[:3])}
    if code == "follow_theme":
        names = [labels[f"t:{i}"].label for i in detail if f"t:{i}" in labels]
        return _("You follow the theme %(names)s") % {"names": ", ".join(names[:3])}
    if code == "follow_category":
        names = [labels[f"c:{i}"].name for i in detail if f"c:{i}" in labels]
        return _("You follow %(names)s") % {"names": ", ".join(names[:3])}
    if code == "follow_source":
        return _("You follow the source %(name)s") % {"name": story.source_name}
    if code == "follow_keyword":
        return _("You follow the word “%(word)s”") % {"word": detail}
    if code == "similar":
        return _("Like what you saved and read")
    if code == "trending":
        theme = labels.get(f"t:{detail}")
        if theme is not None:
            return _("Rising within %(theme)s this week") % {"theme": theme.label}
        return _("Rising this week")
    if code == "popular":
        return _("Many members read this")
    if code == "pick":
        return _("Picked by the editors")
    if code == "cluster":
        return _("Reported by %(n)s sources") % {"n": detail}
    return _("New in the monitoring")


def reading_list(user) -> list[dict]:
    """Saved stories, newest save first, with what is known of them now."""
    marks = list(Mark.objects.filter(user=user, saved_at__isnull=False).order_by("-saved_at", "-id"))
    pool = pool_mod.current_pool()
    out = []
    for m in marks:
        story = pool.by_key.get(f"{m.kind}:{m.object_id}") or pool_mod.story_terms_for(m.kind, m.object_id)
        if story is not None:
            out.append({"story": story, "saved_at": m.saved_at})
    return out


def follows_of(user) -> list[Follow]:
    return list(Follow.objects.filter(user=user).select_related("entity", "theme", "category", "source").order_by("kind", "created_at"))


def follow_key_of(user, target_key: str) -> Follow | None:
    if not user.is_authenticated:
        return None
    return Follow.objects.filter(user=user, target_key=target_key).first()


def profile_by_secret(secret: str) -> Profile | None:
    if not secret or len(secret) > 64:
        return None
    return Profile.objects.select_related("user").filter(feed_secret=secret, user__is_active=True).first()


def export_data(user) -> dict:
    """Everything the personal feed stores about a member, for their data download."""
    from omvarld.subscriptions.queries import export_data as subscription_data
    from omvarld.subscriptions.queries import subscriber_for_member

    profile = Profile.objects.filter(user=user).first()
    sub = subscriber_for_member(user)
    return {
        "follows": [{"kind": f.kind, "target": f.label, "since": f.created_at.isoformat()} for f in follows_of(user)],
        "marks": [
            {"kind": m.kind, "id": m.object_id, "saved_at": m.saved_at.isoformat() if m.saved_at else None,
             "hidden_at": m.hidden_at.isoformat() if m.hidden_at else None}
            for m in Mark.objects.filter(user=user).order_by("id")
        ],
        "feedback": [
            {"action": f.action, "kind": f.kind, "id": f.object_id, "at": f.at.isoformat()}
            for f in Feedback.objects.filter(user=user).order_by("at", "id")
        ],
        "profile": None if profile is None else {
            "feed_secret": profile.feed_secret, "include_stream": profile.include_stream,
            "weekly_digest": profile.weekly_digest, "learned_affinity": profile.affinity,
        },
        "email_subscriptions": subscription_data(sub) if sub is not None else None,
    }


def training_samples(*, since=None, negatives_per_positive: int = 2, seed: int = 0) -> list[tuple[list[float], int]]:
    """Feature vectors labelled from the feedback log: positives are opens, saves and "more";
    negatives are hides, "less", and stories of the pool the member passed over."""
    import random

    rnd = random.Random(seed)
    pool = pool_mod.current_pool()
    now = timezone.now()
    label = {"open": 1, "save": 1, "more": 1, "hide": 0, "less": 0}
    samples = []
    by_user: dict[int, list] = {}
    qs = Feedback.objects.filter(action__in=label)
    if since is not None:
        qs = qs.filter(at__gte=since)
    for user_id, action, kind, object_id in qs.values_list("user_id", "action", "kind", "object_id"):
        by_user.setdefault(user_id, []).append((action, f"{kind}:{object_id}"))
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk(list(by_user))
    for user_id, events in by_user.items():
        state = member_state(users[user_id])
        state.hidden = set()
        touched = set()
        for action, key in events:
            story = pool.by_key.get(key)
            if story is None:
                continue
            touched.add(key)
            samples.append((ranking.features(story, state, now), label[action]))
        if pool.stories:
            positives = sum(1 for a, _ in events if label[a])
            for _n in range(positives * negatives_per_positive):
                story = pool.stories[rnd.randrange(len(pool.stories))]
                if story.key not in touched:
                    samples.append((ranking.features(story, state, now), 0))
    return samples
