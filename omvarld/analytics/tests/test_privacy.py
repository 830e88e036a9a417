"""The privacy promises of issue #13, checked: no cookie, no IP, no user agent, no user id, no
identifier that lasts beyond a day, opt-outs honoured, only daily aggregates kept."""

import datetime as dt
import logging

from django.apps import apps
from django.test import RequestFactory
from django.utils import timezone

from omvarld.analytics import privacy, recording
from omvarld.analytics.actions import record_event, rollup
from omvarld.analytics.models import DailyCount, DailySalt, DailyTotal, Hit, Kind
from omvarld.analytics.tests.conftest import BROWSER, FIREFOX, IP
from omvarld.core.models import Entity, Item


def browse(client, item):
    pages = [
        "/", "/entities/amsterdam/", f"/items/{item.pk}/", "/themes/energy/", "/categories/cities/",
        "/search/?q=amsterdam", "/search/?q=qqq-nothing", f"/analytics/out/?to={item.url}&item={item.pk}",
    ]
    return [client.get(url, **BROWSER) for url in pages]


def test_pages_set_no_counting_cookie_for_anonymous_visitors(client, mini_map):
    item = Item.objects.filter(status="published").first()
    responses = browse(client, item)
    assert Hit.objects.count() == 7
    for response in responses:
        # The language switch's form protection is Django's own; nothing else is ever set.
        assert set(response.cookies) <= {"csrftoken"}, response.cookies
    redirect = responses[-1]
    assert redirect.status_code == 302 and not redirect.cookies
    assert not client.cookies.get("sessionid")


def test_counting_reads_no_cookie(client, mini_map):
    client.cookies["anything"] = "a-value-that-must-not-matter"
    client.get("/entities/amsterdam/", **BROWSER)
    del client.cookies["anything"]
    client.get("/entities/amsterdam/", **BROWSER)
    assert len(set(Hit.objects.values_list("visitor", flat=True))) == 1


def test_stored_rows_hold_no_ip_user_agent_or_user(client, mini_map, member):
    client.force_login(member)
    item = Item.objects.filter(status="published").first()
    browse(client, item)
    record_event("follow", Entity.objects.get(slug="amsterdam"))
    session_key = client.session.session_key
    forbidden = [IP, FIREFOX, "Firefox/128.0", "Gecko/20100101", member.username, member.email, session_key, str(member.pk)]
    models = list(apps.get_app_config("analytics").get_models())
    checked_before = _check_every_column(models, forbidden, member.pk)
    rollup(today=timezone.localdate() + dt.timedelta(days=1))  # the day ends: only aggregates stay
    checked_after = _check_every_column(models, forbidden, member.pk)
    assert checked_before > 40 and checked_after > 20
    assert Hit.objects.count() == 0 and DailySalt.objects.count() == 0
    assert DailyCount.objects.exists()


def _check_every_column(models, forbidden, user_pk) -> int:
    checked = 0
    for model in models:
        for field in model._meta.concrete_fields:
            assert not any(word in field.name for word in ("ip", "agent", "user", "cookie", "session")), field
        for row in model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]):
            for field, value in zip(model._meta.concrete_fields, row):
                checked += 1
                if field.primary_key:
                    continue
                if isinstance(value, int):
                    assert value != user_pk, (model.__name__, field.name)
                text = str(value)
                for word in forbidden:
                    assert word not in text, (model.__name__, field.name, word)
    return checked


def test_the_same_visitor_gets_another_hash_tomorrow(db):
    request = RequestFactory().get("/", **BROWSER)
    today = timezone.localdate()
    first, again = privacy.visitor_hash(request, today), privacy.visitor_hash(request, today)
    tomorrow = privacy.visitor_hash(request, today + dt.timedelta(days=1))
    assert first == again
    assert tomorrow != first
    assert len(first) == 32 and IP not in first
    # Another visitor on the same day gets another hash.
    other = RequestFactory().get("/", **{**BROWSER, "REMOTE_ADDR": "198.51.100.9"})
    assert privacy.visitor_hash(other, today) != first


def test_the_salt_is_random_and_deleted_when_the_day_ends(db):
    request = RequestFactory().get("/", **BROWSER)
    today = timezone.localdate()
    privacy.visitor_hash(request, today)
    salt = DailySalt.objects.get(day=today).value
    assert len(salt) == 64
    rollup(today=today)
    assert DailySalt.objects.filter(day=today).exists()  # still today: still needed
    rollup(today=today + dt.timedelta(days=1))
    assert not DailySalt.objects.exists()
    # A new salt is drawn for the next day, not derived from the old one.
    privacy.salts.forget()
    privacy.visitor_hash(request, today + dt.timedelta(days=1))
    assert DailySalt.objects.get().value != salt


def test_the_salt_is_never_logged(client, mini_map, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    client.get("/entities/amsterdam/", **BROWSER)
    monkeypatch.setattr(recording, "_insert", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    client.get("/entities/copenhagen/", **BROWSER)
    rollup()
    salt = DailySalt.objects.get().value
    assert caplog.records and salt not in caplog.text


def test_do_not_track_and_gpc_are_not_counted_anywhere(client, mini_map):
    item = Item.objects.filter(status="published").first()
    for header in ({"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}):
        for url in ("/entities/amsterdam/", "/search/?q=amsterdam", f"/analytics/out/?to={item.url}&item={item.pk}"):
            response = client.get(url, **{**BROWSER, **header})
            assert response.status_code in (200, 302)
    rollup()
    assert Hit.objects.count() == 0
    assert not DailyCount.objects.exists() and not DailyTotal.objects.exclude(kind=Kind.CLOSED).exists()


def test_only_daily_aggregates_outlive_the_day(client, mini_map):
    client.get("/entities/amsterdam/", **BROWSER)
    client.get("/entities/amsterdam/", **{**BROWSER, "REMOTE_ADDR": "198.51.100.1"})
    today = timezone.localdate()
    rollup(today=today)
    assert Hit.objects.count() == 2  # today's unique visitors still need today's hashes
    assert DailyTotal.objects.get(day=today, kind=Kind.VISITS).visitors == 2
    rollup(today=today + dt.timedelta(days=1))
    assert Hit.objects.count() == 0
    assert DailyTotal.objects.get(day=today, kind=Kind.VISITS).count == 2
    amsterdam = Entity.objects.get(slug="amsterdam").pk
    row = DailyCount.objects.get(day=today, kind=Kind.VIEW_ENTITY)
    assert (row.target, row.count, row.visitors) == (f"entity:{amsterdam}", 2, 2)


def test_events_arriving_after_their_day_closed_are_dropped_not_merged(client, mini_map):
    client.get("/entities/amsterdam/", **BROWSER)
    today = timezone.localdate()
    rollup(today=today + dt.timedelta(days=1))
    Hit.objects.create(day=today, kind=Kind.VIEW_ENTITY, target="entity:amsterdam", visitor="x" * 32)
    rollup(today=today + dt.timedelta(days=1))
    assert Hit.objects.count() == 0
    assert DailyTotal.objects.get(day=today, kind=Kind.VISITS).count == 1


def test_the_worker_schedule_runs_the_rollup(client, mini_map, monkeypatch):
    import threading

    from omvarld import schedules

    client.get("/entities/amsterdam/", **BROWSER)
    stop = threading.Event()
    monkeypatch.setattr(schedules, "plan_and_queue_digests", lambda: stop.set())
    schedules.run_periodic(stop, interval=0.01)
    assert DailyTotal.objects.get(kind=Kind.VISITS).count == 1
