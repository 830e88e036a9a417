"""The suggestion workflow through the product's own pages: suggest, ask for changes, revise,
accept, reject; contributors are told by email."""

from omvarld.core.models import Entity, InfoCategory, Item, Theme
from omvarld.editorial.models import Suggestion, SuggestionEvent
from omvarld.outbox.actions import deliver  # what a worker does with the outbox


def _suggest_item(client, **extra):
    amsterdam = Entity.objects.get(slug="amsterdam")
    data = {
        "title": "Rotterdam climate adaptation strategy", "type": "report", "url": "https://example.org/rdam",
        "source_name": "City of Rotterdam", "language": "en", "published_on": "2024-03-01",
        "summary": "How Rotterdam adapts to water.", "note": "", "entities": [amsterdam.pk], **extra,
    }
    return client.post("/editorial/suggest/new_item/", data)


def _accept_data(suggestion, **extra):
    amsterdam = Entity.objects.get(slug="amsterdam")
    why = InfoCategory.objects.get(main_category__slug="cities", slug="why")
    data = {
        "item-type": "report", "item-title": suggestion.data["title"], "item-url": suggestion.data["url"],
        "item-source_name": "City of Rotterdam", "item-language": "en", "item-published_on": "2024-03-01",
        "item-summary": suggestion.data["summary"], "item-commentary": "**Relevant** for Gothenburg.",
        "item-themes": [Theme.objects.get(slug="climate-neutrality").pk], "item-keywords": "water, adaptation",
        "item-placements": [f"{amsterdam.pk}:{why.pk}"], "item-version": "",
    }
    data.update(extra)
    return data


def test_partner_suggests_a_new_item_and_sees_its_state(as_role, mini_map):
    client = as_role("partner")
    response = _suggest_item(client)
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.status == Suggestion.Status.SUBMITTED and suggestion.author.username == "per"
    html = client.get("/editorial/suggestions/").content.decode()
    assert "Rotterdam climate adaptation strategy" in html and "Väntar på granskning" in html


