"""#18 (1): a character XML 1.0 forbids never reaches storage, and never breaks a feed."""

import json

import pytest
from lxml import etree

from omvarld.api.models import APIToken
from omvarld.core.models import Item
from omvarld.editorial.models import Suggestion
from omvarld.lib.xmltext import clean_xml_text
from omvarld.newsdesk.tests.feed_schemas import check_atom, check_rss

BAD = "Vertical\x0btab\x08 and\x1f more\ufffe"


def test_clean_xml_text_drops_only_forbidden_characters():
    assert clean_xml_text(BAD) == "Verticaltab and more"
    assert clean_xml_text("tab\tnew\nline\rå😀") == "tab\tnew\nline\rå😀"


def test_api_suggestion_is_stored_without_control_characters(client, member, mini_map):
    from omvarld.accounts.roles import assign_role

    assign_role(member, "partner")
    token = APIToken.issue(name="Partner", user=member)[1]
    body = {"title": "A " + BAD, "summary": "Sum\x0bmary", "url": "https://example.org/a"}
    response = client.post("/api/v1/suggestions", json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
    suggestion = Suggestion.objects.get(pk=response.json()["data"]["id"])
    assert suggestion.title == "A Verticaltab and more"
    assert "\x0b" not in json.dumps(suggestion.data)
    assert suggestion.data["summary"] == "Summary"


def test_editor_notice_is_stored_clean_and_feeds_stay_valid(client, editor, mini_map):
    from omvarld.newsdesk.actions import publish_notice

    notice = publish_notice(user=editor, title="Title\x0bwith tab", url="https://example.org/x",
                            source_name="News\x0c", summary="Sum\x0bmary", commentary="C\x01")
    notice.refresh_from_db()
    assert notice.title == "Titlewith tab"
    assert notice.summary == "Summary"
    atom = client.get("/news/feed.atom")
    assert atom.status_code == 200
    assert check_atom(atom.content) == []
    assert check_rss(client.get("/news/feed.rss").content) == []


@pytest.mark.parametrize("path", ["/news/feed.atom", "/news/feed.rss", "/news/entity/amsterdam/feed.atom",
                                  "/news/theme/climate-neutrality/feed.rss"])
def test_feeds_survive_a_record_stored_around_the_hook(client, notice, path):
    # QuerySet.update() sends no signals: a record stored before the hook existed, or by a bulk
    # write, still must not take the feeds down.
    Item.objects.filter(pk=notice.pk).update(title="Broken\x0btitle", summary="A\x0bB", commentary="\x1fC")
    response = client.get(path)
    assert response.status_code == 200
    doc = etree.fromstring(response.content)
    assert "Brokentitle" in etree.tostring(doc, encoding="unicode")
