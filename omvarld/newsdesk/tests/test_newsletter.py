"""The weekly newsletter draft: built from the week's notices and map updates, edited, handed over."""

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from omvarld.newsdesk import actions
from omvarld.newsdesk.models import NewsletterDraft


def test_draft_has_the_weeks_notices_in_html_and_text(notice, editor):
    draft = actions.build_newsletter_draft(user=editor)
    assert draft.week_start.weekday() == 0
    assert notice.title in draft.html and notice.title in draft.text
    assert "svenska kommuner" in draft.text
    assert "<" not in draft.text.replace("<http", "")  # plain text, no markup


def test_last_weeks_notice_is_not_in_this_weeks_draft(notice, editor):
    last_week = timezone.localdate() - dt.timedelta(days=7)
    draft = actions.build_newsletter_draft(user=editor, week_start=last_week)
    assert notice.title not in draft.html


def test_rebuilding_keeps_one_draft_per_week(notice, editor):
    a = actions.build_newsletter_draft(user=editor)
    b = actions.build_newsletter_draft(user=editor)
    assert a.pk == b.pk and NewsletterDraft.objects.count() == 1


def test_command_builds_the_draft(notice):
    call_command("build-newsletter")
    assert NewsletterDraft.objects.get().html


def test_editor_edits_and_hands_over_without_a_sender(editor_client, notice, editor, monkeypatch):
    monkeypatch.setattr(actions, "_sender", lambda: None)
    draft = actions.build_newsletter_draft(user=editor)
    response = editor_client.post(f"/news/newsletters/{draft.pk}/", {"subject": "Veckans omvärld", "html": "<p>Hej</p>", "text": "Hej"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.subject, draft.text) == ("Veckans omvärld", "Hej")
    response = editor_client.post(f"/news/newsletters/{draft.pk}/hand-over/", follow=True)
    draft.refresh_from_db()
    assert draft.status == NewsletterDraft.Status.READY and draft.status_note == "no-sender"
    assert "Utskick är inte inrättat" in response.content.decode()


def test_hand_over_calls_the_sender(notice, editor, monkeypatch):
    sent = []
    monkeypatch.setattr(actions, "_sender", lambda: lambda **kw: sent.append(kw))
    draft = actions.build_newsletter_draft(user=editor)
    actions.hand_over_newsletter(draft=draft, user=editor)
    assert sent and sent[0]["subject"] == draft.subject and sent[0]["user"] == editor
    assert set(sent[0]) == {"subject", "html", "text", "user"}
    draft.refresh_from_db()
    assert draft.status == NewsletterDraft.Status.HANDED_OVER
    # Handing over twice sends once.
    actions.hand_over_newsletter(draft=draft, user=editor)
    assert len(sent) == 1


def test_member_cannot_see_drafts(member_client, notice):
    assert member_client.get("/news/newsletters/").status_code == 403


def test_hand_over_reaches_the_subscriptions_app(editor_client, notice, editor):
    draft = actions.build_newsletter_draft(user=editor)
    assert actions._sender() is not None
    editor_client.post(f"/news/newsletters/{draft.pk}/hand-over/")
    draft.refresh_from_db()
    assert draft.status == NewsletterDraft.Status.HANDED_OVER and draft.handed_over_at
