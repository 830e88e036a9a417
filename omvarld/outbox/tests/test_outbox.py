"""The outbox: pages queue mail and never wait on the mail server; workers send, retry, give up."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from omvarld.outbox import actions
from omvarld.outbox.models import Message

pytestmark = pytest.mark.django_db(transaction=True)


def _signin_path(text: str) -> str:
    return urlsplit(re.search(r"https?://\S+/accounts/link/\S+/", text).group(0)).path


def test_signin_link_with_no_mail_server_is_kept_and_readable_by_administrators(client, no_mail_server, partner, admin_user):
    response = client.post("/accounts/link/", {"email": "per@example.org"})
    assert response.status_code == 200 and "inom kort" in response.content.decode()
    mail = Message.objects.get()
    assert mail.status == "held" and mail.to == "per@example.org" and mail.subject.startswith("Logga in")
    assert actions.deliver().sent == 0 and Message.objects.get().status == "held"

    admin = client.__class__()
    admin.force_login(admin_user)
    listing = admin.get("/outbox/").content.decode()
    assert "EMAIL_HOST" in listing and mail.subject in listing
    page = admin.get(f"/outbox/{mail.pk}/").content.decode()
    path = _signin_path(mail.text)
    assert path in page and f"/outbox/{mail.pk}/html/" in page
    html = admin.get(f"/outbox/{mail.pk}/html/")
    assert html.status_code == 200 and "sandbox" in html["Content-Security-Policy"] and html.content.decode() == mail.html
    # The newcomer follows the link from the mail's page and is signed in.
    assert client.post(path).status_code == 302 and client.session["_auth_user_id"] == str(partner.pk)


def test_only_administrators_see_the_outbox(client, no_mail_server, partner):
    client.post("/accounts/link/", {"email": "per@example.org"})
    assert client.get("/outbox/").status_code == 302  # visitors are sent to sign in
    client.force_login(partner)
    assert client.get("/outbox/").status_code == 403
    assert client.get(f"/outbox/{Message.objects.get().pk}/html/").status_code == 403


def test_unreachable_server_does_not_break_the_page_and_the_mail_waits(client, settings, partner):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2}}}
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    response = client.post("/accounts/link/", {"email": "per@example.org"})
    assert response.status_code == 200
    mail = Message.objects.get()
    assert mail.status == "queued" and mail.attempts == 1 and "unreachable" in mail.last_error
    assert mail.next_attempt_at > timezone.now()


def test_a_page_only_writes_to_the_database(client, settings, partner, smtp_server):
    """With the real task queue, the request queues a task and does no SMTP at all."""
    from django_tasks_db.models import DBTaskResult

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": smtp_server.port, "timeout": 5}}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert client.post("/accounts/link/", {"email": "per@example.org"}).status_code == 200
    assert smtp_server.messages == [] and Message.objects.get().status == "queued"
    assert DBTaskResult.objects.filter(task_path="omvarld.outbox.tasks.deliver_task").count() == 1
    assert actions.deliver().sent == 1 and len(smtp_server.inbox.wait_for(1)) == 1


def test_retries_back_off_for_a_day_then_fail_with_the_reason(settings, db):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2}}}
    start = timezone.now()
    mail = actions.enqueue(to="x@example.org", subject="Hej", text="Hej", notify=False)
    clock = start
    tries = []
    while Message.objects.get().status == "queued":
        mail = Message.objects.get()
        clock = max(clock, mail.next_attempt_at)
        tries.append(clock)
        actions.deliver(now=lambda: clock)
        assert len(tries) < 50
    mail = Message.objects.get()
    assert mail.status == "failed" and mail.attempts == len(tries) >= 8
    assert "gave up after" in mail.last_error and "unreachable" in mail.last_error
    assert tries[-1] - start >= dt.timedelta(hours=24)
    gaps = [b - a for a, b in zip(tries, tries[1:])]
    assert gaps[0] == dt.timedelta(minutes=1) and gaps[1] == dt.timedelta(minutes=5) and max(gaps) == dt.timedelta(hours=4)


def test_permanent_refusal_fails_at_once_and_retry_now_sends_it_again(client, mail_to, admin_user):
    mail_to.inbox.refuse["gone@example.org"] = "550 5.1.1 No such user"
    mail = actions.enqueue(to="gone@example.org", subject="Hej", text="Hej")  # sent on commit
    mail.refresh_from_db()
    assert mail.status == "failed" and mail.last_error.startswith("550") and mail.attempts == 1
    del mail_to.inbox.refuse["gone@example.org"]
    client.force_login(admin_user)
    listing = client.get("/outbox/?status=failed").content.decode()
    assert "status-failed" in listing and "550 5.1.1 No such user" in listing
    response = client.post(f"/outbox/{mail.pk}/retry/")
    assert response.status_code == 302
    mail.refresh_from_db()
    assert mail.status == "sent" and mail.attempts == 2 and len(mail_to.inbox.wait_for(1)) == 1


def test_a_mail_claimed_by_one_worker_is_not_taken_by_another(settings, db):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail = actions.enqueue(to="y@example.org", subject="Hej", text="Hej", notify=False)
    now = timezone.now()
    assert actions._claim(mail.pk, now=now) is True
    assert actions._claim(mail.pk, now=now) is False
    assert actions.deliver().sent == 0  # the other worker's lease is still running
    later = now + dt.timedelta(seconds=settings.MAIL_SEND_LEASE + 1)
    assert actions.deliver(now=lambda: later).sent == 1  # the first worker died: taken again, once
    assert actions.deliver(now=lambda: later).sent == 0


def test_bad_addresses_are_refused_before_anything_is_written(db):
    for bad in ["", "no-at-sign", "a@b.org\nBcc: c@d.org"]:
        with pytest.raises(ValueError):
            actions.enqueue(to=bad, subject="x", text="x")
    assert Message.objects.count() == 0
