"""The editors' inbox: ranked stories, clusters, filters, reasons, pick and discard."""

from omvarld.core.models import Entity, Theme
from omvarld.monitoring.models import Cluster, Entry, EntryDecision


def test_entries_are_ranked_with_reasons(editor_client, mini_map, make_entry):
    amsterdam = Entity.objects.get(slug="amsterdam")
    make_entry("Low story", 0.2, source="low.example.org")
    make_entry("High story", 0.9, source="high.example.org", entities=[amsterdam])
    html = editor_client.get("/news/inbox/").content.decode()
    assert html.index("High story") < html.index("Low story")
    assert "Amsterdam" in html[html.index("High story"):html.index("Low story")]
    assert "Varför den rankas här" in html


def test_a_cluster_is_one_story_with_its_sources(editor_client, mini_map, make_entry):
    cluster = Cluster.objects.create(title="Same story", size=2)
    make_entry("Same story from A", 0.8, source="a.example.org", cluster=cluster)
    make_entry("Same story from B", 0.6, source="b.example.org", cluster=cluster)
    html = editor_client.get("/news/inbox/").content.decode()
    assert html.count('class="entry card') == 1
    assert "Same story from A" in html and "b.example.org" in html


def test_filters_narrow_the_inbox(editor_client, mini_map, make_entry):
    energy = Theme.objects.get(slug="energy")
    make_entry("Heat story", 0.5, themes=[energy], language="sv")
    make_entry("Other story", 0.7, language="en")
    assert "Other story" not in editor_client.get("/news/inbox/?theme=energy").content.decode()
    assert "Heat story" not in editor_client.get("/news/inbox/?lang=en").content.decode()
    assert "Heat story" not in editor_client.get("/news/inbox/?score=0.6").content.decode()
    assert editor_client.get("/news/inbox/?since=yesterday").status_code == 400


def test_pick_records_the_decision_and_opens_a_prefilled_editor(editor_client, editor, mini_map, make_entry):
    amsterdam = Entity.objects.get(slug="amsterdam")
    climate = Theme.objects.get(slug="climate-neutrality")
    text = "Amsterdam adopts a new circular strategy for construction. The weather was fine. The circular strategy halves new materials by 2030."
    entry = make_entry("Amsterdam circular strategy for construction", 0.9, entities=[amsterdam], themes=[climate], text=text)
    response = editor_client.post(f"/news/inbox/{entry.pk}/pick/")
    assert response.status_code == 302 and response["Location"] == f"/news/notices/new/?entry={entry.pk}"
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PICKED
    assert EntryDecision.objects.get(entry=entry).decision == Entry.Status.PICKED
    html = editor_client.get(response["Location"]).content.decode()
    assert 'value="Amsterdam circular strategy for construction"' in html
    assert "halves new materials" in html and "weather" not in html  # extractive summary
    assert "90" in html and "säkerhet" in html  # confidence shown
    assert f'value="{amsterdam.pk}" checked' in html or f'checked value="{amsterdam.pk}"' in html or 'checked' in html


def test_discard_one_and_many(editor_client, mini_map, make_entry):
    a, b, c = make_entry("A story", 0.5), make_entry("B story", 0.5), make_entry("C story", 0.5)
    editor_client.post(f"/news/inbox/{a.pk}/discard/")
    editor_client.post("/news/inbox/discard/", {"entries": [b.pk, c.pk]})
    assert set(Entry.objects.values_list("status", flat=True)) == {Entry.Status.DISCARDED}
    assert EntryDecision.objects.filter(decision=Entry.Status.DISCARDED).count() == 3
    html = editor_client.get("/news/inbox/").content.decode()
    assert "A story" not in html[html.index('<ol class="inbox"'):]


def test_members_cannot_triage(member_client, mini_map, make_entry):
    entry = make_entry("A story", 0.5)
    assert member_client.get("/news/inbox/").status_code == 403
    assert member_client.post(f"/news/inbox/{entry.pk}/discard/").status_code == 403
    entry.refresh_from_db()
    assert entry.status == Entry.Status.NEW


def test_pick_and_publish_creates_the_notice(editor_client, mini_map, make_entry):
    from omvarld.core.models import Item

    entry = make_entry("Oslo story", 0.9)
    editor_client.post(f"/news/inbox/{entry.pk}/pick/")
    response = editor_client.post("/news/notices/new/", {"entry": entry.pk, "title": "Oslo story", "url": entry.url, "language": "en", "commentary": "Viktigt."})
    assert response.status_code == 302
    assert Item.objects.get(title="Oslo story").type == Item.Type.NEWS_NOTICE


def test_inbox_leads_to_writing_notices_and_the_newsletter(editor_client, mini_map):
    html = editor_client.get("/news/inbox/").content.decode()
    assert 'href="/news/notices/new/"' in html and 'href="/news/newsletters/"' in html
    assert editor_client.get("/news/notices/new/").status_code == 200
    assert editor_client.get("/news/newsletters/").status_code == 200


def test_signed_in_people_find_their_subscriptions_in_the_menu(client, mini_map, member):
    assert "/subscriptions/mine/" not in client.get("/").content.decode()
    client.force_login(member)
    html = client.get("/").content.decode()
    assert 'href="/subscriptions/mine/"' in html and "Mina prenumerationer" in html
    assert client.get("/subscriptions/mine/").status_code == 200
