"""WCAG 2.1 A/AA checks of the public pages with axe-core (vendored, version in vendor/) in Chromium."""

from pathlib import Path

import pytest

from omvarld.core.models import Item
from omvarld.demo.loader import DEMO_FILE, load_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def violations(page, url):
    response = page.goto(url)
    expected = 404 if "no-such-page" in url else 200
    assert response.status == expected, f"{url}: HTTP {response.status}"
    # Evaluated through the browser's debugging protocol, which the pages' Content-Security-Policy
    # (no inline script) does not govern; an injected <script> tag would be refused.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def test_public_pages_have_no_wcag_violations(page, transactional_db):
    load_demo(DEMO_FILE, with_users=False)
    item = Item.objects.filter(status="published").exclude(results="").first()
    urls = [
        "/", "/categories/cities/", "/categories/networks/", "/entities/amsterdam/", f"/items/{item.pk}/",
        "/search/?q=fjärrvärme", "/search/?type=report", "/whats-new/", "/themes/energy/", "/accounts/login/", "/no-such-page/",
    ]
    found = {url: violations(page, url) for url in urls}
    assert {u: v for u, v in found.items() if v} == {}


def test_english_pages_have_no_wcag_violations(browser, live_server, transactional_db):
    load_demo(DEMO_FILE, with_users=False)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    found = {url: violations(page, url) for url in ("/", "/entities/copenhagen/", "/search/?q=C40")}
    context.close()
    assert {u: v for u, v in found.items() if v} == {}


def test_the_checker_finds_violations(browser):
    # Guards the two tests above: a page with known faults must be reported.
    page = browser.new_page()
    page.set_content('<html><body><img src="x.png"><a href="/"></a><input type="text"></body></html>')
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a']}})")
    page.close()
    ids = {v["id"] for v in result["violations"]}
    assert {"image-alt", "html-has-lang", "link-name", "label"} <= ids


def test_backoffice_pages_have_no_wcag_violations(page, transactional_db):
    from django.contrib.auth import get_user_model

    from omvarld.accounts.roles import ADMIN, assign_role

    load_demo(DEMO_FILE, with_users=False)
    admin = get_user_model().objects.create_user("axe-admin", password="a-long-admin-password")
    assign_role(admin, ADMIN)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("axe-admin")
    page.locator("#id_password").fill("a-long-admin-password")
    page.locator("main button[type=submit]").first.click()
    urls = [
        "/editorial/", "/editorial/items/", "/editorial/items/new/", "/editorial/suggest/",
        "/editorial/suggest/trip_report/", "/editorial/trash/", "/news/inbox/", "/news/embed/",
        "/news/newsletters/", "/news/tips/new/", "/monitoring/sources/", "/monitoring/sources/add/",
        "/accounts/users/", "/subscriptions/mine/",
    ]
    found = {url: violations(page, url) for url in urls}
    assert page.locator("h1").count() >= 1
    assert {u: v for u, v in found.items() if v} == {}
