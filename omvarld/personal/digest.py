"""The weekly "for you" mail: the best of each member's ranked feed, every Monday."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone, translation

from omvarld.personal import queries
from omvarld.personal.models import Profile

log = logging.getLogger(__name__)
DIGEST_LENGTH = 10


def due(now: dt.datetime) -> bool:
    local = timezone.localtime(now)
    return local.weekday() == 0 and local.hour >= settings.SUBSCRIPTIONS_DIGEST_HOUR


def send_for_you(*, now=None, force: bool = False) -> int:
    """Mail each member who asked for it their week's best; at most once a week each.

    A member is claimed with a conditional update of ``last_digest_at`` before the mail goes, so
    two workers never send the same member's mail twice.
    """
    from omvarld.accounts.emails import send

    now = now or timezone.now()
    if not force and not due(now):
        return 0
    cutoff = now - dt.timedelta(days=6)
    sent = 0
    candidates = Profile.objects.filter(weekly_digest=True, user__is_active=True).exclude(user__email="").select_related("user")
    for profile in candidates.filter(last_digest_at__isnull=True) | candidates.filter(last_digest_at__lt=cutoff):
        claimed = Profile.objects.filter(pk=profile.pk, last_digest_at=profile.last_digest_at).update(last_digest_at=now)
        if not claimed:
            continue
        language = _language(profile.user)
        with translation.override(language):
            ranked = queries.ranked_for(profile.user, limit=DIGEST_LENGTH, now=now)
            if not ranked:
                continue
            labels = queries.labels_for(ranked, queries.member_state(profile.user))
            entries = [{
                "title": r.story.title,
                "url": settings.SITE_URL.rstrip("/") + f"/feed/{r.story.kind}/{r.story.object_id}/open/",
                "reasons": [queries.reason_text(c, d, labels, r.story) for c, d in r.reasons],
                "source": r.story.source_name,
            } for r in ranked]
        send("personal/emails/for_you", profile.user.email, {"entries": entries, "user": profile.user,
             "settings_url": settings.SITE_URL.rstrip("/") + "/following/"}, language=language)
        sent += 1
    return sent


def _language(user) -> str:
    from omvarld.subscriptions.queries import subscriber_for_member

    sub = subscriber_for_member(user)
    return sub.language if sub is not None else settings.LANGUAGE_CODE[:2]
