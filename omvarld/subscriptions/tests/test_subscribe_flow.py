"""Subscribing from a map page, double opt-in, managing, one-click unsubscribe — through real SMTP."""

import json

import pytest
from django.test import Client

from omvarld.subscriptions import actions
from omvarld.subscriptions.models import Subscriber, Subscription
from omvarld.subscriptions.tests.conftest import confirm_from_mail, link, subscribe, text_part

# Mail is enqueued on commit, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "path, target",
    [
        ("/entities/amsterdam/", "entity:amsterdam"),
        ("/categories/cities/", "category:cities"),
        ("/themes/energy/", "theme:energy"),
        ("/whats-new/", "everything"),
        ("/news/", "everything"),
    ],
)
def test_map_pages_offer_the_subscribe_form(client, mini_map, path, target):
    html = client.get(path).content.decode()
    assert 'action="/subscriptions/subscribe/"' in html
    assert f'name="target" value="{target}"' in html
    assert 'type="email"' in html and "Omedelbart" in html and "Varje vecka" in html


def test_search_page_without_theme_has_no_form(client, mini_map):
    assert "/subscriptions/subscribe/" not in client.get("/search/").content.decode()


def test_subscribing_sends_a_confirmation_and_nothing_else_until_confirmed(client, mini_map, smtp):
    response = subscribe(client, "Anna@Example.ORG", target="entity:amsterdam", page="/entities/amsterdam/")
    assert response.status_code == 200
    assert "anna@example.org" in response.content.decode()
    [msg] = smtp.wait_for(1)
    assert msg["To"] == "anna@example.org"
    assert "Bekräfta" in msg["Subject"]
    assert "Amsterdam" in text_part(msg)
    sub = Subscriber.objects.get()
    assert sub.status == "pending" and sub.consent_page == "/entities/amsterdam/" and sub.language == "sv"
    assert actions.plan_digests(rhythm="daily") == 0  # not confirmed: nothing planned

    response = confirm_from_mail(client, msg)
    assert response.status_code == 302 and "/subscriptions/manage/" in response["Location"]
    sub.refresh_from_db()
    assert sub.status == "confirmed" and sub.confirmed_at
    subscription = sub.subscriptions.get()
    assert subscription.confirmed_at and subscription.next_digest_at > subscription.confirmed_at
    assert len(smtp.messages) == 1


def test_confirm_link_on_get_only_shows_a_button(client, mini_map, smtp):
    subscribe(client, "scanner@example.org")
    [msg] = smtp.wait_for(1)
    html = client.get(link(msg, "confirm")).content.decode()
    assert "<form method=\"post\"" in html
    assert Subscriber.objects.get().status == "pending"


def test_english_visitor_gets_english_mail(client, mini_map, smtp):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    subscribe(client, "en@example.org", target="theme:energy")
    [msg] = smtp.wait_for(1)
    assert msg["Subject"].startswith("Confirm your subscription")
    assert "Energy" in text_part(msg)
    assert Subscriber.objects.get().language == "en"


def test_manage_page_changes_rhythm_language_exports_and_erases(client, mini_map, smtp):
    subscribe(client, "m@example.org", target="theme:energy")
    confirm_from_mail(client, smtp.wait_for(1)[0])
    sub = Subscriber.objects.get()
    manage = client.get(f"/subscriptions/manage/{__import__('omvarld.subscriptions.tokens', fromlist=['x']).manage_token(sub)}/")
    html = manage.content.decode()
    assert "m@example.org" in html and "Energi" in html
    path = manage.request["PATH_INFO"]
    subscription = sub.subscriptions.get()

    client.post(f"{path}subscriptions/{subscription.pk}/rhythm/", {"rhythm": "weekly"})
    subscription.refresh_from_db()
    assert subscription.rhythm == "weekly" and subscription.next_digest_at.weekday() in (0, 6)  # Monday local

    client.post(f"{path}language/", {"language": "en"})
    sub.refresh_from_db()
    assert sub.language == "en"

    data = json.loads(client.get(f"{path}data.json").content)
    assert data["email"] == "m@example.org"
    assert data["consent"]["page"] == "/whats-new/"
    assert data["subscriptions"][0]["how_often"] == "weekly"

    assert client.post(f"{path}erase/", {}).status_code == 400  # the box must be ticked
    assert Subscriber.objects.exists()
    assert client.post(f"{path}erase/", {"confirm": "on"}).status_code == 200
    assert not Subscriber.objects.exists() and not Subscription.objects.exists()
    assert client.get(path).status_code == 404  # the old link opens nothing


def test_one_click_unsubscribe_works_without_csrf_token(mini_map, smtp):
    client = Client(enforce_csrf_checks=True)
    subscriber = Subscriber.objects.create(email="u@example.org", status="confirmed")
    from omvarld.subscriptions import tokens

    path = f"/subscriptions/unsubscribe/{tokens.unsubscribe_token(subscriber)}/"
    assert client.get(path).status_code == 200
    assert Subscriber.objects.get().status == "confirmed"  # a GET changes nothing
    response = client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "stopped" and subscriber.stop_reason == "unsubscribed"
    # Replaying the same link changes nothing and says so.
    again = client.post(path, {})
    assert again.status_code == 200 and "redan" in again.content.decode()


def test_member_manages_their_subscriptions_from_their_own_page(client, mini_map, smtp, django_user_model):
    user = django_user_model.objects.create_user("member", "member@example.org", "pw-member-123")
    client.force_login(user)
    html = client.get("/subscriptions/mine/").content.decode()
    assert 'value="member@example.org"' in html
    subscribe(client, "member@example.org", target="entity:oslo", page="/subscriptions/mine/")
    confirm_from_mail(client, smtp.wait_for(1)[0])
    html = client.get("/subscriptions/mine/").content.decode()
    assert "Oslo" in html
    assert Subscriber.objects.get().user == user


def test_mine_needs_sign_in(client, db):
    assert client.get("/subscriptions/mine/").status_code == 302
