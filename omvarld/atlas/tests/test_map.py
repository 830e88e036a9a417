"""The world map's page, data answer and place cards, without a browser."""

import datetime as dt
import gzip
import json

import pytest
from django.utils import timezone

from omvarld.atlas import queries
from omvarld.core.models import Entity, Item, Placement, Theme

pytestmark = pytest.mark.django_db


def _item(entity, title, *, type="link", days_ago=1, themes=(), location="", status="published"):
    now = timezone.now()
    item = Item.objects.create(title=title, type=type, status=status, location=location, published_at=now,
                               starts_on=dt.date(2026, 5, 1) if type == "event" else None)
    Item.objects.filter(pk=item.pk).update(created_at=now - dt.timedelta(days=days_ago))
    Placement.objects.create(item=item, entity=entity)
    item.themes.set(themes)
    return item


def _data(client, **params):
    response = client.get("/map/data.json", params)
    assert response.status_code == 200, response.content
    data = response.json()
    cols = {c: i for i, c in enumerate(data["columns"])}
    return data, {row[cols["slug"]]: {c: row[i] for c, i in cols.items()} for row in data["places"]}


def test_map_data_has_every_place_with_coordinates_and_its_category(client, atlas_map):
    data, places = _data(client)
    assert set(places) == {"amsterdam", "copenhagen", "c40", "oslo"}
    assert places["amsterdam"]["lat"] == pytest.approx(52.37) and places["amsterdam"]["lon"] == pytest.approx(4.9)
    cats = data["categories"]
    assert cats[places["amsterdam"]["category"]]["slug"] == "cities"
    assert cats[places["c40"]["category"]]["slug"] == "networks"
    # Categories differ by shape and letter as well as colour.
    assert cats[0]["shape"] != cats[1]["shape"] and cats[0]["letter"] != cats[1]["letter"]
    assert cats[0]["colour"] != cats[1]["colour"]


def test_an_entity_without_coordinates_is_not_on_the_map(client, atlas_map):
    Entity.objects.filter(slug="oslo").update(latitude=None)
    Entity.objects.filter(slug="c40").update(deleted_at=timezone.now())
    _, places = _data(client)
    assert set(places) == {"amsterdam", "copenhagen"}


def test_markers_grow_with_activity_in_the_period(client, atlas_map):
    Item.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    oslo = atlas_map["oslo"]
    for n in range(6):
        _item(oslo, f"Oslo news {n}", days_ago=2)
    _item(oslo, "Oslo notice", type="news_notice", days_ago=3)
    _item(oslo, "Old Oslo item", days_ago=60)
    _item(oslo, "Draft", days_ago=1, status="draft")
    _, places = _data(client, days=30)
    assert (places["oslo"]["items"], places["oslo"]["notices"]) == (6, 1)
    assert places["oslo"]["size"] > places["copenhagen"]["size"]
    assert places["copenhagen"]["items"] == 0
    _, places = _data(client, days=90)
    assert places["oslo"]["items"] == 7


def test_monitored_entries_count_as_activity(client, atlas_map):
    from omvarld.monitoring.models import Entry, EntryTag

    entry = Entry.objects.create(guid="g1", title="Copenhagen heat", content_hash="x", fetched_at=timezone.now())
    EntryTag.objects.create(entry=entry, entity=atlas_map["copenhagen"], method="name", matched="Copenhagen")
    old = Entry.objects.create(guid="g2", title="Old", content_hash="y", fetched_at=timezone.now() - dt.timedelta(days=100))
    EntryTag.objects.create(entry=old, entity=atlas_map["copenhagen"], method="name", matched="Copenhagen")
    _, places = _data(client, days=30)
    assert places["copenhagen"]["entries"] == 1


def test_filters_by_category_region_theme_and_new(client, atlas_map):
    assert set(_data(client, category="cities")[1]) == {"amsterdam", "copenhagen", "oslo"}
    assert set(_data(client, region="nordics")[1]) == {"copenhagen", "oslo"}
    assert set(_data(client, theme="energy")[1]) == {"copenhagen"}
    Item.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    _item(atlas_map["oslo"], "Fresh", days_ago=1)
    assert set(_data(client, new="1", days=7)[1]) == {"oslo"}


def test_bad_filters_are_refused_with_a_message(client, atlas_map):
    for params in ({"region": "atlantis"}, {"days": "0"}, {"days": "many"}, {"theme": "nope"}, {"category": "x"}):
        response = client.get("/map/data.json", params)
        assert response.status_code == 400
        assert response.json()["ok"] is False
        page = client.get("/map/", params)
        assert page.status_code == 400
        assert 'class="error"' in page.content.decode()


def test_map_page_lists_the_places_without_javascript(client, atlas_map):
    response = client.get("/map/", {"region": "nordics"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/entities/copenhagen/"' in html and 'href="/entities/oslo/"' in html
    assert 'href="/entities/amsterdam/"' not in html
    assert '<option value="nordics" selected>' in html
    # The map script, its data and the basemap are all served by the site itself.
    assert 'data-data-url="/map/data.json"' in html
    assert "vendor/world-atlas/countries-110m.json" in html
    assert "vendor/leaflet/leaflet.js" in html
    assert "http://" not in html.split("<main")[1].split("</main>")[0].replace('href="http', "")


def test_the_data_answer_is_small_when_compressed(client, atlas_map):
    response = client.get("/map/data.json")
    assert len(gzip.compress(response.content)) < 5_000
    json.loads(response.content)


def test_place_card_shows_why_watched_latest_items_and_follow(client, atlas_map):
    _item(atlas_map["amsterdam"], "Amsterdam doughnut update", days_ago=1)
    response = client.get("/map/places/amsterdam/card/", {"days": 30})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2" in html and "Amsterdam" in html
    assert "Amsterdam leder arbetet med cirkulär ekonomi." in html
    assert "Amsterdam doughnut update" in html
    assert 'href="/entities/amsterdam/"' in html
    assert "#sub-entity-amsterdam-h" in html
    assert client.get("/map/places/no-such/card/").status_code == 404


def test_events_layer_puts_events_at_their_place(client, atlas_map):
    ev = _item(atlas_map["c40"], "Nordic summit", type="event", location="Oslo, Norway")
    Placement.objects.create(item=ev, entity=atlas_map["oslo"])
    data, _ = _data(client, events="1")
    events = {e["title"]: e for e in data["events"]}
    assert events["Nordic summit"]["lat"] == pytest.approx(59.91)
    assert events["Nordic summit"]["url"] == f"/items/{ev.pk}/"
    assert "events" not in _data(client)[0]
    html = client.get("/map/", {"events": "1"}).content.decode()
    assert "Nordic summit" in html


def test_theme_filter_uses_published_items_only(client, atlas_map):
    energy = Theme.objects.get(slug="energy")
    _item(atlas_map["oslo"], "Draft about heat", themes=[energy], status="draft")
    assert "oslo" not in _data(client, theme="energy")[1]


def test_marker_size_is_bounded():
    assert queries.marker_size(0) == 22
    assert queries.marker_size(10) > queries.marker_size(1)
    assert queries.marker_size(10**6) == 46


def test_a_change_shows_at_once_despite_the_cache(client, atlas_map):
    _, places = _data(client)
    assert "oslo" in places
    oslo = atlas_map["oslo"]
    oslo.latitude = None
    oslo.save()
    _, places = _data(client)
    assert "oslo" not in places
    _item(atlas_map["copenhagen"], "Fresh heat news", days_ago=0)
    _, places = _data(client)
    assert places["copenhagen"]["items"] == 1
