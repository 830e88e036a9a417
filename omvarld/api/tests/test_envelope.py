"""Every endpoint answers in one envelope, for success and for errors alike."""

import pytest

from omvarld.api.api import api

SAMPLES = {"{slug}": "amsterdam", "{item_id}": None}


def _get_paths():
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return [p for p, ops in schema["paths"].items() if "get" in ops]


def _fill(path, notice):
    return path.replace("{slug}", "amsterdam").replace("{item_id}", str(notice.pk))


@pytest.mark.parametrize("path", _get_paths())
def test_success_envelope(client, notice, path):
    response = client.get(_fill(path, notice))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] is True and "data" in body
    assert set(body) <= {"ok", "data", "meta"}
    if isinstance(body["data"], list):
        assert set(body["meta"]) == {"limit", "count", "next_cursor"}


@pytest.mark.parametrize("path", _get_paths())
def test_error_envelope(client, notice, path):
    response = client.get(_fill(path, notice) + "?nonsense=1")
    assert response.status_code == 400
    body = response.json()
    assert body == {"ok": False, "error": {"code": "bad_parameter", "message": body["error"]["message"], "parameter": "nonsense"}}


def test_not_found_uses_the_envelope(client, mini_map):
    body = client.get("/api/v1/entities/atlantis").json()
    assert body["ok"] is False and body["error"]["code"] == "not_found"


def test_the_envelope_test_covers_every_resource():
    paths = _get_paths()
    for resource in ("entities", "items", "notices", "themes", "events"):
        assert f"/api/v1/{resource}" in paths
