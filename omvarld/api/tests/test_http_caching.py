"""ETag, Last-Modified, 304s, CORS, and a response cache that a publish invalidates."""

from omvarld.newsdesk.actions import publish_notice


def test_etag_and_last_modified_give_304(client, notice):
    first = client.get("/api/v1/notices")
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    again = client.get("/api/v1/notices", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"] and not again.content
    since = client.get("/api/v1/notices", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    other = client.get("/api/v1/notices", HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200


def test_each_url_has_its_own_etag(client, notice):
    assert client.get("/api/v1/notices")["ETag"] != client.get("/api/v1/notices?limit=1")["ETag"]


def test_publishing_invalidates_cached_answers(client, notice, editor):
    first = client.get("/api/v1/notices")
    newer = publish_notice(user=editor, title="A newer notice", commentary="c")
    second = client.get("/api/v1/notices", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second.json()["data"][0]["id"] == newer.pk
    assert second["ETag"] != first["ETag"]


def test_cached_answer_is_served_without_queries(client, notice, django_assert_max_num_queries):
    client.get("/api/v1/items")
    with django_assert_max_num_queries(1):  # the content version only
        response = client.get("/api/v1/items")
    assert response.status_code == 200 and response.json()["data"]


def test_cors_allows_any_origin_to_read(client, notice):
    response = client.get("/api/v1/notices", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_errors_are_not_cached_as_success(client, mini_map):
    assert client.get("/api/v1/items?limit=0").status_code == 400
    assert client.get("/api/v1/items?limit=0").status_code == 400


def test_openapi_description_is_served(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/items", "/api/v1/notices", "/api/v1/entities", "/api/v1/themes", "/api/v1/events"} <= set(schema["paths"])
