"""Sign-in by password (rate-limited) and by emailed one-time link; invitations and roles."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from omvarld.accounts.models import SignInLink
from omvarld.accounts.roles import EDITOR, PARTNER, assign_role, role_of
from omvarld.outbox.actions import deliver  # what a worker does with the outbox

PASSWORD = "a-long-test-password-1"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def per(db):
    user = get_user_model().objects.create_user("per", "per@example.org", PASSWORD)
    assign_role(user, PARTNER)
    return user


def _link(mail):
    return re.search(r"http://\S+/accounts/link/(\S+)/", mail.body).group(0).split("127.0.0.1:8000")[1]


def test_password_sign_in(client, per):
    response = client.post("/accounts/login/", {"username": "per", "password": PASSWORD, "next": "/editorial/"})
    assert response.status_code == 302 and response["Location"] == "/editorial/"


def test_wrong_password_keeps_the_user_name_and_says_so(client, per):
    response = client.post("/accounts/login/", {"username": "per", "password": "wrong"})
    assert response.status_code == 400 and 'value="per"' in response.content.decode()


def test_guessing_is_stopped_after_too_many_failures(client, per, settings):
    settings.SIGNIN_MAX_FAILURES = 3
    for _ in range(3):
        client.post("/accounts/login/", {"username": "per", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "per", "password": PASSWORD})
    assert response.status_code == 429 and "För många misslyckade försök" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_next_cannot_send_you_elsewhere(client, per):
    response = client.post("/accounts/login/", {"username": "per", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_sign_in_link_works_once(client, per, mailoutbox):
    response = client.post("/accounts/link/", {"email": "PER@example.org"})
    assert response.status_code == 200 and mailoutbox == []  # queued, not sent by the page
    deliver()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.subject.startswith("Logga in") and mail.alternatives
    url = _link(mail)
    assert "Logga in" in client.get(url).content.decode()  # a GET (a mail scanner) does not use it
    assert client.post(url).status_code == 302
    assert client.session["_auth_user_id"] == str(per.pk)
    client.logout()
    response = client.post(url)
    assert response.status_code == 410 and "redan använts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_link_expires(client, per, mailoutbox):
    client.post("/accounts/link/", {"email": "per@example.org"})
    deliver()
    SignInLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.post(_link(mailoutbox[0]))
    assert response.status_code == 410 and "gått ut" in response.content.decode()


def test_unknown_address_gets_the_same_answer_and_no_mail(client, db, mailoutbox):
    response = client.post("/accounts/link/", {"email": "nobody@example.org"})
    assert response.status_code == 200 and "Titta i din e-post" in response.content.decode()
    deliver()
    assert mailoutbox == []


def test_link_requests_are_rate_limited(client, per, settings, mailoutbox):
    settings.SIGNIN_MAX_FAILURES = 2
    for _ in range(2):
        client.post("/accounts/link/", {"email": "per@example.org"})
    assert client.post("/accounts/link/", {"email": "per@example.org"}).status_code == 429
    deliver()
    assert len(mailoutbox) == 2


def test_administrator_invites_a_user_who_signs_in_by_the_link(client, db, mailoutbox):
    admin = get_user_model().objects.create_user("ann", "ann@example.org", PASSWORD)
    assign_role(admin, "admin")
    client.force_login(admin)
    response = client.post("/accounts/users/invite/", {"email": "eva@example.org", "name": "Eva Berg", "role": EDITOR})
    assert response.status_code == 302
    eva = get_user_model().objects.get(email="eva@example.org")
    assert role_of(eva) == EDITOR and not eva.has_usable_password() and eva.first_name == "Eva"
    client.logout()
    deliver()
    assert client.post(_link(mailoutbox[0])).status_code == 302
    assert client.get("/editorial/").status_code == 200


def test_invite_form_errors_keep_input(client, per):
    admin = get_user_model().objects.create_user("ann", "ann@example.org", PASSWORD)
    assign_role(admin, "admin")
    client.force_login(admin)
    response = client.post("/accounts/users/invite/", {"email": "per@example.org", "name": "<script>x</script>", "role": "editor"})
    html = response.content.decode()
    assert response.status_code == 400 and "redan ett konto" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html


def test_administrator_changes_a_role(client, per):
    admin = get_user_model().objects.create_user("ann", "ann@example.org", PASSWORD)
    assign_role(admin, "admin")
    client.force_login(admin)
    assert "per@example.org" in client.get("/accounts/users/").content.decode()
    client.post(f"/accounts/users/{per.pk}/role/", {"role": EDITOR})
    per.refresh_from_db()
    assert role_of(per) == EDITOR and per.is_staff
    client.post(f"/accounts/users/{per.pk}/active/", {"active": "0"})
    per.refresh_from_db()
    assert not per.is_active
