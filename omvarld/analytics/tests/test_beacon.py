"""The beacon accepts exactly one small, same-origin payload naming a page that exists."""

import json

import pytest

from omvarld.analytics.actions import rollup
from omvarld.analytics.models import DailyCount, DailyTotal, Hit, Kind
from omvarld.analytics.tests.conftest import BROWSER

HEADERS = {
    "HTTP_USER_AGENT": BROWSER["HTTP_USER_AGENT"], "HTTP_ACCEPT_LANGUAGE": "sv", "REMOTE_ADDR": BROWSER["REMOTE_ADDR"],
    "HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin",
}


def send(client, body, content_type="text/plain", **headers):
    return client.post("/analytics/beacon/", data=body, content_type=content_type, **{**HEADERS, **headers})


def nothing_stored():
    rollup()
    return not Hit.objects.exists() and not DailyCount.objects.exists() and not DailyTotal.objects.exclude(kind=Kind.CLOSED).exists()


def test_a_valid_beacon_counts_a_view(client, mini_map):
    response = send(client, json.dumps({"path": "/entities/amsterdam/"}))
    assert response.status_code == 204
    assert Hit.objects.get().target == "entity:amsterdam"


@pytest.mark.parametrize(
    ("body", "content_type", "headers", "error"),
    [
        (json.dumps({"path": "/entities/amsterdam/", "pad": "x" * 600}), "text/plain", {}, "too-large"),
        ("{" + " " * 10_000 + "}", "application/json", {}, "too-large"),
        (json.dumps({"path": "/entities/amsterdam/"}), "text/plain", {"HTTP_ORIGIN": "https://evil.example"}, "cross-site"),
        (json.dumps({"path": "/entities/amsterdam/"}), "text/plain", {"HTTP_SEC_FETCH_SITE": "cross-site"}, "cross-site"),
        (json.dumps({"path": "/entities/amsterdam/"}), "text/plain", {"HTTP_ORIGIN": ""}, "cross-site"),
        (json.dumps({"path": "/entities/amsterdam/", "user": 1}), "text/plain", {}, "malformed"),
        (json.dumps(["/entities/amsterdam/"]), "text/plain", {}, "malformed"),
        (json.dumps({"path": 12}), "text/plain", {}, "malformed"),
        ("path=/entities/amsterdam/", "text/plain", {}, "malformed"),
        (b"\xff\xfe{}", "text/plain", {}, "malformed"),
        (json.dumps({"path": "/entities/amsterdam/"}), "application/x-www-form-urlencoded", {}, "malformed"),
        (json.dumps({"path": "/entities/no-such-city/"}), "text/plain", {}, "unknown-page"),
        (json.dumps({"path": "/items/999999/"}), "text/plain", {}, "unknown-page"),
        (json.dumps({"path": "/search/?q=x"}), "text/plain", {}, "unknown-page"),
        (json.dumps({"path": "/accounts/login/"}), "text/plain", {}, "unknown-page"),
        (json.dumps({"path": "https://evil.example/entities/amsterdam/"}), "text/plain", {}, "unknown-page"),
    ],
    ids=[
        "oversized", "oversized-whitespace", "other-origin", "cross-site-fetch", "no-origin", "extra-key", "not-an-object",
        "path-not-text", "not-json", "not-utf8", "form-encoded", "unknown-entity", "unknown-item", "search", "not-counted-page",
        "absolute-url",
    ],
)
def test_forged_or_oversized_beacons_are_refused_and_stored_nowhere(client, mini_map, body, content_type, headers, error):
    response = send(client, body, content_type, **headers)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": error}
    assert nothing_stored()


def test_the_beacon_honours_opt_outs_and_skips_bots(client, mini_map):
    body = json.dumps({"path": "/entities/amsterdam/"})
    assert send(client, body, HTTP_DNT="1").status_code == 204
    assert send(client, body, HTTP_SEC_GPC="1").status_code == 204
    assert send(client, body, HTTP_USER_AGENT="Mozilla/5.0 (compatible; bingbot/2.0)").status_code == 204
    assert nothing_stored()


def test_the_beacon_takes_only_post(client, mini_map):
    assert client.get("/analytics/beacon/", **HEADERS).status_code == 405
