"""Bad input is refused with a clear message, and nothing already stored changes."""

import datetime as dt

import pytest
from django.core import signing
from django.core.management import call_command

from omvarld.subscriptions import tokens
from omvarld.subscriptions.models import Delivery, Subscriber, Subscription, Throttle
from omvarld.subscriptions.tests.conftest import confirm_from_mail, link, subscribe

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot():
    return (
        list(Subscriber.objects.order_by("id").values()),
        list(Subscription.objects.order_by("id").values()),
        list(Delivery.objects.order_by("id").values()),
    )


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email", "not-an-address", "Ange en giltig e-postadress"),
        ("email", "a@b", "Ange en giltig e-postadress"),
        ("email", "x" * 250 + "@example.org", "högst 254 tecken"),
        ("email", "", "Detta fält måste fyllas i"),
        ("email", "victim@example.org\r\nBcc: everyone@example.org", "Radbrytningar och styrtecken"),
        ("email", "victim@example.org\n", "Radbrytningar och styrtecken"),
        ("target", "entity:amsterdam\r\nX-Evil: 1", "Radbrytningar och styrtecken"),
        ("target", "entity:no-such-entity", "Det finns inget att följa här"),
        ("target", "user:1", "Det finns inget att följa här"),
        ("page", "/whats-new/\nBcc: x@example.org", "Radbrytningar och styrtecken"),
        ("rhythm", "hourly", "Välj ett giltigt alternativ"),
        ("rhythm", "daily\r\n", "Välj ett giltigt alternativ"),
    ],
)
def test_malformed_subscribe_requests_are_refused(client, mini_map, smtp, field, value, message):
    existing = Subscriber.objects.create(email="victim@example.org", status="confirmed")
    before = snapshot()
    data = {"email": "ok@example.org", "target": "entity:amsterdam", "rhythm": "daily", "page": "/entities/amsterdam/", field: value}
    response = client.post("/subscriptions/subscribe/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before and existing.pk
    assert smtp.messages == []


def test_one_pending_confirmation_per_address(client, mini_map, smtp):
    subscribe(client, "target@example.org", target="entity:amsterdam")
    smtp.wait_for(1)
    before = snapshot()
    response = subscribe(client, "target@example.org", target="theme:energy", rhythm="immediate")
    assert response.status_code == 409
    assert "redan skickats" in response.content.decode()
    assert snapshot() == before
    assert len(smtp.messages) == 1


def test_confirmed_address_cannot_be_resubscribed_to_the_same_thing(client, mini_map, smtp):
    subscribe(client, "same@example.org", target="theme:energy")
    confirm_from_mail(client, smtp.wait_for(1)[0])
    before = snapshot()
    response = subscribe(client, "same@example.org", target="theme:energy", rhythm="weekly")
    assert response.status_code == 409 and "följer redan" in response.content.decode()
    assert snapshot() == before


def test_confirmation_mails_to_one_address_are_limited_per_day(client, mini_map, smtp, settings):
    settings.SUBSCRIPTIONS_CONFIRM_HOURS = 0  # links expire at once, so only the daily limit holds
    settings.SUBSCRIPTIONS_ADDRESS_LIMIT = 2
    assert subscribe(client, "bomb@example.org").status_code == 200
    assert subscribe(client, "bomb@example.org", target="theme:energy").status_code == 200
    before = snapshot()
    response = subscribe(client, "bomb@example.org", target="entity:oslo")
    assert response.status_code == 429 and "i morgon" in response.content.decode()
    assert snapshot() == before
    assert len(smtp.wait_for(2)) == 2


def test_requests_from_one_client_are_limited_per_hour(client, mini_map, smtp, settings):
    settings.SUBSCRIPTIONS_IP_LIMIT = 3
    for i in range(3):
        assert subscribe(client, f"n{i}@example.org").status_code == 200
    before = snapshot()
    response = subscribe(client, "n9@example.org")
    assert response.status_code == 429 and "försök igen om en timme" in response.content.decode().lower()
    assert snapshot() == before
    # Another client is not affected; the counters hold no address or IP in clear.
    assert subscribe(client, "other@example.org", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert not Throttle.objects.filter(key__contains="127.0.0.1").exists()


def test_forged_and_tampered_tokens_are_refused(client, mini_map, smtp):
    subscribe(client, "t@example.org")
    confirm_path = link(smtp.wait_for(1)[0], "confirm")
    before = snapshot()
    token = confirm_path.split("/")[3]
    forged = signing.dumps([Subscriber.objects.get().pk, 0], salt="wrong", compress=False)
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        response = client.post(f"/subscriptions/confirm/{bad}/")
        assert response.status_code == 400 and "ogiltig" in response.content.decode()
        assert client.get(f"/subscriptions/manage/{bad}/").status_code == 404
        assert client.post(f"/subscriptions/unsubscribe/{bad}/").status_code == 404
    # A confirm token does not open the manage page, nor the reverse.
    assert client.get(f"/subscriptions/manage/{token}/").status_code == 404
    assert snapshot() == before


def test_replayed_confirmation_link_is_refused(client, mini_map, smtp):
    subscribe(client, "r@example.org", target="theme:energy")
    msg = smtp.wait_for(1)[0]
    assert confirm_from_mail(client, msg).status_code == 302
    sub = Subscriber.objects.get()
    sub.subscriptions.update(rhythm="weekly")
    before = snapshot()
    response = client.post(link(msg, "confirm"))
    assert response.status_code == 400 and "redan använts" in response.content.decode()
    assert snapshot() == before


def test_superseded_confirmation_link_is_refused(client, mini_map, smtp):
    subscribe(client, "s@example.org")
    first = smtp.wait_for(1)[0]
    # Two days on, the first link has lapsed as "outstanding" and the visitor asks again.
    Subscriber.objects.update(confirmation_sent_at=Subscriber.objects.get().confirmation_sent_at - dt.timedelta(hours=49))
    assert subscribe(client, "s@example.org", target="theme:energy").status_code == 200
    second = smtp.wait_for(2)[1]
    assert client.post(link(first, "confirm")).status_code == 400
    assert Subscriber.objects.get().status == "pending"
    assert client.post(link(second, "confirm")).status_code == 302
    assert Subscriber.objects.get().status == "confirmed"


def test_erased_subscribers_old_links_do_not_open_a_new_subscriber(client, mini_map, smtp):
    old = Subscriber.objects.create(email="old@example.org", status="confirmed")
    old_manage, old_pk = tokens.manage_token(old), old.pk
    old.delete()
    Subscriber.objects.create(pk=old_pk, email="new@example.org", status="confirmed")
    assert client.get(f"/subscriptions/manage/{old_manage}/").status_code == 404


def test_newsletter_subject_with_a_line_break_is_refused(mini_map, django_user_model):
    from omvarld.accounts.roles import EDITOR, assign_role
    from omvarld.subscriptions import actions

    editor = django_user_model.objects.create_user("ed", "ed@example.org", "pw")
    assign_role(editor, EDITOR)
    with pytest.raises(actions.Refused):
        actions.send_newsletter(subject="Hej\r\nBcc: all@example.org", html="<p>x</p>", text="x", user=editor)
    assert not Delivery.objects.exists()
    call_command("send-digests")


def test_behind_a_trusted_proxy_the_limit_is_per_client_not_per_proxy(client, mini_map, smtp, settings):
    # #18: every request arrives from the proxy's address; the client is in X-Forwarded-For.
    settings.SUBSCRIPTIONS_IP_LIMIT = 2
    settings.TRUSTED_PROXIES = 1
    via = {"REMOTE_ADDR": "10.0.0.2"}
    for i in range(2):
        assert subscribe(client, f"p{i}@example.org", HTTP_X_FORWARDED_FOR="198.51.100.9", **via).status_code == 200
    assert subscribe(client, "p9@example.org", HTTP_X_FORWARDED_FOR="198.51.100.9", **via).status_code == 429
    # a forged left-most address does not escape the limit; another real client is not affected
    assert subscribe(client, "p8@example.org", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9", **via).status_code == 429
    assert subscribe(client, "q@example.org", HTTP_X_FORWARDED_FOR="203.0.113.7", **via).status_code == 200
