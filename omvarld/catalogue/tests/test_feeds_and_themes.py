"""Pages with a feed advertise it, /themes/ lists the themes, the site has a favicon (#10)."""

import re

import pytest

from omvarld.core.models import Entity, MainCategory, Theme

pytestmark = pytest.mark.django_db


def _atom_links(html: str) -> list[str]:
    links = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', html)
    return links


@pytest.mark.parametrize("scope", ["home", "entity", "category", "theme"])
def test_pages_advertise_their_own_feed(client, mini_map, scope):
    if scope == "home":
        page, feed = "/", "/news/feed.atom"
    else:
        obj = {"entity": Entity, "category": MainCategory, "theme": Theme}[scope].objects.first()
        page, feed = obj.get_absolute_url(), f"/news/{scope}/{obj.slug}/feed.atom"
    html = client.get(page).content.decode()
    assert _atom_links(html) == [feed]
    response = client.get(feed)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")


def test_themes_page_lists_every_theme_and_the_breadcrumb_leads_there(client, mini_map):
    response = client.get("/themes/")
    assert response.status_code == 200
    html = response.content.decode()
    for theme in Theme.objects.filter(merged_into__isnull=True):
        assert f'href="{theme.get_absolute_url()}"' in html
        assert theme.label_sv in html
    theme = Theme.objects.first()
    page = client.get(theme.get_absolute_url()).content.decode()
    crumbs = re.search(r'<nav aria-label="[^"]*" class="crumbs">(.*?)</nav>', page, flags=re.S).group(1)
    assert 'href="/themes/"' in crumbs


def test_favicon(client, mini_map):
    html = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert icon and icon.group(1).endswith("favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_swedish_short_dates_have_lower_case_months(client, mini_map):
    from omvarld.core.models import Item

    item = Item.objects.exclude(published_on__isnull=True).first()
    html = client.get("/search/").content.decode()
    months = re.findall(r'<time datetime="\d{4}-\d{2}-\d{2}">\d{1,2} ([^ <]+) \d{4}</time>', html)
    assert months and all(m == m.lower() for m in months), months
    assert item is not None
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/search/").content.decode()
    months = re.findall(r'<time datetime="\d{4}-\d{2}-\d{2}">\d{1,2} ([^ <]+) \d{4}</time>', html)
    assert months and all(m[0].isupper() for m in months), months
