"""An editor's morning on a fresh site with the demo loaded and no network (#10): triage the demo
inbox (tags and "also reported by" in view), pick an entry, write and publish the notice, see it
in the news stream."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from omvarld.demo.tests.conftest import load_full_demo
from omvarld.monitoring.models import Entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _offline(context, requests_elsewhere):
    """Every request that leaves this machine is refused and remembered."""

    def handle(route):
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            requests_elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", handle)


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"omvarld-{username}")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("header")).to_contain_text("Logga ut")


def test_editor_triages_the_demo_inbox_and_publishes(page, transactional_db, screenshot_dir):
    load_full_demo()
    elsewhere = []
    _offline(page.context, elsewhere)
    _sign_in(page, "editor")

    page.goto("/news/inbox/")
    entries = page.locator("ol.inbox > li.entry")
    assert entries.count() >= 40
    # Tags and the cluster are on the row, without opening anything.
    first = entries.first
    expect(first.locator(".entry-tags li").first).to_be_visible()
    clustered = page.locator("ol.inbox > li.entry", has=page.locator("p.cluster")).first
    expect(clustered.locator("p.cluster")).to_contain_text("Även rapporterad av")
    expect(clustered.locator(".entry-tags li.entity").first).to_be_visible()
    expect(page.locator("ol.inbox li.entry.tip").first).to_contain_text("Tips")
    # The language filter is a list of the languages present.
    options = page.locator("#i-lang option").all_inner_texts()
    assert any("(sv)" in o for o in options) and any("(en)" in o for o in options)
    page.screenshot(path=f"{screenshot_dir}/demo-inbox.png")

    title = clustered.locator("a.entry-link").inner_text()
    entry = Entry.objects.get(pk=int(clustered.get_attribute("id").removeprefix("entry-")))
    assert entry.title == title and entry.cluster_id and entry.status == Entry.Status.NEW
    clustered.locator("button.pick").click()
    expect(page).to_have_url(re.compile(rf"/news/notices/new/\?entry={entry.pk}$"))
    expect(page.locator("#id_title")).to_have_value(title)

    # Until the notice is out, the entry waits in the inbox as picked.
    page.goto("/news/inbox/")
    waiting = page.locator(f"#picked-{entry.pk}")
    expect(waiting).to_contain_text("Vald")
    expect(waiting.locator(".entry-tags li").first).to_be_visible()
    waiting.get_by_role("link", name="Skriv notisen").click()

    page.fill("#id_commentary", "Relevant för svenska städer som bygger om sina gator.")
    page.locator("form.notice-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("publicerad")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PUBLISHED

    page.goto("/news/inbox/")
    expect(page.locator(f"#picked-{entry.pk}")).to_have_count(0)
    expect(page.locator(f"#entry-{entry.pk}")).to_have_count(0)

    page.goto("/news/")
    card = page.locator(".notice-card").first
    expect(card).to_contain_text(title)
    expect(card).to_contain_text("Relevant för svenska städer som bygger om sina gator.")
    page.screenshot(path=f"{screenshot_dir}/demo-stream.png", full_page=True)
    assert elsewhere == []
