"""#18 (4, 5): sign-in limits count the name that authenticates, and cannot lock out others."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from omvarld.accounts.roles import EDITOR, assign_role
from omvarld.lib.client import client_ip

PASSWORD = "a-long-test-password-1"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user("editor", "editor@example.org", PASSWORD)
    assign_role(user, EDITOR)
    return user


def _login(client, username, password, ip="203.0.113.7", **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


@pytest.mark.parametrize("variant", [" editor", "editor ", "\u2003editor", "EDITOR", "ｅｄｉｔｏｒ"])
def test_a_locked_name_stays_locked_whatever_its_spelling(client, editor, settings, variant):
    settings.SIGNIN_MAX_FAILURES = 3
    for _ in range(3):
        assert _login(client, "editor", "wrong").status_code == 400
    response = _login(client, variant, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_with_made_up_names_do_not_lock_out_a_real_user_at_that_address(client, editor):
    for n in range(30):
        assert _login(client, f"nobody{n}", "guess").status_code == 400
    response = _login(client, "editor", PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(editor.pk)


def test_an_attacker_elsewhere_does_not_lock_out_the_account_below_the_account_limit(client, editor, settings):
    settings.SIGNIN_MAX_FAILURES = 3
    settings.SIGNIN_MAX_ACCOUNT_FAILURES = 10
    for _ in range(5):
        _login(client, "editor", "wrong", ip="198.51.100.9")
    assert _login(client, "editor", PASSWORD, ip="198.51.100.9").status_code == 429
    assert _login(client, "editor", PASSWORD, ip="203.0.113.7").status_code == 302  # the real user, elsewhere


def test_many_addresses_guessing_one_account_are_stopped(client, editor, settings):
    settings.SIGNIN_MAX_FAILURES = 3
    settings.SIGNIN_MAX_ACCOUNT_FAILURES = 6
    for n in range(6):
        _login(client, "editor", "wrong", ip=f"198.51.100.{n + 1}")
    assert _login(client, "editor", PASSWORD, ip="203.0.113.7").status_code == 429


def test_behind_a_proxy_each_client_is_counted_apart(client, editor, settings):
    settings.SIGNIN_MAX_FAILURES = 3
    settings.TRUSTED_PROXIES = 1
    for _ in range(3):
        _login(client, "editor", "wrong", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert _login(client, "editor", PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9").status_code == 429
    assert _login(client, "editor", PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 302


def _request(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_client_address_without_a_proxy_ignores_the_header(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_ip(_request("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


def test_client_address_behind_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_ip(_request("10.0.0.2", "203.0.113.7")) == "203.0.113.7"
    # what the client wrote itself, left of what the proxy appended, is not believed
    assert client_ip(_request("10.0.0.2", "1.2.3.4, 203.0.113.7")) == "203.0.113.7"
    settings.TRUSTED_PROXIES = 2
    assert client_ip(_request("10.0.0.3", "1.2.3.4, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"
    # a junk header falls back to the connection's address
    settings.TRUSTED_PROXIES = 1
    assert client_ip(_request("10.0.0.2", "not-an-address")) == "10.0.0.2"
    assert client_ip(_request("10.0.0.2", "")) == "10.0.0.2"
