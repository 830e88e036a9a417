"""Cursor pages neither skip nor repeat records while new ones arrive between requests."""

import datetime as dt

import pytest
from django.utils import timezone

from omvarld.core.models import Item


def _publish(n, prefix, **extra):
    now = timezone.now()
    return [
        Item.objects.create(title=f"{prefix} {i}", status=Item.Status.PUBLISHED, published_at=now, **extra).pk
        for i in range(n)
    ]


def _walk(client, url, limit, between=lambda page: None):
    seen, cursor, page = [], None, 0
    while True:
        response = client.get(url, {"limit": limit, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [r["id"] for r in body["data"]]
        cursor = body["meta"]["next_cursor"]
        page += 1
        between(page)
        if cursor is None:
            return seen


@pytest.mark.parametrize("resource", ["items", "notices"])
def test_new_records_during_paging_are_not_repeated_or_skipped(client, db, resource):
    kind = {"type": Item.Type.NEWS_NOTICE}
    before = set(_publish(23, "old", **kind))
    arrivals = []
    seen = _walk(client, f"/api/v1/{resource}", 5, between=lambda page: arrivals.extend(_publish(3, f"new {page}", **kind)))
    assert len(seen) == len(set(seen)), "a record was repeated"
    assert before <= set(seen), "a record present all along was skipped"
    assert set(seen) - before <= set(arrivals)


def test_events_page_by_start_date_even_when_earlier_ones_arrive(client, db):
    day = dt.date(2030, 1, 1)
    before = set()
    for i in range(12):
        before |= set(_publish(1, f"event {i}", type=Item.Type.EVENT, starts_on=day + dt.timedelta(days=i % 4)))
    seen = _walk(client, "/api/v1/events", 4, between=lambda page: _publish(2, "early", type=Item.Type.EVENT, starts_on=day))
    assert len(seen) == len(set(seen)) and before <= set(seen)
    starts = list(Item.objects.filter(pk__in=seen).order_by("starts_on", "id").values_list("pk", flat=True))
    assert [pk for pk in seen if pk in before] == [pk for pk in starts if pk in before]


def test_last_page_has_no_cursor(client, notice):
    body = client.get("/api/v1/notices?limit=100").json()
    assert body["meta"]["next_cursor"] is None and body["meta"]["count"] == len(body["data"])
