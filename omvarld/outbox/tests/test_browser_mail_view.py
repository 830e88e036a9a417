"""A newcomer's laptop: no mail server, no network. Sign in by emailed link and confirm a
subscription, reading the mail in the administrators' mail view."""

import re

import pytest
from django.contrib.auth import get_user_model

from omvarld.accounts.roles import ADMIN, MEMBER, assign_role
from omvarld.demo.loader import load_demo
from omvarld.outbox.models import Message
from omvarld.subscriptions.models import Subscriber
from omvarld.subscriptions.tests.conftest import MINI

PASSWORD = "a-long-test-password-1"


def _offline(context, live_server):
    """Every request that is not to the site under test fails, as with no network."""
    context.route(re.compile(r"^(?!" + re.escape(live_server.url) + ").*"), lambda route: route.abort())


def _link_from_mail_view(admin, subject_part: str, path_part: str, shot: str) -> str:
    admin.goto("/outbox/")
    admin.get_by_role("link", name=re.compile(subject_part)).first.click()
    admin.screenshot(path=shot, full_page=True)
    return admin.locator(".mail-links a", has_text=path_part).first.get_attribute("href")


@pytest.mark.browser
def test_sign_in_and_confirm_through_the_mail_view(browser, live_server, transactional_db, settings, screenshot_dir):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {"host": "", "port": 25}}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = live_server.url  # what PORT gives a real server
    load_demo(MINI, with_users=False)
    users = get_user_model()
    assign_role(users.objects.create_user("admin", "admin@example.org", PASSWORD), ADMIN)
    assign_role(users.objects.create_user("eva", "eva@example.org", PASSWORD), MEMBER)

    newcomer_context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    admin_context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    for context in (newcomer_context, admin_context):
        _offline(context, live_server)
    eva, admin = newcomer_context.new_page(), admin_context.new_page()

    # Eva asks for a sign-in link; the page says it is coming, and nothing fails.
    eva.goto("/accounts/link/")
    eva.get_by_label("E-postadress").fill("eva@example.org")
    eva.get_by_role("button", name="Mejla mig en inloggningslänk").click()
    assert "inom kort" in eva.locator("main").inner_text()

    # The administrator reads the mail in the product and passes the link on.
    admin.goto("/accounts/login/")
    admin.get_by_label("Användarnamn").fill("admin")
    admin.get_by_label("Lösenord").fill(PASSWORD)
    admin.get_by_role("button", name="Logga in").click()
    admin.get_by_role("link", name="E-post").click()
    assert "EMAIL_HOST" in admin.locator("main").inner_text()
    link = _link_from_mail_view(admin, "Logga in", "/accounts/link/", f"{screenshot_dir}/mail-signin.png")
    assert admin.frame_locator("iframe.mail-html").locator("body").inner_text()  # the HTML part is shown

    eva.goto(link)
    eva.get_by_role("button", name="Logga in").click()
    assert eva.get_by_role("button", name="Logga ut").is_visible()

    # Eva follows everything from "What's new"; the confirmation is read the same way.
    eva.goto("/whats-new/")
    form = eva.locator("form.subscribe-form").first
    form.get_by_label("E-postadress").fill("eva@example.org")
    form.get_by_role("button").click()
    assert "inom kort" in eva.locator("main").inner_text()
    link = _link_from_mail_view(admin, "Bekräfta", "/subscriptions/confirm/", f"{screenshot_dir}/mail-confirm.png")
    eva.goto(link)
    eva.get_by_role("button").filter(has_text=re.compile("Ja")).click()
    eva.screenshot(path=f"{screenshot_dir}/mail-confirmed.png", full_page=True)
    assert Subscriber.objects.get(email="eva@example.org").status == "confirmed"
    assert set(Message.objects.values_list("status", flat=True)) == {"held"}
    newcomer_context.close()
    admin_context.close()
