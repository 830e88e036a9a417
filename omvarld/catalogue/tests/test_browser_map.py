"""The map's user story in a real Chromium: choose a category, open a city, read an item, search,
filter, see new flags, switch language; and an administrator extends the taxonomy without code."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from omvarld.accounts.roles import ADMIN, assign_role
from omvarld.demo.loader import DEMO_FILE, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_map(transactional_db):
    return load_demo(DEMO_FILE, with_users=False)


def test_visitor_walks_the_map(page, demo_map, screenshot_dir):
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Omvärldsbevakningskartan")
    for name in ("Städer", "Nätverk", "Organisationer", "Projekt"):
        expect(page.locator(".tiles")).to_contain_text(name)
    page.get_by_role("link", name=re.compile("^Städer")).click()
    expect(page.locator("h1")).to_have_text("Städer")
    page.get_by_role("link", name="Amsterdam", exact=True).click()
    expect(page.locator("h1")).to_have_text("Amsterdam")
    headings = page.locator("section.infocat h2").all_inner_texts()
    assert headings[:2] == ["Varför staden är utvald", "Viktiga aktörer"] or len(headings) >= 5
    assert len(headings) >= 5
    page.screenshot(path=f"{screenshot_dir}/entity-amsterdam.png", full_page=True)

    first_item = page.locator("section.infocat .item-card h3 a").first
    title = first_item.inner_text()
    first_item.click()
    expect(page.locator("h1")).to_contain_text(title.split(" Ny")[0][:20])
    expect(page.locator("#h-sum")).to_have_text("Sammanfattning")
    page.screenshot(path=f"{screenshot_dir}/item.png", full_page=True)

    # Search from the header box: the exact entity name ranks first.
    page.locator("#quick-q").fill("C40")
    page.locator("#quick-q").press("Enter")
    expect(page.locator("#h-ent")).to_be_visible()
    first_entity = page.locator("#results .entity-list h3").first
    expect(first_entity).to_have_text(re.compile(r"^C40"))
    expect(page.locator("#results mark").first).to_be_visible()

    for query in ("district heating", "fjärrvärme"):
        page.goto("/search/?q=" + query)
        count = page.locator("#h-items").inner_text()
        assert int(count.split()[0]) >= 1, f"{query}: {count}"
        page.screenshot(path=f"{screenshot_dir}/search-{query.split()[0]}.png", full_page=True)

    # Filters apply (with htmx swapping the results, and as a plain form without it).
    page.goto("/search/")
    total = int(page.locator("#h-items").inner_text().split()[0])
    page.locator("#f-type").select_option("report")
    expect(page).to_have_url(re.compile(r"type=report"))
    filtered = int(page.locator("#h-items").inner_text().split()[0])
    assert 0 < filtered < total
    page.locator("#f-lang").select_option("en")
    expect(page).to_have_url(re.compile(r"lang=en"))
    for card in page.locator("#results .item-card .type").all_inner_texts():
        assert card == "Rapport"

    # What's new flags.
    page.goto("/whats-new/")
    expect(page.locator(".flag").first).to_be_visible()

    # Switch to English and back.
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="What's new")).to_be_visible()
    page.goto("/entities/amsterdam/")
    expect(page.locator("section.infocat h2").first).to_have_text("Why the city was chosen")
    page.get_by_role("link", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_reading_works_without_javascript(browser, live_server, demo_map):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    page.goto("/search/?q=Amsterdam")
    expect(page.locator("#results .entity-list h3").first).to_have_text("Amsterdam")
    page.locator("#f-type").select_option("report")
    page.locator("#search-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"type=report"))
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    context.close()


def test_keyboard_reaches_the_skip_link_and_search(page, demo_map):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_administrator_extends_the_taxonomy_in_the_ui(page, demo_map, screenshot_dir):
    admin = get_user_model().objects.create_user("boss", password="a-long-admin-password")
    assign_role(admin, ADMIN)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("boss")
    page.locator("#id_password").fill("a-long-admin-password")
    page.get_by_role("button", name="Logga in").click()

    page.goto("/admin/core/maincategory/add/")
    page.locator("#id_name_sv").fill("Testbäddar")
    page.locator("#id_name_en").fill("Testbeds")
    page.locator("#id_slug").fill("testbeds")
    page.locator("#id_order").fill("9")
    page.locator("#id_info_categories-0-name_sv").fill("Vad som testas")
    page.locator("#id_info_categories-0-name_en").fill("What is tested")
    page.locator("#id_info_categories-0-slug").fill("what")
    page.locator("#id_info_categories-0-order").fill("1")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()

    page.goto("/admin/core/entity/add/")
    page.locator("#id_main_category").select_option(label="Testbäddar")
    page.locator("#id_name_sv").fill("Ängens testbädd")
    page.locator("#id_name_en").fill("Meadow testbed")
    page.locator("#id_slug").fill("meadow-testbed")
    page.locator("#id_summary_sv").fill("En testbädd för smarta ängar.")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()

    page.goto("/")
    page.get_by_role("link", name=re.compile("^Testbäddar")).click()
    page.get_by_role("link", name="Ängens testbädd").click()
    expect(page.locator("section.infocat h2").first).to_have_text("Vad som testas")
    page.screenshot(path=f"{screenshot_dir}/admin-added-entity.png", full_page=True)
    page.goto("/search/?q=ängar")
    expect(page.locator("#results .entity-list")).to_contain_text("Ängens testbädd")
