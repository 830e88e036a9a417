"""The editor's newsletter through the same machinery; bounce and complaint reports; admin figures."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from omvarld.accounts.roles import EDITOR, MEMBER, assign_role
from omvarld.subscriptions import actions
from omvarld.subscriptions.bounces import parse_report
from omvarld.subscriptions.models import Delivery, Subscriber
from omvarld.subscriptions.tests.conftest import html_part, link, text_part
from omvarld.subscriptions.tests.factories import follower

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", "editor@example.org", "pw")
    assign_role(user, EDITOR)
    return user


def test_newsletter_goes_once_to_confirmed_everything_subscribers(mini_map, smtp, editor):
    follower("all1@example.org", ("everything", None, "weekly"))
    follower("all2@example.org", ("everything", None, "daily"), language="en")
    follower("amsterdam@example.org", ("entity", "amsterdam", "daily"))
    Subscriber.objects.create(email="pending@example.org")
    args = {"subject": "Veckobrev 12", "html": "<h1>Veckans omvärld</h1><script>alert(1)</script>", "text": "Veckans omvärld", "user": editor}
    newsletter = actions.send_newsletter(**args)
    messages = smtp.wait_for(2)
    assert sorted(str(m["To"]) for m in messages) == ["all1@example.org", "all2@example.org"]
    msg = messages[0]
    assert msg["Subject"] == "Veckobrev 12"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<h1>Veckans omvärld</h1>" in html_part(msg) and "<script>" not in html_part(msg)
    assert "Veckans omvärld" in text_part(msg) and link(msg, "unsubscribe")
    # Pressing "send" again sends nothing new.
    assert actions.send_newsletter(**args) == newsletter
    call_command("send-digests", rhythm=["daily"])
    assert len(smtp.messages) == 2
    assert Delivery.objects.filter(newsletter=newsletter, status="sent").count() == 2


def test_only_editors_send_newsletters(mini_map, smtp, django_user_model):
    member = django_user_model.objects.create_user("m", "m@example.org", "pw")
    assign_role(member, MEMBER)
    with pytest.raises(PermissionDenied):
        actions.send_newsletter(subject="x", html="x", text="x", user=member)


DSN = b"""From: MAILER-DAEMON@mx.example.org
To: omvarld@localhost
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; Gone@Example.org
Action: failed
Status: 5.1.1

Final-Recipient: rfc822; full@example.org
Action: delayed
Status: 4.2.2
--B--
"""

ARF = b"""From: feedback@isp.example
To: abuse@localhost
Subject: complaint
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="F"

--F
Content-Type: text/plain

This is an abuse report.
--F
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: isp/1.0
Version: 1
Original-Rcpt-To: <angry@example.org>
--F--
"""


def test_reports_are_read_for_permanent_bounces_and_complaints():
    assert parse_report(DSN) == [("gone@example.org", "bounced")]
    assert parse_report(ARF) == [("angry@example.org", "complained")]
    assert parse_report(b"Subject: hello\n\nnot a report") == []


def test_bounce_command_stops_addresses(mini_map, tmp_path, monkeypatch):
    for email in ("gone@example.org", "full@example.org", "angry@example.org"):
        follower(email, ("everything", None, "daily"))
    (tmp_path / "dsn.eml").write_bytes(DSN)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(ARF)))
    out = io.StringIO()
    call_command("process-bounces", str(tmp_path / "dsn.eml"), stdout=out)
    call_command("process-bounces", stdout=out)
    status = dict(Subscriber.objects.values_list("email", "stop_reason"))
    assert status == {"gone@example.org": "bounced", "full@example.org": "", "angry@example.org": "complained"}
    assert "1 stopped" in out.getvalue()


def test_bounce_endpoint_needs_its_token(client, mini_map, settings):
    follower("gone@example.org", ("everything", None, "daily"))
    settings.SUBSCRIPTIONS_BOUNCE_TOKEN = "s3cret-token-for-bounces"
    assert client.post("/subscriptions/bounces/", DSN, content_type="message/rfc822").status_code == 401
    bad = client.post("/subscriptions/bounces/", DSN, content_type="message/rfc822", headers={"Authorization": "Bearer wrong"})
    assert bad.status_code == 401 and Subscriber.objects.get().status == "confirmed"
    ok = client.post("/subscriptions/bounces/", DSN, content_type="message/rfc822", headers={"Authorization": "Bearer s3cret-token-for-bounces"})
    assert ok.json() == {"stopped": 1, "addresses": 1}
    assert Subscriber.objects.get().stop_reason == "bounced"


def test_admin_shows_delivery_figures_and_failures(admin_client, mini_map, smtp):
    from omvarld.subscriptions.tests.factories import age_items

    age_items(hours=3)
    follower("ok@example.org", ("everything", None, "daily"))
    follower("gone@example.org", ("everything", None, "daily"))
    smtp.refuse["gone@example.org"] = "550 5.1.1 No such user"
    call_command("send-digests")
    html = admin_client.get("/admin/subscriptions/delivery/figures/").content.decode()
    assert "gone@example.org" in html and "Mottagarens server vägrade" in html
    assert "<td>2</td><td>1</td><td>1</td>" in html.replace("\n", "")
    assert admin_client.get("/admin/subscriptions/delivery/").status_code == 200
    assert admin_client.get("/admin/subscriptions/subscriber/").status_code == 200
