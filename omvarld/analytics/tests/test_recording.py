"""Which requests are counted, and that counting never breaks a page."""

import pytest

from omvarld.analytics import recording
from omvarld.analytics.actions import rollup
from omvarld.analytics.models import DailyCount, Hit, Kind
from omvarld.analytics.tests.conftest import BROWSER
from omvarld.core.models import Entity, Item, MainCategory, Theme


def kinds():
    return sorted((h.kind, h.target, h.detail) for h in Hit.objects.all())


def test_views_of_each_kind_are_counted(client, mini_map):
    item = Item.objects.filter(status="published").first()
    notice = Item.objects.create(title="A notice", type=Item.Type.NEWS_NOTICE, status=Item.Status.PUBLISHED, url="https://example.org/n")
    for url in ("/entities/amsterdam/", f"/items/{item.pk}/", f"/items/{notice.pk}/", "/themes/energy/", "/categories/cities/", "/"):
        assert client.get(url, **BROWSER).status_code == 200
    assert kinds() == sorted([
        (Kind.VIEW_ENTITY, "entity:amsterdam", ""), (Kind.VIEW_ITEM, f"item:{item.pk}", ""), (Kind.VIEW_ITEM, f"item:{notice.pk}", ""),
        (Kind.VIEW_THEME, "theme:energy", ""), (Kind.VIEW_CATEGORY, "category:cities", ""),
    ])
    rollup()
    counted = {(c.kind, c.target): c.count for c in DailyCount.objects.all()}
    amsterdam = Entity.objects.get(slug="amsterdam")
    assert counted[(Kind.VIEW_ENTITY, f"entity:{amsterdam.pk}")] == 1
    assert counted[(Kind.VIEW_ITEM, f"item:{item.pk}")] == 1
    assert counted[(Kind.VIEW_NOTICE, f"notice:{notice.pk}")] == 1
    assert counted[(Kind.VIEW_THEME, f"theme:{Theme.objects.get(slug='energy').pk}")] == 1
    assert counted[(Kind.VIEW_CATEGORY, f"category:{MainCategory.objects.get(slug='cities').pk}")] == 1


def test_searches_are_stored_with_their_result_count(client, mini_map):
    client.get("/search/?q=Fjärrvärme", **BROWSER)
    client.get("/search/?q=  nothing   matches-this-xyz ", **BROWSER)
    client.get("/search/?type=report", **BROWSER)  # no words: browsing, not a search
    found = {h.detail: h.results for h in Hit.objects.filter(kind=Kind.SEARCH)}
    assert set(found) == {"fjärrvärme", "nothing matches-this-xyz"}
    assert found["fjärrvärme"] > 0
    assert found["nothing matches-this-xyz"] == 0
    rollup()
    assert list(DailyCount.objects.filter(kind=Kind.SEARCH_EMPTY).values_list("detail", "count")) == [("nothing matches-this-xyz", 1)]


def test_the_search_forms_htmx_request_counts_but_other_fragments_do_not(client, mini_map):
    fragment = {**BROWSER, "HTTP_HX_REQUEST": "true", "HTTP_ACCEPT": "*/*", "HTTP_SEC_FETCH_MODE": "cors"}
    client.get("/search/?q=heating", **fragment)
    client.get("/themes/energy/?q=x", **fragment)
    assert kinds() == [(Kind.SEARCH, "", "heating")]


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_DNT": "1"},
        {"HTTP_SEC_GPC": "1"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36"},
        {"HTTP_USER_AGENT": "curl/8.5.0"},
        {"HTTP_USER_AGENT": "python-httpx/0.28"},
        {"HTTP_USER_AGENT": ""},
        {"HTTP_ACCEPT_LANGUAGE": ""},
        {"HTTP_ACCEPT": "*/*"},
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_SEC_FETCH_MODE": "no-cors"},
    ],
    ids=["dnt", "gpc", "googlebot", "headless", "curl", "httpx", "no-ua", "no-language", "no-html", "prefetch", "not-navigation"],
)
def test_not_counted(client, mini_map, headers):
    assert client.get("/entities/amsterdam/", **{**BROWSER, **headers}).status_code == 200
    assert Hit.objects.count() == 0


def test_errors_and_other_methods_are_not_counted(client, mini_map):
    client.get("/entities/no-such-entity/", **BROWSER)
    client.head("/entities/amsterdam/", **BROWSER)
    assert Hit.objects.count() == 0


def test_a_failing_store_still_serves_the_page(client, mini_map, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(recording, "_insert", broken)
    response = client.get("/entities/amsterdam/", **BROWSER)
    assert response.status_code == 200
    assert b"Amsterdam" in response.content
    assert "could not store 1 analytics events" in caplog.text


def test_a_failing_counter_still_serves_the_page(client, mini_map, monkeypatch):
    def broken(request, day=None):
        raise RuntimeError("salt table gone")

    monkeypatch.setattr("omvarld.analytics.privacy.visitor_hash", broken)
    assert client.get("/entities/amsterdam/", **BROWSER).status_code == 200
    assert Hit.objects.count() == 0


def test_the_buffer_writes_only_when_flushed(client, mini_map, settings):
    settings.ANALYTICS_FLUSH_SECONDS = 3600
    client.get("/entities/amsterdam/", **BROWSER)
    client.get("/entities/copenhagen/", **BROWSER)
    assert Hit.objects.count() == 0
    assert recording.buffer.pending() == 2
    assert recording.buffer.flush() == 2
    assert sorted(Hit.objects.values_list("target", flat=True)) == ["entity:amsterdam", "entity:copenhagen"]
