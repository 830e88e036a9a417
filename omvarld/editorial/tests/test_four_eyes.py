"""#18 (9): with four eyes on, an editor cannot accept their own suggestion; another editor can."""

import pytest

from omvarld.editorial import actions
from omvarld.editorial.models import Suggestion

from .conftest import make_user
from .test_workflow import _accept_data, _suggest_item


@pytest.fixture
def own_suggestion(as_role, mini_map):
    client = as_role("editor")  # Eda the editor; Ann the administrator is a second reviewer
    assert _suggest_item(client).status_code == 302
    return client, Suggestion.objects.get()


def test_an_editor_cannot_accept_their_own_suggestion(own_suggestion):
    client, suggestion = own_suggestion
    assert actions.four_eyes_on()
    page = client.get(f"/editorial/review/{suggestion.pk}/").content.decode()
    assert f"/editorial/review/{suggestion.pk}/accept/" not in page
    response = client.post(f"/editorial/review/{suggestion.pk}/accept/", _accept_data(suggestion))
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.SUBMITTED and suggestion.result_item is None


def test_the_action_refuses_too_whatever_calls_it(own_suggestion, people):
    _client, suggestion = own_suggestion
    with pytest.raises(actions.NeedsSecondEditor):
        actions.accept_suggestion_as_item(editor=people["editor"], suggestion=suggestion, values={"title": "x"},
                                          themes=[], keywords=[], placements=[])
    assert Suggestion.objects.get().status == Suggestion.Status.SUBMITTED


def test_a_second_editor_accepts_it(own_suggestion, client, people):
    _client, suggestion = own_suggestion
    client.force_login(people["admin"])
    assert client.post(f"/editorial/review/{suggestion.pk}/accept/", _accept_data(suggestion)).status_code == 302
    assert Suggestion.objects.get().status == Suggestion.Status.ACCEPTED


def test_auto_is_off_with_a_single_editor_and_the_setting_decides(db, client, mini_map, settings):
    eda = make_user("solo", "editor")
    client.force_login(eda)
    _suggest_item(client)
    suggestion = Suggestion.objects.get()
    assert settings.FOUR_EYES == "auto" and not actions.four_eyes_on()
    settings.FOUR_EYES = "true"
    assert client.post(f"/editorial/review/{suggestion.pk}/accept/", _accept_data(suggestion)).status_code == 403
    settings.FOUR_EYES = "false"
    assert client.post(f"/editorial/review/{suggestion.pk}/accept/", _accept_data(suggestion)).status_code == 302
