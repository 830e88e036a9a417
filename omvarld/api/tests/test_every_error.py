"""Whatever goes wrong under /api/, the answer is the documented envelope, never HTML."""

import pytest


def _error(response, status, code):
    assert response.status_code == status, response.content[:200]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["ok"] is False and body["error"]["code"] == code and body["error"]["message"]
    return body


def test_the_api_root_describes_itself(client, mini_map, settings):
    settings.SITE_URL = "http://127.0.0.1:8311"
    body = client.get("/api/v1/").json()
    assert body["ok"] is True
    assert body["data"]["openapi"] == "http://127.0.0.1:8311/api/v1/openapi.json"
    assert body["data"]["resources"]["items"] == "http://127.0.0.1:8311/api/v1/items"


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/entities/a/b/c", "/api/v2/", "/api/"])
def test_unknown_paths(client, db, path):
    _error(client.get(path), 404, "not_found")


def test_malformed_json_body(client, token):
    response = client.post("/api/v1/tips", data='{"url": "http://example.org/",', content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    _error(response, 400, "bad_request" if response.json()["error"]["code"] == "bad_request" else "bad_parameter")


def test_wrong_method(client, db):
    response = client.delete("/api/v1/themes")
    _error(response, 405, "method_not_allowed")


def test_body_too_large(client, token, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/api/v1/tips", data='{"url": "' + "x" * 2000 + '"}', content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    _error(response, 413, "too_large")


def test_address_too_long(client, db):
    _error(client.get("/api/v1/items?q=" + "x" * 3000), 414, "uri_too_long")


def test_unexpected_exception_is_a_500_in_the_envelope(client, db, monkeypatch):
    from omvarld.api import queries

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(queries, "themes", broken)
    client.raise_request_exception = False
    body = _error(client.get("/api/v1/themes"), 500, "server_error")
    assert "fire" not in body["error"]["message"]
