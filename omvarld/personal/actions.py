"""Every write of the personal feed: follows and their mail, feedback, the feed secret.

Views, the weekly mail and tests all come through here. Each function takes the acting member
explicitly; objects that do not exist, are not published or belong to someone else raise
``Http404`` before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from omvarld.core.models import Entity, Item, MainCategory, Theme
from omvarld.lib.terms import terms as text_terms
from omvarld.personal import pool, ranking
from omvarld.personal.models import Feedback, Follow, Mark, Profile, new_feed_secret

MAIL_KINDS = ("entity", "theme", "category")  # the follows an email subscription can carry
RHYTHMS = ("immediate", "daily", "weekly")
MAX_KEYWORD = 100


@dataclass(frozen=True)
class Target:
    kind: str
    obj: object = None
    keyword: str = ""

    @property
    def key(self) -> str:
        return f"keyword:{self.keyword}" if self.kind == "keyword" else f"{self.kind}:{self.obj.pk}"


def normalise_keyword(text: str) -> str:
    return " ".join((text or "").lower().split())[:MAX_KEYWORD]


def resolve_target(kind: str, ref: str) -> Target:
    """The followable thing of ``kind`` named by ``ref`` (a slug, an id or the keyword itself)."""
    from omvarld.monitoring.models import Source

    ref = (ref or "").strip()
    found = None
    if kind == "entity":
        found = Entity.objects.alive().filter(slug=ref).first()
    elif kind == "theme":
        found = Theme.objects.alive().filter(slug=ref).first()
        while found is not None and found.merged_into_id:
            found = found.merged_into
    elif kind == "category":
        found = MainCategory.objects.alive().filter(slug=ref).first()
    elif kind == "source" and ref.isdigit():
        found = Source.objects.filter(pk=int(ref)).first()
    elif kind == "keyword":
        word = normalise_keyword(ref)
        if not text_terms(word):
            raise Http404("No such keyword")
        return Target("keyword", keyword=word)
    if found is None:
        raise Http404("Nothing to follow here")
    return Target(kind, found)


def profile_of(user) -> Profile:
    found = Profile.objects.filter(user=user).first()
    return found or Profile.objects.get_or_create(user=user)[0]


@transaction.atomic
def follow(*, user, target: Target) -> Follow:
    fields = {"kind": target.kind}
    if target.kind == "keyword":
        fields["keyword"] = target.keyword
    else:
        fields[target.kind] = target.obj
    found, created = Follow.objects.get_or_create(user=user, target_key=target.key, defaults=fields)
    if created:
        _count("follow", found)
    return found


def _count(kind: str, f: Follow) -> None:
    """Tell the curators' analytics (#13) of a follow or unfollow of an entity, theme or category."""
    from omvarld.analytics.actions import record_event

    if f.kind in ("entity", "theme", "category"):
        record_event(kind, f.target)


def _own_follow(user, follow_id: int) -> Follow:
    found = Follow.objects.filter(pk=follow_id, user=user).select_related("entity", "theme", "category").first()
    if found is None:
        raise Http404("No such follow")
    return found


@transaction.atomic
def unfollow(*, user, target: Target) -> bool:
    found = Follow.objects.filter(user=user, target_key=target.key).first()
    if found is None:
        return False
    _drop_mail(user, found)
    _count("unfollow", found)
    found.delete()
    return True


@transaction.atomic
def unfollow_by_id(*, user, follow_id: int) -> None:
    found = _own_follow(user, follow_id)
    _drop_mail(user, found)
    _count("unfollow", found)
    found.delete()


def _subscription_key(f: Follow) -> str:
    return f"{f.kind}:{f.target.pk}"


def _drop_mail(user, f: Follow) -> None:
    from omvarld.subscriptions.queries import subscriber_for_member

    if f.kind not in MAIL_KINDS:
        return
    sub = subscriber_for_member(user)
    if sub is not None:
        sub.subscriptions.filter(target_key=_subscription_key(f)).delete()


def mail_rhythms(user, follows) -> dict[int, str]:
    """Follow id -> how often it mails ("" = not by mail)."""
    from omvarld.subscriptions.queries import subscriber_for_member

    sub = subscriber_for_member(user)
    if sub is None or sub.status == "stopped":
        return {}
    by_key = dict(sub.subscriptions.filter(confirmed_at__isnull=False).values_list("target_key", "rhythm"))
    return {f.pk: by_key.get(_subscription_key(f), "") for f in follows if f.kind in MAIL_KINDS}


