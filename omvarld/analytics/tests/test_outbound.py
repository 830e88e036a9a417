"""Outbound clicks go through /analytics/out/, which only leads to links in the content."""

from urllib.parse import quote

import pytest

from omvarld.analytics.models import Hit, Kind
from omvarld.analytics.tests.conftest import BROWSER
from omvarld.core.models import Entity, Item


@pytest.fixture
def item(mini_map):
    return Item.objects.filter(status="published").exclude(url="").first()


def out(client, to, **params):
    query = "&".join([f"to={quote(to, safe='')}", *[f"{k}={v}" for k, v in params.items()]])
    return client.get(f"/analytics/out/?{query}", **BROWSER)


def test_a_click_on_an_items_link_is_counted_and_redirected(client, item):
    response = out(client, item.url, item=item.pk)
    assert response.status_code == 302
    assert response["Location"] == item.url
    assert "no-store" in response["Cache-Control"]
    hit = Hit.objects.get()
    assert (hit.kind, hit.target, hit.detail) == (Kind.OUT, f"item:{item.pk}", item.url.split("/")[2])


def test_an_entitys_website_is_accepted(client, mini_map):
    amsterdam = Entity.objects.get(slug="amsterdam")
    amsterdam.website = "https://www.amsterdam.nl/en/"
    amsterdam.save(update_fields=["website"])
    response = out(client, amsterdam.website, entity="amsterdam")
    assert response.status_code == 302 and response["Location"] == amsterdam.website
    assert Hit.objects.get().target == f"entity:{amsterdam.pk}"


@pytest.mark.parametrize(
    "to",
    ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)", "https://www.amsterdam.nl/en/?x=1", ""],
)
def test_a_destination_not_in_the_content_is_refused(client, item, to):
    response = out(client, to, item=item.pk)
    assert response.status_code == 400
    assert "Location" not in response
    assert "Unknown link".encode() in response.content or "Okänd länk".encode() in response.content
    assert Hit.objects.count() == 0


def test_a_link_of_another_item_or_a_draft_is_refused(client, item):
    other = Item.objects.filter(status="published").exclude(pk=item.pk).exclude(url=item.url).first()
    assert out(client, other.url, item=item.pk).status_code == 400
    draft = Item.objects.create(title="Draft", url="https://draft.example/", status=Item.Status.DRAFT)
    assert out(client, draft.url, item=draft.pk).status_code == 400
    assert out(client, item.url).status_code == 400  # no item named
    assert out(client, item.url, item="abc").status_code == 400
    assert Hit.objects.count() == 0


def test_opted_out_visitors_are_redirected_without_counting(client, item):
    response = client.get(f"/analytics/out/?to={quote(item.url, safe='')}&item={item.pk}", **{**BROWSER, "HTTP_DNT": "1"})
    assert response.status_code == 302
    assert Hit.objects.count() == 0


def test_pages_link_out_through_the_redirect_without_javascript(client, item):
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert f'href="/analytics/out/?to={quote(item.url, safe="")}&amp;item={item.pk}"' in page
    amsterdam = Entity.objects.get(slug="amsterdam")
    amsterdam.website = "https://www.amsterdam.nl/"
    amsterdam.save(update_fields=["website"])
    page = client.get("/entities/amsterdam/").content.decode()
    assert "/analytics/out/?to=https%3A%2F%2Fwww.amsterdam.nl%2F&amp;entity=amsterdam" in page


def test_news_notice_cards_link_out_through_the_redirect(client, mini_map):
    notice = Item.objects.create(
        title="Notice", type=Item.Type.NEWS_NOTICE, status=Item.Status.PUBLISHED, url="https://news.example/a", source_name="News",
    )
    from django.utils import timezone

    notice.published_at = timezone.now()
    notice.save(update_fields=["published_at"])
    page = client.get("/news/").content.decode()
    assert f"/analytics/out/?to=https%3A%2F%2Fnews.example%2Fa&amp;item={notice.pk}" in page
    assert out(client, notice.url, item=notice.pk).status_code == 302
    assert Hit.objects.get().target == f"notice:{notice.pk}"
