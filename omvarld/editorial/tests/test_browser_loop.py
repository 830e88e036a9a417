"""The whole editorial loop in a real browser: a partner suggests, an editor asks for changes,
the partner revises, the editor accepts with themes, the item is on the entity page flagged new,
its history shows both versions, and restoring the first works."""

import re

import pytest
from playwright.sync_api import expect

from omvarld.core.models import Entity, InfoCategory, Item, Theme
from omvarld.editorial.models import Suggestion

from .conftest import PASSWORD


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    expect(page.locator(".nav")).to_contain_text(re.compile("Logga ut|Sign out"))


@pytest.mark.browser
def test_suggest_review_revise_accept_and_restore(page, browser, live_server, people, mini_map, mailoutbox):
    amsterdam = Entity.objects.get(slug="amsterdam")
    why = InfoCategory.objects.get(main_category__slug="cities", slug="why")
    climate = Theme.objects.get(slug="climate-neutrality")

    # The partner suggests a new item through the template.
    _sign_in(page, "per")
    page.goto("/editorial/suggest/")
    page.click("a[href='/editorial/suggest/new_item/']")
    page.fill("#id_title", "Amsterdam doughnut city portal")
    page.select_option("#id_type", "tool")
    page.fill("#id_url", "https://example.org/doughnut")
    page.fill("#id_summary", "A portal that tracks the doughnut model.")
    page.select_option("#id_entities", str(amsterdam.pk))
    page.click("main form button[type=submit]")
    expect(page.locator("main table")).to_contain_text("Amsterdam doughnut city portal")
    suggestion = Suggestion.objects.get()

    # The editor asks for changes.
    editor = browser.new_context(base_url=live_server.url, locale="sv-SE").new_page()
    _sign_in(editor, "eda")
    editor.goto("/editorial/")
    editor.click(f"a[href='/editorial/review/{suggestion.pk}/']")
    editor.fill("#id_comment", "Say what the portal measures.")
    editor.click("form[action$='/request-changes/'] button[type=submit]")
    expect(editor.locator(".messages")).to_be_visible()
    assert mailoutbox and "Say what the portal measures." in mailoutbox[-1].body

    # The partner sees the request, revises and resubmits.
    page.goto(f"/editorial/suggestions/{suggestion.pk}/")
    expect(page.locator("main")).to_contain_text("Say what the portal measures.")
    page.click(f"a[href='/editorial/suggestions/{suggestion.pk}/revise/']")
    expect(page.locator("#id_title")).to_have_value("Amsterdam doughnut city portal")
    page.fill("#id_summary", "A portal that measures social and ecological boundaries.")
    page.click("main form button[type=submit]")
    expect(page.locator("main")).to_contain_text("measures social and ecological boundaries")

    # The editor accepts it with a theme and a placement.
    editor.goto(f"/editorial/review/{suggestion.pk}/")
    expect(editor.locator("#id_item-summary")).to_have_value("A portal that measures social and ecological boundaries.")
    editor.check(f"input[name='item-themes'][value='{climate.pk}']")
    editor.fill("#id_item-placements", f"Amsterdam — {why.name_sv}")
    editor.fill("#id_item-commentary", "The **first** commentary.")
    editor.click("form[action$='/accept/'] button[type=submit]")
    expect(editor.locator(".messages")).to_contain_text("Amsterdam doughnut city portal")
    item = Item.objects.get(title="Amsterdam doughnut city portal")
    assert item.status == Item.Status.PUBLISHED and list(item.themes.all()) == [climate]

    # The item is on the entity page, flagged new.
    editor.goto("/entities/amsterdam/")
    card = editor.locator("#ic-why .item-card", has_text="Amsterdam doughnut city portal")
    expect(card.locator(".flag-new")).to_be_visible()

    # The editor changes the commentary; the history shows both versions.
    editor.goto(f"/editorial/items/{item.pk}/")
    editor.fill("#id_commentary", "The **second** commentary.")
    editor.click("main form.stack button[type=submit]:not([formaction])")
    expect(editor.locator(".messages")).to_be_visible()
    editor.goto(f"/editorial/history/item/{item.pk}/")
    revisions = editor.locator("section.revision")
    expect(revisions).to_have_count(2)
    expect(revisions.nth(0).locator("ins")).to_contain_text("second")
    expect(revisions.nth(0).locator("del")).to_contain_text("first")

    # Restoring the first version brings its commentary back, as a new version.
    revisions.nth(1).locator("button[type=submit]").click()
    expect(editor.locator("section.revision")).to_have_count(3)
    editor.goto(f"/items/{item.pk}/")
    expect(editor.locator(".commentary strong")).to_have_text("first")
    editor.context.close()
