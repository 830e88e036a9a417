"""The world map and the relationship graph in a real Chromium: filter the map, open a place,
focus the graph on Amsterdam and export it, the same by keyboard alone, no request leaving the
site, and no WCAG violation found by axe."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from omvarld.accounts.roles import EDITOR, assign_role
from omvarld.catalogue.tests.browser import axe_violations, wait_until
from omvarld.core.models import EntityRelation
from omvarld.demo.loader import DEMO_FILE, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




@pytest.fixture
def demo_map(transactional_db):
    return load_demo(DEMO_FILE, with_users=False)


@pytest.fixture
def requests_seen(page):
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    return seen


LOOPBACK = {"127.0.0.1", "localhost"}  # the test server's own address


def assert_all_local(seen):
    """Every request the page made went to the site itself, on the loopback address."""
    hosts = {urlparse(u).hostname for u in seen if not u.startswith(("data:", "blob:"))}
    assert seen and len(hosts) == 1 and hosts <= LOOPBACK, hosts


def wait_map(page):
    page.wait_for_selector("#map[data-ready=true]")
    page.wait_for_selector(".atlas-marker, .atlas-cluster")



def tab_to(page, predicate_js: str, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies the predicate (a JS expression over `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!(el && ({predicate_js})); }})()"):
            return
    raise AssertionError(f"never reached by Tab: {predicate_js}")


def test_filter_the_map_and_open_a_place(page, demo_map, requests_seen, screenshot_dir):
    page.goto("/map/")
    wait_map(page)
    everywhere = int(page.locator("#map").get_attribute("data-places"))
    assert everywhere > 100
    # The basemap is drawn from the shipped Natural Earth outlines, without tiles.
    land = page.evaluate("""() => {
        const c = document.querySelector('#map canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) { if (d[i] === 246 && d[i + 1] === 243 && d[i + 2] === 234) n++; }
        return n;
    }""")
    assert land > 10_000  # pixels of land drawn in the outlines' fill colour
    assert page.locator(".leaflet-tile").count() == 0
    page.screenshot(path=f"{screenshot_dir}/atlas-map.png", full_page=True)

    page.locator("#f-region").select_option("asia")
    page.locator("#map-filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"region=asia"))
    wait_map(page)
    in_asia = int(page.locator("#map").get_attribute("data-places"))
    assert 3 <= in_asia < everywhere
    rows = page.locator(".place-table tbody tr")
    expect(rows).to_have_count(in_asia)
    expect(page.locator(".place-table")).to_contain_text("Singapore")
    expect(page.locator(".place-table")).not_to_contain_text("Amsterdam")

    page.locator('.atlas-marker[title="Singapore"]').click()
    card = page.locator("#place-card")
    expect(card.locator("h2")).to_have_text("Singapore")
    expect(card).to_contain_text("Städer")
    assert card.locator(".latest li").count() >= 1
    expect(card.locator("a[href='/entities/singapore/']").first).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/atlas-map-card.png", full_page=True)
    card.locator("a.button").click()
    expect(page.locator("h1")).to_have_text("Singapore")
    assert_all_local(requests_seen)


def test_events_layer(page, demo_map, requests_seen, screenshot_dir):
    page.goto("/map/?events=1")
    wait_map(page)
    events = page.locator(".atlas-event")
    assert events.count() >= 3
    expect(page.locator("#events-h")).to_be_visible()
    # Two editions of one event share a place, so one marker covers the other: click it directly.
    events.first.dispatch_event("click")
    expect(page.locator("#place-card .meta")).to_contain_text("Evenemang")
    page.screenshot(path=f"{screenshot_dir}/atlas-map-events.png")
    assert_all_local(requests_seen)


def test_map_by_keyboard_alone(page, demo_map, requests_seen):
    page.goto("/map/?region=asia")
    wait_map(page)
    tab_to(page, "el.classList.contains('atlas-marker') && el.title === 'Singapore'")
    page.keyboard.press("Enter")
    expect(page.locator("#place-card h2")).to_have_text("Singapore")
    assert page.evaluate("document.activeElement.id") == "card-h"
    tab_to(page, "el.matches('#place-card a.button')", limit=10)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Singapore")

    # A cluster opens (zooms in) with Enter too.
    page.goto("/map/")
    wait_map(page)
    before = page.locator(".atlas-marker").count()
    tab_to(page, "el.classList.contains('atlas-cluster')")
    page.keyboard.press("Enter")
    wait_until(page, f"document.querySelectorAll('.atlas-marker').length > {before}")
    assert_all_local(requests_seen)


def test_focus_the_graph_on_amsterdam_and_export(page, demo_map, requests_seen, screenshot_dir):
    page.goto("/graph/")
    page.wait_for_selector("#graph[data-ready=true]")
    page.locator("#g-q").fill("Amsterdam")
    page.locator("#g-q").press("Enter")
    page.locator("section[aria-labelledby=matches-h] a", has_text=re.compile("^Amsterdam$")).click()
    expect(page).to_have_url(re.compile(r"focus=amsterdam"))
    page.wait_for_selector("#graph[data-ready=true]")
    expect(page.locator("h1")).to_contain_text("Amsterdam")
    nodes = int(page.locator("#graph").get_attribute("data-nodes"))
    assert nodes == EntityRelation.objects.filter(source__slug="amsterdam").count() + EntityRelation.objects.filter(target__slug="amsterdam").count() + 1
    expect(page.locator(".relation-table")).to_contain_text("C40")
    page.screenshot(path=f"{screenshot_dir}/atlas-graph-amsterdam.png", full_page=True)

    page.locator("#g-depth").select_option("2")
    page.locator("#graph-filters button[type=submit]").click()
    page.wait_for_selector("#graph[data-ready=true]")
    assert int(page.locator("#graph").get_attribute("data-nodes")) > nodes

    with page.expect_download() as info:
        page.get_by_role("link", name="GraphML").click()
    root = ET.parse(info.value.path()).getroot()
    names = {d.text for d in root.iter("{http://graphml.graphdrawing.org/xmlns}data") if d.get("key") == "name"}
    assert "Amsterdam" in names and any(n.startswith("C40") for n in names)
    with page.expect_download() as info:
        page.get_by_role("link", name="JSON").click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert data["focus"] == "amsterdam" and len(data["nodes"]) > nodes
    assert_all_local(requests_seen)


def test_graph_by_keyboard_alone(page, demo_map, requests_seen):
    page.goto("/graph/")
    tab_to(page, "el.id === 'g-q'")
    page.keyboard.type("Amsterdam")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=Amsterdam"))
    tab_to(page, "el.closest('section[aria-labelledby=matches-h]') && el.textContent.trim() === 'Amsterdam'")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"focus=amsterdam"))
    page.wait_for_selector("#graph[data-ready=true]")
    # Move to a neighbour through the list of entries beside the picture; it is highlighted there.
    tab_to(page, "el.matches('.node-list a') && el.textContent.trim() === 'C40 Cities'")
    assert page.evaluate("window.atlasGraph.getElementById(document.activeElement.dataset.node).hasClass('highlight')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"focus=c40"))
    page.wait_for_selector("#graph[data-ready=true]")
    tab_to(page, "el.textContent.trim() === 'GraphML'")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert b"<graphml" in Path(info.value.path()).read_bytes()
    assert_all_local(requests_seen)


def test_editor_adds_a_relation_from_the_graph(page, demo_map, screenshot_dir):
    user = get_user_model().objects.create_user("graph-editor", password="a-long-editor-password")
    assign_role(user, EDITOR)
    page.goto("/accounts/login/?next=/graph/%3Ffocus%3Dumea")
    page.locator("#id_username").fill("graph-editor")
    page.locator("#id_password").fill("a-long-editor-password")
    page.locator("main button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/graph/\?focus=umea"))
    page.locator("#r-kind").select_option("partner_in")
    page.locator("#r-target").fill("Amsterdam")
    page.locator("#r-note").fill("Heat exchange")
    page.locator("#add-relation button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Amsterdam")
    expect(page.locator(".relation-table")).to_contain_text("Heat exchange")
    assert EntityRelation.objects.filter(source__slug="umea", kind="partner_in", target__slug="amsterdam").exists()
    page.screenshot(path=f"{screenshot_dir}/atlas-graph-added.png", full_page=True)
    assert axe_violations(page) == []


def test_map_and_graph_pages_have_no_wcag_violations(page, demo_map):
    found = {}
    page.goto("/map/?events=1")
    wait_map(page)
    page.locator(".atlas-marker").first.click()
    page.wait_for_selector("#place-card h2")
    found["/map/"] = axe_violations(page)
    page.goto("/map/?region=nope")
    found["/map/?region=nope"] = axe_violations(page)
    for url in ("/graph/", "/graph/?focus=amsterdam&depth=2", "/graph/?q=stock", "/entities/amsterdam/"):
        page.goto(url)
        page.wait_for_selector("[data-ready=true]")
        found[url] = axe_violations(page)
    assert {u: v for u, v in found.items() if v} == {}
