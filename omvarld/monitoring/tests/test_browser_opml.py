"""An editor uploads a damaged subscription list in a real browser and reads the import report."""

import re

import pytest
from playwright.sync_api import expect

from omvarld.accounts.roles import assign_role
from omvarld.monitoring.models import Source
from omvarld.monitoring.tests.test_opml import FIXTURES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_shows_the_report(page, django_user_model, screenshot_dir):
    user = django_user_model.objects.create_user("redaktor", password="hemligt-lösen-42")
    assign_role(user, "editor")
    page.goto("/accounts/login/")
    page.fill("#id_username", "redaktor")
    page.fill("#id_password", "hemligt-lösen-42")
    page.click("main form button[type=submit]")
    expect(page.locator(".nav")).to_contain_text(re.compile("Logga ut|Sign out"))

    page.goto("/monitoring/opml/import/")
    page.set_input_files("#id_file", str(FIXTURES / "broken" / "broken-attributes.opml"))
    page.click("main form button[type=submit]")
    report = page.locator(".opml-report")
    expect(report).to_contain_text("11 flöden lades till.")
    expect(report).to_contain_text("0 flöden fanns redan.")
    expect(report).to_contain_text("1 rad kunde inte läsas.")
    expect(report.locator(".opml-problems li")).to_have_text(re.compile(r"^Rad 15 — En rad här kunde inte läsas"))
    page.screenshot(path=f"{screenshot_dir}/opml-report.png", full_page=True)
    assert Source.objects.count() == 11

    # The same list again: everything is already present.
    page.set_input_files("#id_file", str(FIXTURES / "broken" / "broken-attributes.opml"))
    page.click("main form button[type=submit]")
    expect(page.locator(".opml-report")).to_contain_text("11 flöden fanns redan.")
