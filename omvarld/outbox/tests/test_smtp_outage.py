"""The mail server goes away mid-way and comes back: pages keep working, every mail arrives once."""

import collections
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from omvarld.accounts.roles import MEMBER
from omvarld.demo.loader import load_demo
from omvarld.outbox import actions
from omvarld.outbox.models import Message
from omvarld.outbox.tests.conftest import make_user
from omvarld.subscriptions.models import Subscriber
from omvarld.subscriptions.tests.conftest import MINI

pytestmark = pytest.mark.django_db(transaction=True)


def _pages(client, admin, n: int, tag: str) -> list[int]:
    """Every page that sends mail, once or more; returns their status codes."""
    codes = []
    for i in range(n):
        codes.append(client.post("/accounts/link/", {"email": f"member{i}@example.org"}).status_code)
    codes.append(client.post("/subscriptions/subscribe/", {"email": f"reader-{tag}@example.org", "target": "everything",
                                                           "rhythm": "daily", "page": "/whats-new/"}).status_code)
    codes.append(admin.post("/accounts/users/invite/", {"email": f"new-{tag}@example.org", "name": "Ny Person", "role": MEMBER}).status_code)
    return codes


def test_mail_server_stops_and_returns_every_mail_arrives_exactly_once(mail_to, admin_user):
    load_demo(MINI, with_users=False)
    for i in range(3):
        make_user(f"member{i}", MEMBER, email=f"member{i}@example.org")
    client, admin = Client(), Client()
    admin.force_login(admin_user)

    codes = _pages(client, admin, 3, "before")
    assert all(c < 500 for c in codes), codes
    assert len(mail_to.inbox.wait_for(5)) == 5

    mail_to.stop()
    codes = _pages(client, admin, 3, "during")
    assert all(c < 500 for c in codes), codes
    waiting = Message.objects.filter(status="queued")
    assert waiting.count() == 5 and all("unreachable" in m.last_error for m in waiting)
    # The confirmation never arrived, so asking again is not refused for 48 hours.
    again = client.post("/subscriptions/subscribe/", {"email": "reader-during@example.org", "target": "everything",
                                                      "rhythm": "weekly", "page": "/whats-new/"})
    assert again.status_code == 200
    replaced = Message.objects.get(to="reader-during@example.org", status="failed")
    assert "replaced" in replaced.last_error

    mail_to.start()
    later = timezone.now() + dt.timedelta(minutes=2)  # the worker's next pass, after the first pause
    report = actions.deliver(now=lambda: later)
    assert report.sent == 5 and report.failed == 0
    assert actions.deliver(now=lambda: later + dt.timedelta(days=2)).sent == 0  # nothing left, nothing twice

    received = collections.Counter(str(m["Message-ID"]) for m in mail_to.inbox.messages)
    assert set(received.values()) == {1}
    sent = set(Message.objects.filter(status="sent").values_list("message_id", flat=True))
    assert set(received) == sent and len(sent) == 10
    assert Message.objects.exclude(status="sent").get() == replaced  # nothing lost but the replaced link
    # The newer confirmation arrived and its link confirms.
    [mail] = [m for m in mail_to.inbox.messages if str(m["To"]) == "reader-during@example.org"]
    text = mail.get_body(preferencelist=("plain",)).get_content()
    path = text[text.index("/subscriptions/confirm/"):].split()[0]
    assert client.post(path).status_code == 302  # to the subscriber's page
    assert Subscriber.objects.get(email="reader-during@example.org").status == "confirmed"


def test_confirmation_that_was_delivered_still_blocks_a_second_for_48_hours(mail_to, db):
    load_demo(MINI, with_users=False)
    client = Client()
    data = {"email": "once@example.org", "target": "everything", "rhythm": "daily", "page": "/whats-new/"}
    assert client.post("/subscriptions/subscribe/", data).status_code == 200
    assert Message.objects.get().status == "sent"
    assert client.post("/subscriptions/subscribe/", data).status_code == 409
