"""Digests: built from what changed since the previous mail, each item once, sent exactly once."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from omvarld.core.models import Entity, Item, Placement
from omvarld.outbox.actions import deliver
from omvarld.outbox.models import Message
from omvarld.subscriptions import actions
from omvarld.subscriptions.models import Delivery, Subscriber, Subscription
from omvarld.subscriptions.schedule import next_slot, period_key
from omvarld.subscriptions.tests.conftest import html_part, link, text_part
from omvarld.subscriptions.tests.factories import age_items, follower, make_due


@pytest.fixture
def aged_map(mini_map):
    age_items(hours=3)
    return mini_map


def test_daily_digest_lists_each_matching_item_once_with_unsubscribe_headers(aged_map, smtp):
    follower("anna@example.org", ("entity", "amsterdam", "daily"), ("theme", "climate-neutrality", "daily"))
    call_command("send-digests", rhythm=["daily"])
    [msg] = smtp.wait_for(1)
    assert msg["Subject"] == "Omvärld: 2 nya eller uppdaterade poster"
    text, html = text_part(msg), html_part(msg)
    for title in ("Amsterdam Circular Strategy", "C40 annual report"):
        assert text.count(title) == 1 and html.count(title) == 1
    assert "HOFOR" not in text
    assert "På kartan: Amsterdam" in text
    unsubscribe_url = re.fullmatch(r"<(http://testserver/subscriptions/unsubscribe/\S+/)>", msg["List-Unsubscribe"]).group(1)
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On the wire the header is the plain URL in angle brackets, not an encoded word.
    assert f"\nList-Unsubscribe: <{unsubscribe_url}>".encode() in smtp.raw[0].replace(b"\r\n", b"\n")
    assert unsubscribe_url in text and "/subscriptions/manage/" in text
    assert re.fullmatch(r"<delivery-\d+\.daily-\d{4}-\d\d-\d\d@testserver>", msg["Message-ID"])
    assert Delivery.objects.get().status == "sent"


def test_running_again_sends_nothing_twice(aged_map, smtp):
    sub = follower("b@example.org", ("category", "cities", "daily"))
    call_command("send-digests")
    assert len(smtp.wait_for(1)) == 1
    call_command("send-digests")  # not due again
    make_due(sub)
    call_command("send-digests")  # due, but nothing changed since the previous mail
    assert len(smtp.messages) == 1
    assert Delivery.objects.count() == 1


def test_next_mail_carries_only_what_changed_since_with_updates_marked(aged_map, smtp):
    sub = follower("c@example.org", ("everything", None, "daily"))
    # The first mail belongs to yesterday's period, so today's is a new one whatever the hour.
    Subscription.objects.filter(subscriber=sub).update(next_digest_at=timezone.now() - dt.timedelta(days=1))
    call_command("send-digests")
    smtp.wait_for(1)
    Delivery.objects.update(window_end=timezone.now() - dt.timedelta(hours=1))  # that was an hour ago
    item = Item.objects.get(title="HOFOR district heating")
    item.summary = "Ny sammanfattning."
    item.save()
    notice = Item.objects.create(title="Notis: Oslo inför nollutsläppszon", type=Item.Type.NEWS_NOTICE, status="published", published_at=timezone.now())
    Placement.objects.create(item=notice, entity=Entity.objects.get(slug="oslo"))
    draft = Item.objects.create(title="Utkast som inte ska synas", status="draft")
    Item.objects.filter(pk__in=[item.pk, notice.pk, draft.pk]).update(updated_at=timezone.now() - dt.timedelta(minutes=10))
    make_due(sub)
    call_command("send-digests")
    second = smtp.wait_for(2)[1]
    text = text_part(second)
    assert "HOFOR" in text and "Notis: Oslo" in text
    assert "Amsterdam Circular" not in text and "Utkast" not in text
    assert re.search(r"Uppdaterad · Länk · HOFOR", text)
    assert re.search(r"Ny · Nyhetsnotis", text)


def test_english_subscriber_gets_an_english_digest(aged_map, smtp):
    follower("en@example.org", ("theme", "energy", "daily"), language="en")
    call_command("send-digests")
    [msg] = smtp.wait_for(1)
    assert msg["Subject"] == "Omvärld: 1 new or updated item"
    assert "On the map: Copenhagen" in text_part(msg)


def test_an_item_goes_only_into_the_fastest_mail_that_matches(aged_map, smtp):
    follower("f@example.org", ("entity", "amsterdam", "immediate"), ("everything", None, "weekly"))
    call_command("send-digests")
    immediate, weekly = sorted(smtp.wait_for(2), key=lambda m: "weekly" in m["Message-ID"])
    assert "Amsterdam Circular" in text_part(immediate) and "HOFOR" not in text_part(immediate)
    assert "HOFOR" in text_part(weekly) and "Amsterdam Circular" not in text_part(weekly)


def test_one_click_unsubscribe_from_the_mail_stops_further_digests(aged_map, smtp):
    sub = follower("g@example.org", ("everything", None, "daily"))
    call_command("send-digests")
    [msg] = smtp.wait_for(1)
    path = link(msg, "unsubscribe")
    response = Client(enforce_csrf_checks=True).post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    Item.objects.update(updated_at=timezone.now() - dt.timedelta(minutes=5))
    make_due(sub)
    call_command("send-digests")
    assert len(smtp.messages) == 1
    assert Subscriber.objects.get().status == "stopped"


def test_manage_link_in_the_mail_opens_the_subscribers_page(aged_map, smtp, client):
    follower("h@example.org", ("entity", "copenhagen", "daily"))
    call_command("send-digests")
    html = client.get(link(smtp.wait_for(1)[0], "manage")).content.decode()
    assert "h@example.org" in html and "Köpenhamn" in html


def test_two_planners_reading_the_same_due_rows_create_one_delivery(aged_map, smtp):
    sub = follower("i@example.org", ("everything", None, "daily"))
    slot = sub.subscriptions.get().next_digest_at
    assert actions.plan_digests(rhythm="daily") == 1
    # A second planner that read the row before the first one advanced it:
    sub.subscriptions.update(next_digest_at=slot)
    assert actions.plan_digests(rhythm="daily") == 0
    assert Delivery.objects.count() == 1


def test_sending_the_same_batch_twice_sends_once(aged_map, smtp):
    follower("j@example.org", ("everything", None, "daily"))
    actions.plan_digests(rhythm="daily")
    ids = list(Delivery.objects.values_list("id", flat=True))
    first = actions.send_deliveries(ids=ids)
    second = actions.send_deliveries(ids=ids)
    assert (first.sent, second.sent) == (1, 0)
    assert Message.objects.filter(ref=f"subscriptions.delivery:{ids[0]}").count() == 1
    deliver()
    deliver()
    assert len(smtp.wait_for(1)) == 1 and Delivery.objects.get().status == "sent"


def test_a_digest_with_nothing_matching_is_not_sent(aged_map, smtp):
    follower("k@example.org", ("entity", "oslo", "daily"))
    call_command("send-digests")
    assert smtp.messages == [] and Delivery.objects.count() == 0


def test_address_refused_by_the_server_fails_and_is_stopped(aged_map, smtp):
    follower("gone@example.org", ("everything", None, "daily"))
    follower("here@example.org", ("everything", None, "daily"))
    smtp.refuse["gone@example.org"] = "550 5.1.1 No such user"
    call_command("send-digests")
    assert [m["To"] for m in smtp.wait_for(1)] == ["here@example.org"]
    failed = Delivery.objects.get(subscriber__email="gone@example.org")
    assert failed.status == "failed" and failed.error == "permanent_rejection"
    assert Subscriber.objects.get(email="gone@example.org").stop_reason == "bounced"


def test_unreachable_server_leaves_mail_queued_for_a_later_try(aged_map, smtp, settings):
    follower("l@example.org", ("everything", None, "daily"))
    good = settings.MAILERS
    settings.MAILERS = {"default": {**good["default"], "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2}}}
    call_command("send-digests")
    assert Delivery.objects.get().status == "queued"
    mail = Message.objects.get()
    assert mail.status == "queued" and mail.attempts == 1 and "unreachable" in mail.last_error
    assert mail.next_attempt_at > timezone.now()  # backs off rather than hammering the server
    settings.MAILERS = good
    call_command("send-digests")
    assert smtp.messages == []  # not due yet
    Message.objects.update(next_attempt_at=timezone.now())
    call_command("send-digests")
    assert len(smtp.wait_for(1)) == 1 and Delivery.objects.get().status == "sent"


@pytest.mark.parametrize(
    "rhythm, after, expected",
    [
        ("daily", "2025-03-10T05:00:00+00:00", "2025-03-10T06:00:00+00:00"),  # 07:00 CET same day
        ("daily", "2025-03-10T06:00:00+00:00", "2025-03-11T06:00:00+00:00"),  # exactly at: next day
        ("daily", "2025-03-29T12:00:00+00:00", "2025-03-30T05:00:00+00:00"),  # 07:00 CEST after the change
        ("weekly", "2025-03-12T12:00:00+00:00", "2025-03-17T06:00:00+00:00"),  # next Monday
        ("weekly", "2025-03-17T05:59:00+00:00", "2025-03-17T06:00:00+00:00"),  # Monday before 07:00
        ("immediate", "2025-03-12T12:00:00+00:00", "2025-03-12T12:00:00+00:00"),
    ],
)
def test_next_slot_is_computed_in_local_time(rhythm, after, expected):
    got = next_slot(rhythm, dt.datetime.fromisoformat(after), hour=7, tz="Europe/Stockholm")
    assert got == dt.datetime.fromisoformat(expected)


def test_period_keys_name_the_local_day_and_iso_week():
    slot = dt.datetime.fromisoformat("2025-03-16T23:30:00+00:00")  # Monday 00:30 in Stockholm
    assert period_key("daily", slot, tz="Europe/Stockholm") == "daily:2025-03-17"
    assert period_key("weekly", slot, tz="Europe/Stockholm") == "weekly:2025-W12"
