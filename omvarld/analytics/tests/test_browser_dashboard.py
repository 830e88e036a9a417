"""The dashboard in a real Chromium, in Swedish and English: charts drawn, axe finds nothing."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from omvarld.analytics.actions import rebuild_months
from omvarld.analytics.models import DailyCount, DailyTotal, Kind
from omvarld.analytics.tests.conftest import make_user
from omvarld.catalogue.tests.browser import axe_violations, wait_until
from omvarld.core.models import Entity, Item
from omvarld.demo.loader import load_demo

from .conftest import MINI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def fill_figures():
    load_demo(MINI, with_users=False)
    today = timezone.localdate()
    entities = list(Entity.objects.all())
    items = list(Item.objects.filter(status="published"))
    for d in range(30):
        day = today - dt.timedelta(days=d)
        DailyTotal.objects.create(day=day, kind=Kind.VISITS, count=100 + d * 3, visitors=40 + d)
        DailyTotal.objects.create(day=day, kind=Kind.OUT, count=10 + d % 7)
        DailyTotal.objects.create(day=day, kind=Kind.SEARCH, count=20 + d % 5)
        for i, e in enumerate(entities):
            DailyCount.objects.create(day=day, kind=Kind.VIEW_ENTITY, target=f"entity:{e.pk}", count=5 + i)
        for i, it in enumerate(items):
            DailyCount.objects.create(day=day, kind=Kind.OUT, target=f"item:{it.pk}", detail=f"site{i}.example", count=1 + i)
        DailyCount.objects.create(day=day, kind=Kind.SEARCH_EMPTY, detail="vätgas", count=2)
        DailyCount.objects.create(day=day, kind=Kind.FOLLOW, target=f"entity:{entities[0].pk}", count=1)
        DailyCount.objects.create(day=day, kind=Kind.SUBSCRIBE, target="everything", count=1)
    rebuild_months()


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "x-long-password-1")
    page.click("main button[type=submit]")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_dashboard_draws_charts_and_passes_axe(browser, live_server, screenshot_dir, language):
    fill_figures()
    make_user("edith", "editor")
    context = browser.new_context(base_url=live_server.url, locale="sv-SE" if language == "sv" else "en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, "edith")
    response = page.goto("/analytics/?period=30d")
    assert response.status == 200
    heading = {"sv": "Analys", "en": "Analytics"}[language]
    assert page.locator("h1").inner_text() == heading
    wait_until(page, "() => window.Chart && Object.keys(Chart.instances).length >= 5")
    drawn = page.evaluate("() => Object.values(Chart.instances).map(c => c.canvas.id)")
    assert "over-time-chart" in drawn and "top-entities-chart" in drawn and "follows-chart" in drawn
    assert errors == []
    page.screenshot(path=os.path.join(screenshot_dir, f"analytics-dashboard-{language}.png"), full_page=True)
    for section in ("over-time", "top-entities", "follows"):
        page.locator(f"#{section}").screenshot(path=os.path.join(screenshot_dir, f"analytics-{section}-{language}.png"))
    assert axe_violations(page) == []
    context.close()