@transaction.atomic
def set_follow_mail(*, user, follow_id: int, rhythm: str, page: str = "") -> str:
    """Make a follow also mail the member (immediately, daily or weekly), or stop its mail ("").

    The member's account address is already known to be theirs, so their subscriber record is
    confirmed at once; the consent is recorded as given on ``page``.
    """
    from omvarld.subscriptions.models import Subscriber, Subscription
    from omvarld.subscriptions.queries import subscriber_for_member
    from omvarld.subscriptions.schedule import next_slot
    from omvarld.subscriptions.actions import config

    f = _own_follow(user, follow_id)
    if rhythm and rhythm not in RHYTHMS:
        raise ValueError("rhythm")
    if f.kind not in MAIL_KINDS:
        raise ValueError("kind")
    if not user.email:
        raise ValueError("email")
    now = timezone.now()
    sub = subscriber_for_member(user)
    if not rhythm:
        if sub is not None:
            sub.subscriptions.filter(target_key=_subscription_key(f)).delete()
        return ""
    if sub is None:
        sub = Subscriber.objects.create(email=user.email.strip().lower(), language=_language_of(user), consent_at=now,
                                        consent_page=page[:300], status=Subscriber.Status.CONFIRMED, confirmed_at=now, user=user)
    elif sub.status != Subscriber.Status.CONFIRMED or sub.user_id != user.pk:
        fields = {"user": user}
        if sub.status != Subscriber.Status.CONFIRMED:
            fields |= {"status": Subscriber.Status.CONFIRMED, "stop_reason": "", "consent_at": now, "consent_page": page[:300],
                       "confirmed_at": sub.confirmed_at or now, "confirmation_sent_at": None}
        Subscriber.objects.filter(pk=sub.pk).update(**fields)
    cfg = config()
    slot = next_slot(rhythm, now, hour=cfg.digest_hour, tz=cfg.time_zone)
    Subscription.objects.update_or_create(
        subscriber=sub, target_key=_subscription_key(f),
        defaults={"kind": f.kind, f.kind: f.target, "rhythm": rhythm, "confirmed_at": now, "next_digest_at": slot},
    )
    return rhythm


def _language_of(user) -> str:
    from django.utils import translation

    lang = (translation.get_language() or "sv")[:2]
    return lang if lang in ("sv", "en") else "sv"


# -- feedback ----------------------------------------------------------------------------------


def story_for(kind: str, object_id: int) -> ranking.Story:
    """The story a member acts on: in the pool, or else published/not discarded in the database."""
    if kind not in ("item", "entry"):
        raise Http404("No such kind")
    found = pool.current_pool().by_key.get(f"{kind}:{object_id}")
    if found is not None and _still_visible(kind, object_id):
        return found
    found = pool.story_terms_for(kind, object_id)
    if found is None:
        raise Http404("Nothing to act on")
    return found


def _still_visible(kind: str, object_id: int) -> bool:
    if kind == "item":
        return Item.objects.alive().filter(pk=object_id, status=Item.Status.PUBLISHED).exists()
    from omvarld.monitoring.models import Entry

    return Entry.objects.filter(pk=object_id).exclude(status=Entry.Status.DISCARDED).exists()


@transaction.atomic
def give_feedback(*, user, kind: str, object_id: int, action: str) -> ranking.Story:
    """Record one open, save, unsave, hide, unhide, more or less, and learn from it at once."""
    if action not in Feedback.Action.values:
        raise ValueError("action")
    story = story_for(kind, object_id)
    now = timezone.now()
    if action in ("save", "unsave", "hide", "unhide"):
        mark, _ = Mark.objects.get_or_create(user=user, kind=kind, object_id=object_id)
        if action == "save":
            mark.saved_at = mark.saved_at or now
        elif action == "unsave":
            mark.saved_at = None
        elif action == "hide":
            mark.hidden_at = mark.hidden_at or now
        else:
            mark.hidden_at = None
        if mark.saved_at is None and mark.hidden_at is None:
            mark.delete()
        else:
            mark.save()
    Feedback.objects.create(user=user, action=action, kind=kind, object_id=object_id, at=now)
    profile = Profile.objects.select_for_update().filter(pk=profile_of(user).pk).first()
    profile.affinity = ranking.learn(profile.affinity, story, action)
    profile.save(update_fields=["affinity"])
    return story


def set_stream(*, user, include: bool) -> None:
    profile = profile_of(user)
    profile.include_stream = include
    profile.save(update_fields=["include_stream"])


def set_weekly_digest(*, user, weekly: bool) -> None:
    profile = profile_of(user)
    profile.weekly_digest = weekly
    profile.save(update_fields=["weekly_digest"])


def reset_feed_secret(*, user) -> str:
    profile = profile_of(user)
    profile.feed_secret = new_feed_secret()
    profile.save(update_fields=["feed_secret"])
    return profile.feed_secret


def erase_personal_data(*, user) -> None:
    """Delete the member's follows, marks, feedback and profile (also done by deleting the account)."""
    Follow.objects.filter(user=user).delete()
    Mark.objects.filter(user=user).delete()
    Feedback.objects.filter(user=user).delete()
    Profile.objects.filter(user=user).delete()
