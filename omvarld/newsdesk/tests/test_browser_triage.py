"""An editor triages the inbox with the keyboard and publishes a notice that visitors then find."""

import pytest

from omvarld.monitoring.models import Entry


@pytest.mark.browser
def test_keyboard_triage_to_published_notice(transactional_db, page, live_server, mini_map, editor, make_entry):
    make_entry("Alpha: Amsterdam opens a materials bank", 0.9, text="Amsterdam opens a bank for reused building materials. It is the first in Europe.")
    make_entry("Beta: minor council note", 0.8)
    make_entry("Gamma: unrelated sports result", 0.7)

    page.goto("/accounts/login/")
    page.fill("input[name=username]", "edith")
    page.fill("input[name=password]", "pw-edith")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.goto("/news/inbox/")

    def focused_title():
        return page.evaluate("document.activeElement.querySelector('.entry-link').textContent")

    assert focused_title().startswith("Alpha")
    page.keyboard.press("j")
    assert focused_title().startswith("Beta")
    with page.expect_navigation():
        page.keyboard.press("d")
    page.keyboard.press("j")
    assert focused_title().startswith("Gamma")
    with page.expect_navigation():
        page.keyboard.press("d")
    assert focused_title().startswith("Alpha")
    page.keyboard.press("p")
    page.wait_for_url("**/news/notices/new/?entry=*")

    assert page.input_value("#id_title").startswith("Alpha")
    assert "reused building materials" in page.input_value("#id_summary")
    page.fill("#id_commentary", "Ett exempel för svenska kommuner.")
    page.get_by_role("button", name="Publicera").click()
    page.wait_for_url("**/items/*/")

    statuses = dict(Entry.objects.values_list("title", "status"))
    assert statuses == {
        "Alpha: Amsterdam opens a materials bank": "published",
        "Beta: minor council note": "discarded",
        "Gamma: unrelated sports result": "discarded",
    }
    page.goto("/news/")
    assert page.get_by_role("link", name="Alpha: Amsterdam opens a materials bank").is_visible()
    feed = page.request.get(live_server.url + "/news/feed.atom").text()
    assert "Alpha: Amsterdam opens a materials bank" in feed and "svenska kommuner" in feed
