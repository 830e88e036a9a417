"""The omni service in a real Chromium: follow from an entity page, open My feed, hide and save,
see the order change and the reasons; the trend radar with its charts in both languages; axe."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from omvarld.accounts.roles import assign_role
from omvarld.catalogue.tests.test_accessibility import violations
from omvarld.demo.loader import load_demo
from omvarld.personal import pool
from omvarld.personal.models import Mark, Profile
from omvarld.personal.tests.conftest import MINI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _stream():
    """The same recent entries as the unit tests' ``stream`` fixture, made outside pytest's fixture call."""
    import datetime as dt

    from django.utils import timezone

    from omvarld.core.models import Entity, Item, Theme
    from omvarld.personal.tests.conftest import add_entry, add_source

    Item.objects.filter(title="C40 annual report").update(updated_at=timezone.now() - dt.timedelta(days=2))
    c40, ams, cph = (Entity.objects.get(slug=s) for s in ("c40", "amsterdam", "copenhagen"))
    energy, climate = Theme.objects.get(slug="energy"), Theme.objects.get(slug="climate-neutrality")
    a, b, c = add_source("alpha"), add_source("beta"), add_source("gamma", priority=3)
    add_entry(a, "C40 mayors agree on clean construction", entities=[c40], themes=[climate])
    add_entry(b, "Copenhagen expands district heating with heat pumps", entities=[cph], themes=[energy])
    add_entry(c, "Amsterdam doughnut economics review published", entities=[ams])
    add_entry(c, "Football results of the weekend", days_ago=0.5)


@pytest.fixture
def member(transactional_db):
    load_demo(MINI, with_users=False)
    _stream()
    pool.build_pool()
    user = get_user_model().objects.create_user("mats", "mats@example.org", "a-long-member-password")
    assign_role(user, "member")
    Profile.objects.create(user=user, include_stream=True)
    return user


def sign_in(page):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("mats")
    page.locator("#id_password").fill("a-long-member-password")
    page.get_by_role("button", name="Logga in").click()


def feed_titles(page):
    return page.locator("#feed-list li.feed-entry h3").all_inner_texts()


def test_follow_open_feed_hide_save_and_see_the_order_change(page, member, screenshot_dir):
    sign_in(page)
    page.goto("/entities/c40/")
    page.get_by_role("button", name="Följ C40").click()
    expect(page.get_by_role("button", name="Följer")).to_be_visible()  # swapped in place by htmx
    page.get_by_role("link", name="Mitt flöde").click()
    expect(page.locator("h1")).to_have_text("Mitt flöde")
    first = page.locator("#feed-list li.feed-entry").first
    expect(first.locator(".reasons")).to_contain_text("Du följer C40")
    before = feed_titles(page)
    assert set(before[:2]) == {"C40 mayors agree on clean construction", "C40 annual report"}
    page.screenshot(path=f"{screenshot_dir}/feed-before.png", full_page=True)

    # Save the second entry: the button turns into "Sparad" without a reload.
    second = page.locator("#feed-list li.feed-entry").nth(1)
    second.get_by_role("button", name="Spara").click()
    expect(second.get_by_role("button", name="Sparad")).to_be_visible()
    # Hide the first: it gives way to a notice with an undo button.
    first.get_by_role("button", name="Dölj").click()
    expect(page.locator("#feed-list")).to_contain_text("Dold. Ditt flöde visar mindre sådant.")
    # "More like this" on the last entry re-ranks the list in place.
    last_title = before[-1]
    page.locator("#feed-list li.feed-entry", has_text=last_title).get_by_role("button", name="Mer sådant här").click()
    page.locator("#feed-list li.feed-entry", has_text=last_title).get_by_role("button", name="Mer sådant här").click()
    expect(page.locator("#feed-list li.feed-entry").first).not_to_have_text(before[0])
    page.reload()
    after = feed_titles(page)
    assert before[0] not in after  # hidden
    assert after.index(last_title) < before.index(last_title)  # moved up
    moved = page.locator("#feed-list li.feed-entry", has_text=last_title)
    expect(moved.locator(".reasons")).to_contain_text("Liknar det du sparat och läst")
    page.screenshot(path=f"{screenshot_dir}/feed-after.png", full_page=True)
    assert Mark.objects.filter(user=member, saved_at__isnull=False).count() == 1

    page.get_by_role("link", name="Läslista").click()
    expect(page.locator("main")).to_contain_text(before[1])
    page.goto("/following/")
    expect(page.locator("table.following")).to_contain_text("C40")
    page.screenshot(path=f"{screenshot_dir}/following.png", full_page=True)


def test_the_feed_works_without_javascript(browser, live_server, member):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", java_script_enabled=False)
    page = context.new_page()
    sign_in(page)
    page.goto("/entities/c40/")
    page.get_by_role("button", name="Följ C40").click()
    expect(page.get_by_role("button", name="Följer")).to_be_visible()
    page.goto("/feed/")
    title = feed_titles(page)[0]
    page.locator("#feed-list li.feed-entry").first.get_by_role("button", name="Dölj").click()
    expect(page.locator(".messages")).to_contain_text("Dold")
    assert title not in feed_titles(page)
    context.close()


def _planted_trends():
    import random

    from django.utils import timezone

    from omvarld.trends.compute import compute_trends
    from omvarld.trends.tests import test_trends as tt

    rnd = random.Random(7)
    now = timezone.now()
    sources = tt._sources(5)
    rows = [(s, w, " ".join(rnd.sample(tt.FILLER, 3))) for w in range(12) for s in sources for _ in range(4)]
    for week, n in ((3, 1), (2, 2), (1, 3), (0, 4)):
        rows += [(s, week, f"hydrogen buses {tt.FILLER[i]}") for s in sources[:3] for i in range(n)]
    tt._entries(rows, now)
    compute_trends(now=now)


def test_the_radar_in_both_languages_without_axe_violations(page, member, screenshot_dir):
    _planted_trends()
    page.goto("/trends/")
    expect(page.locator("h1")).to_have_text("Trendradar")
    expect(page.locator("ol.trends li").first).to_contain_text("hydrogen")
    assert page.locator("svg.sparkline").count() >= 1
    page.locator("ol.trends details summary").first.click()
    expect(page.locator("table.series").first).to_be_visible()
    page.screenshot(path=f"{screenshot_dir}/trends-sv.png", full_page=True)
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Trend radar")
    expect(page.locator("ol.trends li").first).to_contain_text("in 3 sources")
    page.screenshot(path=f"{screenshot_dir}/trends-en.png", full_page=True)
    found = {url: violations(page, url) for url in ("/trends/", "/trends/?weeks=52")}
    page.get_by_role("link", name="Svenska").click()
    sign_in(page)
    page.goto("/entities/c40/")
    page.get_by_role("button", name="Följ C40").click()
    page.goto("/feed/saved/")
    found |= {url: violations(page, url) for url in ("/feed/", "/following/", "/feed/saved/", "/entities/c40/", "/trends/", "/themes/energy/")}
    assert {u: v for u, v in found.items() if v} == {}
