"""The review form (#10): the partner's reason becomes the commentary's draft, placement is a
searchable picker that works without script, a failed accept lists its errors at the top."""

import re

from omvarld.core.models import Entity, InfoCategory, Item
from omvarld.editorial.models import Suggestion
from omvarld.editorial.tests.test_workflow import _accept_data, _suggest_item


def _suggestion(as_role):
    _suggest_item(as_role("partner"), note="Göteborg planerar liknande skyfallsåtgärder.")
    return Suggestion.objects.get()


def test_the_partners_reason_is_carried_into_the_commentary(as_role, mini_map):
    suggestion = _suggestion(as_role)
    html = as_role("editor").get(f"/editorial/review/{suggestion.pk}/").content.decode()
    commentary = re.search(r'<textarea name="item-commentary"[^>]*>(.*?)</textarea>', html, flags=re.S).group(1)
    assert "Göteborg planerar liknande skyfallsåtgärder." in commentary


def test_placement_is_a_searchable_picker_not_a_long_list(as_role, mini_map):
    suggestion = _suggestion(as_role)
    html = as_role("editor").get(f"/editorial/review/{suggestion.pk}/").content.decode()
    assert '<select name="item-placements"' not in html
    assert re.search(r'<input type="text" name="item-placements_add" id="id_item-placements" list="id_item-placements-options"', html)
    assert '<datalist id="id_item-placements-options">' in html
    assert '<option value="Amsterdam — Varför staden är utvald"></option>' in html
    # The suggested entity is already chosen, as a ticked box.
    amsterdam = Entity.objects.get(slug="amsterdam")
    assert f'<input type="checkbox" name="item-placements" value="{amsterdam.pk}:0" checked>' in html


def test_a_typed_placement_line_is_accepted_without_script(as_role, mini_map):
    suggestion = _suggestion(as_role)
    client = as_role("editor")
    data = _accept_data(suggestion, **{"item-placements": [], "item-placements_add": ["köpenhamn — viktiga aktörer", ""]})
    response = client.post(f"/editorial/review/{suggestion.pk}/accept/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Item.objects.get(title=suggestion.data["title"])
    placement = item.placements.get()
    assert placement.entity.slug == "copenhagen"
    assert placement.info_category == InfoCategory.objects.get(main_category__slug="cities", slug="key-actors")


def test_a_failed_accept_shows_an_error_summary_linking_to_each_field(as_role, mini_map):
    suggestion = _suggestion(as_role)
    client = as_role("editor")
    data = _accept_data(suggestion, **{"item-title": "", "item-url": "not a link", "item-placements": [],
                                        "item-placements_add": ["Atlantis — nowhere"]})
    response = client.post(f"/editorial/review/{suggestion.pk}/accept/", data)
    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', html, flags=re.S).group(0)
    assert html.index('class="error-summary"') < html.index('class="two-col"')
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert {"id_item-title", "id_item-url", "id_item-placements"} <= set(links)
    for target in links:
        assert f'id="{target}"' in html
    assert "Atlantis — nowhere" in summary
    assert Suggestion.objects.get().status == Suggestion.Status.SUBMITTED
    assert not Item.objects.filter(title=suggestion.data["title"]).exists()


def test_a_typed_line_refines_the_suggested_entity(as_role, mini_map):
    suggestion = _suggestion(as_role)
    amsterdam = Entity.objects.get(slug="amsterdam")
    data = _accept_data(suggestion, **{"item-placements": [f"{amsterdam.pk}:0"],
                                        "item-placements_add": ["Amsterdam — Varför staden är utvald"]})
    response = as_role("editor").post(f"/editorial/review/{suggestion.pk}/accept/", data)
    assert response.status_code == 302
    placement = Item.objects.get(title=suggestion.data["title"]).placements.get()
    assert placement.entity == amsterdam and placement.info_category.slug == "why"
