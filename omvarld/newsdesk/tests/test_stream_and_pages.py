"""Visitors read notices in the stream, on entity and theme pages, and through the embeddable widget."""

from omvarld.core.models import Item


def test_stream_lists_published_notices_with_commentary(client, notice):
    html = client.get("/news/").content.decode()
    assert notice.title in html and "svenska kommuner" in html
    assert 'type="application/atom+xml"' in html


def test_stream_hides_drafts(client, notice):
    Item.objects.filter(pk=notice.pk).update(status=Item.Status.DRAFT)
    assert notice.title not in client.get("/news/").content.decode()


def test_stream_out_of_range_page_is_not_found(client, notice):
    assert client.get("/news/?page=99").status_code == 404
    assert client.get("/news/?page=x").status_code == 404


def test_entity_page_shows_its_notices_and_feed(client, notice):
    html = client.get("/entities/amsterdam/").content.decode()
    assert notice.title in html
    assert "/news/entity/amsterdam/feed.atom" in html
    assert notice.title not in client.get("/entities/copenhagen/").content.decode()


def test_theme_page_shows_its_notices(client, notice):
    html = client.get("/themes/climate-neutrality/").content.decode()
    assert notice.title in html and "/news/theme/climate-neutrality/feed.atom" in html
    assert notice.title not in client.get("/themes/energy/").content.decode()


def test_widget_can_be_framed_and_has_no_script(client, notice):
    response = client.get("/news/widget/?limit=3")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    html = response.content.decode()
    assert notice.title in html and "<script" not in html
    assert 'href="http' in html  # absolute links, so they work inside another site


def test_widget_scopes_and_bounds(client, notice):
    assert notice.title not in client.get("/news/widget/?theme=energy").content.decode()
    assert client.get("/news/widget/?theme=nope").status_code == 404
    assert client.get("/news/widget/?limit=abc").status_code == 200


def test_embed_page_offers_copyable_snippets(client, notice):
    html = client.get("/news/embed/?theme=climate-neutrality").content.decode()
    assert "&lt;iframe src=&quot;" in html or "&lt;iframe src=\"" in html
    assert "/news/widget/?theme=climate-neutrality" in html
    assert notice.title in html  # the plain-HTML snippet
    assert "&lt;script" not in html
