"""Bad input gets a 400 with a JSON error naming the parameter, never a 500."""

import pytest

CASES = [
    ("/api/v1/items?colour=red", "colour"),
    ("/api/v1/items?page=2", "page"),
    ("/api/v1/items?limit=0", "limit"),
    ("/api/v1/items?limit=101", "limit"),
    ("/api/v1/items?limit=ten", "limit"),
    ("/api/v1/items?cursor=not-a-cursor", "cursor"),
    ("/api/v1/items?cursor=WzEsMl0", "cursor"),  # a cursor of the wrong shape: [1, 2]
    ("/api/v1/events?cursor=WzFd", "cursor"),  # [1] where a date and an id belong
    ("/api/v1/items?published_from=2024-02-30", "published_from"),
    ("/api/v1/items?published_from=yesterday", "published_from"),
    ("/api/v1/items?published_from=2024-05-01&published_to=2024-01-01", "published_from"),
    ("/api/v1/items?updated_since=2024-99-01T00:00", "updated_since"),
    ("/api/v1/items?q=" + "x" * 201, "q"),
    ("/api/v1/items?theme=" + "x" * 600, "theme"),
    ("/api/v1/items?q=a%00b", "q"),
    ("/api/v1/items?type=poem", "type"),
    ("/api/v1/items?type=report&type=link", "type"),
    ("/api/v1/entities?country=Sweden", "country"),
    ("/api/v1/entities?watched=maybe", "watched"),
    ("/api/v1/events?starts_from=2024-1-1x", "starts_from"),
    ("/api/v1/notices?since=soon", "since"),
    ("/api/v1/notices?since=0001-01-01T00:00:00%2B23:59", "since"),
    ("/api/v1/items/0", "item_id"),
    ("/api/v1/items/99999999999999999999999", "item_id"),
    ("/api/v1/themes?limit=-5", "limit"),
]


@pytest.mark.parametrize("url,parameter", CASES)
def test_bad_parameter_is_a_400_naming_it(client, mini_map, url, parameter):
    response = client.get(url)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["ok"] is False and body["error"]["parameter"] == parameter
