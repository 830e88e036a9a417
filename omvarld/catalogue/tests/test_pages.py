"""The public pages as a visitor sees them, through Django's test client."""

import datetime as dt

from django.utils import timezone

from omvarld.core.models import Entity, Item, Placement


def test_start_page_offers_the_main_categories(client, mini_map):
    html = client.get("/").content.decode()
    assert "Städer" in html and "Nätverk" in html
    assert 'href="/categories/cities/"' in html


def test_category_page_lists_entities_with_item_counts(client, mini_map):
    html = client.get("/categories/cities/").content.decode()
    assert "Amsterdam" in html and "Köpenhamn" in html
    assert "2 poster" in html  # Amsterdam: its strategy and the C40 report it is attached to


def test_category_page_filters_by_region(client, mini_map):
    html = client.get("/categories/cities/?region=nordics").content.decode()
    assert "Köpenhamn" in html and "Amsterdam" not in html


def test_entity_page_shows_information_categories_in_order_with_items(client, mini_map):
    html = client.get("/entities/amsterdam/").content.decode()
    why, actors = html.index('id="ic-why"'), html.index('id="ic-key-actors"')
    assert why < actors
    assert "Amsterdam Circular Strategy" in html[why:actors]
    assert "Munkmodellen." in html  # the section text
    assert "medlem i" in html and "C40" in html  # relation


def test_item_page_shows_commentary_and_under_the_surface(client, mini_map):
    item = Item.objects.get(title__startswith="Amsterdam Circular")
    html = client.get(f"/items/{item.pk}/").content.decode()
    assert "Redaktionens kommentar" in html
    assert "Munkmodellen används" in html
    assert "Under ytan" in html and "Halverad användning" in html


def test_draft_item_is_not_public(client, mini_map):
    item = Item.objects.get(title__startswith="Amsterdam Circular")
    Item.objects.filter(pk=item.pk).update(status=Item.Status.DRAFT)
    assert client.get(f"/items/{item.pk}/").status_code == 404


def test_english_interface(client, mini_map):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/entities/copenhagen/").content.decode()
    assert "Copenhagen" in html and "Key actors" in html
    assert '<html lang="en">' in html


def test_search_puts_exact_entity_name_first_and_highlights(client, mini_map):
    html = client.get("/search/", {"q": "C40"}).content.decode()
    entities_part = html[html.index("Objekt på kartan") :]
    assert entities_part.index("C40") < entities_part.index("</ul>")
    assert "<mark>C40</mark>" in html


def test_search_swedish_compound(client, mini_map):
    html = client.get("/search/", {"q": "fjärrvärme"}).content.decode()
    assert "HOFOR district heating" in html
    assert "<mark>" in html


def test_search_filters_by_theme_and_type(client, mini_map):
    html = client.get("/search/", {"theme": "climate-neutrality", "type": "report"}).content.decode()
    assert "C40 annual report" in html and "Amsterdam Circular" in html and "HOFOR" not in html
    html = client.get("/search/", {"theme": "energy"}).content.decode()
    assert "HOFOR" in html and "C40 annual report" not in html


def test_search_filters_by_region_language_and_date(client, mini_map):
    html = client.get("/search/", {"region": "nordics"}).content.decode()
    assert "HOFOR" in html and "Amsterdam Circular" not in html
    html = client.get("/search/", {"from": "2021-01-01", "to": "2022-12-31"}).content.decode()
    assert "HOFOR" in html and "C40 annual report" not in html and "Amsterdam Circular" not in html
    html = client.get("/search/", {"lang": "sv"}).content.decode()
    assert "HOFOR" not in html


def test_bad_filters_get_messages_not_errors(client, mini_map):
    r = client.get("/search/", {"from": "yesterday", "type": "<script>", "q": "x" * 500})
    assert r.status_code == 400
    html = r.content.decode()
    assert "ÅÅÅÅ-MM-DD" in html and "Okänd typ" in html and "för lång" in html
    assert "<script>" not in html.split("<body", 1)[1].replace("<script src=", "")


def test_whats_new_lists_recent_items_with_flags(client, mini_map):
    item = Item.objects.get(title="HOFOR district heating")
    Item.objects.filter(pk=item.pk).update(created_at=timezone.now() - dt.timedelta(days=2), updated_at=timezone.now() - dt.timedelta(days=2))
    old = Item.objects.get(title="C40 annual report")
    Item.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=300), updated_at=timezone.now() - dt.timedelta(days=1))
    gone = Item.objects.get(title__startswith="Amsterdam Circular")
    Item.objects.filter(pk=gone.pk).update(created_at=timezone.now() - dt.timedelta(days=300), updated_at=timezone.now() - dt.timedelta(days=200))
    html = client.get("/whats-new/").content.decode()
    assert "HOFOR" in html and "C40 annual report" in html and "Amsterdam Circular" not in html
    assert "Ny</span>" in html and "Uppdaterad</span>" in html
    assert "Amsterdam Circular" in client.get("/whats-new/?days=365").content.decode()


def test_category_flags_entity_with_new_item(client, mini_map):
    Entity.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    html = client.get("/categories/cities/").content.decode()
    assert "Uppdaterad" not in html[html.index("Köpenhamn") : html.index("Köpenhamn") + 300]
    item = Item.objects.create(title="Nytt om fjärrvärme", status=Item.Status.PUBLISHED)
    Placement.objects.create(item=item, entity=Entity.objects.get(slug="copenhagen"))
    html = client.get("/categories/cities/").content.decode()
    copenhagen = html[html.index("Köpenhamn") : html.index("Köpenhamn") + 300]
    assert "Uppdaterad" in copenhagen and "2 poster" in copenhagen


def test_unknown_urls_give_a_friendly_404(client, mini_map):
    for url in ("/entities/atlantis/", "/items/999999/", "/categories/nope/", "/no/such/page/"):
        r = client.get(url)
        assert r.status_code == 404
        assert "Sidan finns inte" in r.content.decode()


def test_pages_work_without_javascript_markup(client, mini_map):
    # Core reading is plain links and GET forms: the search form submits without htmx.
    html = client.get("/search/").content.decode()
    assert '<form id="search-form" class="facets" method="get"' in html
