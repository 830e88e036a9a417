"""Error pages look like the site, in Swedish and in English."""

import pytest
from django.test import Client
from django.urls import path

from omvarld import urls as site_urls
from omvarld.catalogue import views


def _boom(request):
    raise RuntimeError("on fire")


def _suspicious(request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("bad header")


urlpatterns = site_urls.urlpatterns + [path("test-boom/", _boom), path("test-bad/", _suspicious)]
handler400, handler403, handler404, handler500 = site_urls.handler400, site_urls.handler403, site_urls.handler404, site_urls.handler500


@pytest.fixture
def errors_urls(settings):
    settings.ROOT_URLCONF = __name__


@pytest.mark.parametrize("language, texts", [
    ("sv", {400: "Felaktig begäran", 403: "Inte tillåtet", 404: "Sidan finns inte", 500: "Något gick fel"}),
    ("en", {400: "Bad request", 403: "Not allowed", 404: "Page not found", 500: "Something went wrong"}),
])
def test_error_pages_are_styled_and_translated(db, errors_urls, language, texts):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    answers = {400: client.get("/test-bad/"), 403: client.get("/outbox/", follow=False), 404: client.get("/no-such-page/"), 500: client.get("/test-boom/")}
    member = __import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model().objects.create_user("m", "m@example.org", "x-long-password-1")
    client.force_login(member)
    answers[403] = client.get("/outbox/")
    for status, response in answers.items():
        html = response.content.decode()
        assert response.status_code == status
        assert texts[status] in html, status
        assert 'class="site-header"' in html and f'<html lang="{language}">' in html
        assert "on fire" not in html


def test_csrf_failure_is_a_styled_page(db):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="sv")
    response = client.post("/accounts/link/", {"email": "x@example.org"})
    assert response.status_code == 403 and "Formuläret hade gått ut" in response.content.decode()


def test_too_many_requests_page(rf, db):
    request = rf.get("/", HTTP_ACCEPT_LANGUAGE="en")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = views.too_many_requests(request)
    assert response.status_code == 429 and "För många förfrågningar" in response.content.decode()  # no locale middleware here: the default


def test_server_error_page_survives_a_broken_database(rf, monkeypatch):
    monkeypatch.setattr(views, "render", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("db down")))
    response = views.server_error(rf.get("/"))
    assert response.status_code == 500 and "Något gick fel" in response.content.decode()
