"""The news desk's writes: publishing a notice and preparing the weekly newsletter (N4, N5)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from omvarld.accounts.roles import ADMIN, EDITOR, role_of
from omvarld.core.models import Entity, Item, Placement, Theme
from omvarld.newsdesk import queries
from omvarld.newsdesk.models import NewsletterDraft

log = logging.getLogger(__name__)


def can_edit_news(user) -> bool:
    return role_of(user) in (EDITOR, ADMIN)


def _require_editor(user) -> None:
    if not can_edit_news(user):
        raise PermissionDenied("Only editors work the news desk.")


@transaction.atomic
def publish_notice(
    *,
    user,
    title: str,
    url: str = "",
    source_name: str = "",
    language: str = "en",
    published_on: dt.date | None = None,
    summary: str = "",
    commentary: str = "",
    entities: list[Entity] = (),
    themes: list[Theme] = (),
) -> Item:
    """Create a published news notice with its entities and themes."""
    _require_editor(user)
    now = timezone.now()
    notice = Item.objects.create(
        type=Item.Type.NEWS_NOTICE,
        title=title,
        url=url,
        source_name=source_name,
        language=language,
        published_on=published_on or now.date(),
        summary=summary,
        commentary=commentary,
        status=Item.Status.PUBLISHED,
        published_at=now,
        created_by=user,
    )
    Placement.objects.bulk_create([Placement(item=notice, entity=e) for e in dict.fromkeys(entities)])
    notice.themes.set(list(themes))
    # bulk_create sends no signals; one more save re-indexes the notice with its tags.
    notice.save(update_fields=["updated_at"])
    return notice


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def build_newsletter_draft(*, user=None, week_start: dt.date | None = None) -> NewsletterDraft:
    """Write (or rewrite, while still a draft) the newsletter for a week from its notices and map updates.

    ``user`` is None when the weekly schedule builds it. A draft an editor has already handed over
    is left alone so a second run never overwrites what went out.
    """
    if user is not None:
        _require_editor(user)
    start = week_start_of(week_start or timezone.localdate())
    content = queries.week_content(start)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(site)s: the week of %(date)s") % {"site": settings.SITE_NAME, "date": start.isoformat()}
        context = {"content": content, "site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, "subject": subject}
        html = render_to_string("newsdesk/newsletter/body.html", context)
        text = render_to_string("newsdesk/newsletter/body.txt", context)
    draft, created = NewsletterDraft.objects.get_or_create(
        week_start=start, defaults={"subject": subject, "html": html, "text": text, "edited_by": user}
    )
    if not created and draft.status == NewsletterDraft.Status.DRAFT:
        draft.subject, draft.html, draft.text, draft.edited_by = subject, html, text, user
        draft.save(update_fields=["subject", "html", "text", "edited_by", "updated_at"])
    return draft


def edit_newsletter_draft(*, draft: NewsletterDraft, user, subject: str, html: str, text: str) -> NewsletterDraft:
    _require_editor(user)
    if draft.status == NewsletterDraft.Status.HANDED_OVER:
        raise PermissionDenied("This newsletter has already been handed to sending.")
    draft.subject, draft.html, draft.text, draft.edited_by = subject, html, text, user
    draft.save(update_fields=["subject", "html", "text", "edited_by", "updated_at"])
    return draft


def _sender():
    """The subscriptions app's sending action, when that app is installed."""
    try:
        from omvarld.subscriptions.actions import send_newsletter
    except ImportError:
        return None
    return send_newsletter


def hand_over_newsletter(*, draft: NewsletterDraft, user) -> NewsletterDraft:
    """Give the edited newsletter to sending; without a sender, park it as 'ready' and say why."""
    _require_editor(user)
    if draft.status == NewsletterDraft.Status.HANDED_OVER:
        return draft
    send = _sender()
    if send is None:
        draft.status = NewsletterDraft.Status.READY
        draft.status_note = "no-sender"
        draft.save(update_fields=["status", "status_note", "updated_at"])
        return draft
    send(subject=draft.subject, html=draft.html, text=draft.text, user=user)
    draft.status = NewsletterDraft.Status.HANDED_OVER
    draft.status_note = ""
    draft.handed_over_at = timezone.now()
    draft.save(update_fields=["status", "status_note", "handed_over_at", "updated_at"])
    return draft