def test_missing_and_malformed_fields_are_shown_next_to_the_field_and_input_is_kept(as_role, mini_map):
    client = as_role("partner")
    response = client.post("/editorial/suggest/new_item/", {"title": "Kept title <b>x</b>", "type": "report", "url": "not a url", "language": "en", "published_on": "2024-13-45"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Kept title &lt;b&gt;x&lt;/b&gt;" in html
    assert html.count('class="errorlist') >= 3  # summary missing, link and date malformed
    assert 'value="not a url"' in html
    assert not Suggestion.objects.exists()


def test_trip_report_checks_dates(as_role, mini_map):
    client = as_role("partner")
    response = client.post("/editorial/suggest/trip_report/", {
        "event_title": "Nordic Edge 2024", "starts_on": "2024-09-20", "ends_on": "2024-09-18",
        "participants": "Two of us", "learned": "Lots",
    })
    assert response.status_code == 400
    assert "Slutet ligger före början." in response.content.decode()


def test_editor_asks_for_changes_partner_revises_editor_accepts(client, people, mini_map, mailoutbox):
    client.force_login(people["partner"])
    _suggest_item(client)
    suggestion = Suggestion.objects.get()

    client.force_login(people["editor"])
    assert "Rotterdam climate" in client.get("/editorial/").content.decode()
    response = client.post(f"/editorial/review/{suggestion.pk}/request-changes/", {"comment": "Please add what it cost."})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.CHANGES_REQUESTED
    deliver()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["per@example.org"]
    assert "Please add what it cost." in mailoutbox[0].body
    assert mailoutbox[0].alternatives  # an HTML part too

    client.force_login(people["partner"])
    page = client.get(f"/editorial/suggestions/{suggestion.pk}/revise/").content.decode()
    assert "Please add what it cost." in page and 'value="Rotterdam climate adaptation strategy"' in page
    data = dict(suggestion.data, summary="How Rotterdam adapts to water. It cost 10 MEUR.", published_on="2024-03-01")
    data["entities"] = suggestion.data["entities"]
    assert client.post(f"/editorial/suggestions/{suggestion.pk}/revise/", data).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.SUBMITTED and "10 MEUR" in suggestion.data["summary"]

    client.force_login(people["editor"])
    response = client.post(f"/editorial/review/{suggestion.pk}/accept/", _accept_data(suggestion))
    assert response.status_code == 302, response.content.decode()
    suggestion.refresh_from_db()
    item = suggestion.result_item
    assert suggestion.status == Suggestion.Status.ACCEPTED
    assert item.status == Item.Status.PUBLISHED and item.published_at
    assert item.created_by == people["partner"]
    assert [t.slug for t in item.themes.all()] == ["climate-neutrality"]
    assert sorted(k.name for k in item.keywords.all()) == ["adaptation", "water"]
    assert item.placements.get().info_category.slug == "why"
    assert [e.action for e in suggestion.events.all()] == ["submitted", "changes_requested", "revised", "accepted"]
    deliver()
    assert len(mailoutbox) == 2 and mailoutbox[1].subject.startswith("Accepterat")

    html = client.get("/entities/amsterdam/").content.decode()
    section = html[html.index('id="ic-why"'):html.index('id="ic-key-actors"')]
    assert "Rotterdam climate adaptation strategy" in section and "flag-new" in section
    item_html = client.get(f"/items/{item.pk}/").content.decode()
    assert "<strong>Relevant</strong> for Gothenburg." in item_html


def test_rejecting_needs_a_reason_and_tells_the_contributor(as_role, people, mini_map, mailoutbox):
    client = as_role("partner")
    _suggest_item(client)
    suggestion = Suggestion.objects.get()
    client = as_role("editor")
    response = client.post(f"/editorial/review/{suggestion.pk}/reject/", {"reason": ""})
    assert response.status_code == 400 and 'class="errorlist' in response.content.decode()
    client.post(f"/editorial/review/{suggestion.pk}/reject/", {"reason": "Outside our scope."})
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.REJECTED
    deliver()
    assert "Outside our scope." in mailoutbox[-1].body
    # A decided suggestion cannot be decided again, nor revised.
    assert client.post(f"/editorial/review/{suggestion.pk}/accept/", _accept_data(suggestion)).status_code == 302
    assert Suggestion.objects.get().status == Suggestion.Status.REJECTED and not Item.objects.filter(title__startswith="Rotterdam").exists()


def test_accepting_with_invalid_form_keeps_input_and_changes_nothing(as_role, mini_map):
    client = as_role("partner")
    _suggest_item(client)
    suggestion = Suggestion.objects.get()
    client = as_role("editor")
    response = client.post(f"/editorial/review/{suggestion.pk}/accept/", _accept_data(suggestion, **{"item-placements": [], "item-title": "Edited title"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Edited title"' in html and 'class="errorlist' in html
    assert Suggestion.objects.get().status == Suggestion.Status.SUBMITTED
    assert not Item.objects.filter(title="Edited title").exists()


def test_new_entity_suggestion_becomes_an_entity(as_role, mini_map):
    client = as_role("partner")
    cities = Entity.objects.get(slug="amsterdam").main_category
    response = client.post("/editorial/suggest/new_entity/", {"name": "Vienna", "main_category": cities.pk, "country": "at", "website": "https://wien.gv.at", "why": "Social housing."})
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.data["country"] == "AT"
    client = as_role("editor")
    response = client.post(f"/editorial/review/{suggestion.pk}/accept/", {
        "entity-main_category": cities.pk, "entity-name_sv": "Wien", "entity-name_en": "Vienna", "entity-slug": "",
        "entity-country": "AT", "entity-priority": 2, "entity-summary_sv": "Socialt bostadsbyggande.",
    })
    assert response.status_code == 302, response.content.decode()
    entity = Entity.objects.get(slug="vienna")
    assert entity.name_sv == "Wien"
    assert Suggestion.objects.get().result_entity == entity


def test_trip_report_is_prefilled_for_the_editor(as_role, mini_map):
    client = as_role("partner")
    client.post("/editorial/suggest/trip_report/", {
        "event_title": "Nordic Edge 2024", "location": "Stavanger", "starts_on": "2024-09-18", "ends_on": "2024-09-20",
        "participants": "Anna and Bo", "learned": "Stavanger's data platform is open.", "contacts": "Smartbyen Stavanger",
        "opportunities": "Joint pilot on open data", "entities": [Entity.objects.get(slug="oslo").pk],
    })
    suggestion = Suggestion.objects.get()
    html = as_role("editor").get(f"/editorial/review/{suggestion.pk}/").content.decode()
    assert 'value="trip_report" selected' in html
    assert "Stavanger&#x27;s data platform is open." in html
    assert "**Vilka som åkte:** Anna and Bo" in html


def test_script_in_suggestions_is_shown_as_text(as_role, mini_map):
    client = as_role("partner")
    _suggest_item(client, title="<script>alert(1)</script>", summary="<img src=x onerror=alert(2)>")
    suggestion = Suggestion.objects.get()
    for c, url in ((client, f"/editorial/suggestions/{suggestion.pk}/"), (as_role("editor"), f"/editorial/review/{suggestion.pk}/")):
        html = c.get(url).content.decode()
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<img src=x" not in html


def test_events_are_appended_never_changed(as_role, mini_map):
    client = as_role("partner")
    _suggest_item(client)
    suggestion = Suggestion.objects.get()
    as_role("editor").post(f"/editorial/review/{suggestion.pk}/request-changes/", {"comment": "More please"})
    first = list(SuggestionEvent.objects.values_list("pk", "action", "comment"))
    as_role("editor").post(f"/editorial/review/{suggestion.pk}/reject/", {"reason": "No"})
    assert list(SuggestionEvent.objects.values_list("pk", "action", "comment"))[:2] == first


def test_accepted_trip_report_links_to_its_event_both_ways(as_role, mini_map):
    event = Item.objects.create(
        title="Nordic Edge Expo 2024", type=Item.Type.EVENT, status=Item.Status.PUBLISHED, starts_on="2024-09-18",
    )
    oslo = Entity.objects.get(slug="oslo")
    as_role("partner").post("/editorial/suggest/trip_report/", {
        "event_title": "Vi på Nordic Edge 2024", "event": event.pk, "location": "Stavanger", "starts_on": "2024-09-18",
        "participants": "Anna", "learned": "Öppna data i Stavanger.", "entities": [oslo.pk],
    })
    suggestion = Suggestion.objects.get()
    editor = as_role("editor")
    html = editor.get(f"/editorial/review/{suggestion.pk}/").content.decode()
    assert f'<option value="{event.pk}" selected>' in html
    response = editor.post(f"/editorial/review/{suggestion.pk}/accept/", {
        "item-type": "trip_report", "item-title": "Vi på Nordic Edge 2024", "item-language": "sv",
        "item-event": event.pk, "item-starts_on": "2024-09-18", "item-summary": "Öppna data i Stavanger.",
        "item-placements": [f"{oslo.pk}:0"], "item-version": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    report = Item.objects.get(type=Item.Type.TRIP_REPORT)
    assert report.event == event
    report_page = editor.get(f"/items/{report.pk}/").content.decode()
    assert "Rapport från" in report_page and f'href="/items/{event.pk}/"' in report_page
    event_page = editor.get(f"/items/{event.pk}/").content.decode()
    assert "Rapporter från evenemanget" in event_page and "Vi på Nordic Edge 2024" in event_page
