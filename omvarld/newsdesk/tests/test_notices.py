"""Editors publish notices; nobody else can."""

from omvarld.core.models import Item


def test_editor_publishes_a_notice(editor_client, mini_map):
    from omvarld.core.models import Entity, Theme

    amsterdam = Entity.objects.get(slug="amsterdam")
    energy = Theme.objects.get(slug="energy")
    response = editor_client.post(
        "/news/notices/new/",
        {
            "title": "Oslo bans fossil heating",
            "url": "https://example.org/oslo",
            "language": "en",
            "commentary": "Relevant för svenska städer.",
            "themes": [energy.pk],
            "entity_slugs": "oslo, amsterdam",
            "entities": [amsterdam.pk],
        },
    )
    notice = Item.objects.get(title="Oslo bans fossil heating")
    assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()
    assert notice.type == Item.Type.NEWS_NOTICE and notice.status == Item.Status.PUBLISHED and notice.published_at
    assert sorted(e.slug for e in notice.entities.all()) == ["amsterdam", "oslo"]
    assert list(notice.themes.all()) == [energy]


def test_unknown_entity_slug_is_refused_and_nothing_saved(editor_client, mini_map):
    response = editor_client.post("/news/notices/new/", {"title": "X", "language": "en", "commentary": "c", "entity_slugs": "atlantis"})
    assert response.status_code == 400 and "atlantis" in response.content.decode()  # form errors answer 400 (#18)
    assert not Item.objects.filter(title="X").exists()


def test_member_cannot_publish(member_client, mini_map):
    assert member_client.get("/news/notices/new/").status_code == 403
    assert member_client.post("/news/notices/new/", {"title": "X", "language": "en", "commentary": "c"}).status_code == 403
    assert not Item.objects.filter(title="X").exists()


def test_visitor_is_sent_to_sign_in(client, mini_map):
    response = client.get("/news/notices/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_editor_form_prefills_from_the_query(editor_client, mini_map):
    html = editor_client.get("/news/notices/new/", {"title": "Prefilled title", "url": "https://example.org/p"}).content.decode()
    assert 'value="Prefilled title"' in html and 'value="https://example.org/p"' in html
