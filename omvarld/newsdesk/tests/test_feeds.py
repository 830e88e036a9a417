"""The notice feeds validate as Atom 1.0 and RSS 2.0 under strict checks, for every scope."""

import pytest
from lxml import etree

from omvarld.newsdesk.tests.feed_schemas import ATOM_NS, check_atom, check_rss

SCOPED = ["", "theme/climate-neutrality/", "entity/amsterdam/", "category/cities/"]


@pytest.mark.parametrize("scope", SCOPED)
def test_atom_feed_is_valid_and_lists_the_notice(client, notice, scope):
    response = client.get(f"/news/{scope}feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert check_atom(response.content) == []
    doc = etree.fromstring(response.content)
    titles = [e.findtext(f"{{{ATOM_NS}}}title") for e in doc.iter(f"{{{ATOM_NS}}}entry")]
    assert titles == [notice.title]
    assert "svenska kommuner" in response.content.decode()  # the commentary travels with the notice


@pytest.mark.parametrize("scope", SCOPED)
def test_rss_feed_is_valid(client, notice, scope):
    response = client.get(f"/news/{scope}feed.rss")
    assert response.status_code == 200
    assert check_rss(response.content) == []
    assert notice.title in response.content.decode()


def test_scoped_feed_leaves_out_other_notices(client, notice):
    body = client.get("/news/entity/copenhagen/feed.atom").content
    assert check_atom(body) == []
    assert notice.title.encode() not in body


def test_empty_feed_is_still_valid(client, mini_map):
    assert check_atom(client.get("/news/feed.atom").content) == []
    assert check_rss(client.get("/news/feed.rss").content) == []


def test_unknown_scope_or_slug_is_not_found(client, mini_map):
    assert client.get("/news/planet/mars/feed.atom").status_code == 404
    assert client.get("/news/theme/no-such-theme/feed.atom").status_code == 404


def test_the_checker_catches_an_invalid_feed():
    missing_author = f"""<feed xmlns="{ATOM_NS}"><id>https://x.org/</id><title>t</title><updated>2024-01-01T00:00:00Z</updated>
      <link href="https://x.org/" rel="self"/><entry><id>https://x.org/1</id><title>e</title><updated>2024-01-01T00:00:00Z</updated>
      <link href="https://x.org/1"/></entry></feed>"""
    assert any("author" in p for p in check_atom(missing_author.encode()))
    bad_date = missing_author.replace("2024-01-01T00:00:00Z", "2024-01-01")
    assert check_atom(bad_date.encode())
    no_link = """<rss version="2.0"><channel><title>t</title><description>d</description></channel></rss>"""
    assert check_rss(no_link.encode())
