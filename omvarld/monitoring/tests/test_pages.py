"""Editor pages: access, adding sources (with discovery), health, pause/resume, OPML."""

import pytest
from django.urls import reverse

from omvarld.accounts.roles import assign_role
from omvarld.monitoring.models import Source
from omvarld.monitoring.tests.test_sources import fetch, make_source, rss
from omvarld.runtime.tests.utils import run_queued

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("ed", password="pw")
    assign_role(user, "editor")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def test_pages_are_for_editors_only(client, django_user_model):
    assert client.get(reverse("monitoring:sources")).status_code == 302
    member = django_user_model.objects.create_user("m", password="pw")
    assign_role(member, "member")
    client.force_login(member)
    assert client.get(reverse("monitoring:sources")).status_code == 403
    assert client.post(reverse("monitoring:opml-import")).status_code == 403


def test_add_feed_by_site_url_discovers_the_feed(client, editor, loopback, server, vocab):
    feed = server.add("/feed.xml", rss({"title": "Hi", "link": "https://e.org/1", "guid": "1", "body": "x"}))
    site = server.add("/", b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>Hi</body></html>',
                      content_type="text/html")
    response = client.post(reverse("monitoring:source-add"), {"kind": "feed", "url": site, "priority": 1, "entities": [vocab["eurocities"].pk]})
    # The request only queues the work (#18): nothing is fetched or stored until a worker runs it.
    assert response.status_code == 302 and response["Location"].startswith("/checks/")
    assert not Source.objects.exists()
    assert "Checking" in client.get(response["Location"]).content.decode()
    assert run_queued() == 1
    source = Source.objects.get()
    assert source.url == feed and source.site_url == site and source.title == "Test feed"
    assert list(source.entities.all()) == [vocab["eurocities"]]
    done = client.get(response["Location"]).content.decode()
    assert "Source added" in done and reverse("monitoring:source", args=[source.pk]) in done


def test_add_source_errors_are_plain_words(client, editor, loopback, server):
    page = server.add("/", b"<html><body>No feed here</body></html>", content_type="text/html")
    response = client.post(reverse("monitoring:source-add"), {"kind": "feed", "url": page, "priority": 2})
    run_queued()
    assert "No feed was found" in client.get(response["Location"]).content.decode()
    response = client.post(reverse("monitoring:source-add"), {"kind": "webpage", "url": "https://example.org/", "css_selector": "div[[", "priority": 2})
    assert response.status_code == 400  # told at once, without the network
    assert "CSS selector is not valid" in response.content.decode()
    assert not Source.objects.exists()


def test_health_page_and_pause_resume(client, editor, loopback, server):
    source = make_source(server.add("/busy", b"", 429, headers={"Retry-After": "60"}), title="Busy feed")
    fetch(source)
    page = client.get(reverse("monitoring:source", args=[source.pk])).content.decode()
    assert "The server asked us to slow down" in page and "429" in page
    listing = client.get(reverse("monitoring:sources")).content.decode()
    assert "Busy feed" in listing
    client.post(reverse("monitoring:source-pause", args=[source.pk]))
    source.refresh_from_db()
    assert source.paused and source.paused_reason == "by_editor"
    assert "Paused by an editor" in client.get(reverse("monitoring:source", args=[source.pk])).content.decode()
    client.post(reverse("monitoring:source-resume", args=[source.pk]))
    source.refresh_from_db()
    assert not source.paused and source.error_count == 0


def test_health_page_in_swedish(client, editor, loopback, server):
    source = make_source(server.add("/gone", b"", 410))
    fetch(source)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    page = client.get(reverse("monitoring:source", args=[source.pk])).content.decode()
    assert "Källan finns inte längre" in page


def test_opml_import_and_export(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from omvarld.monitoring.tests.test_opml import FIXTURES

    path = FIXTURES / "rsparser" / "Subs.opml"
    response = client.post(reverse("monitoring:opml-import"), {"file": SimpleUploadedFile("subs.opml", path.read_bytes())})
    assert response.status_code == 200
    assert "207 feeds added." in response.content.decode()
    count = Source.objects.count()
    assert count == 207
    exported = client.get(reverse("monitoring:opml-export"))
    assert exported["Content-Type"].startswith("text/x-opml")
    Source.objects.all().delete()
    client.post(reverse("monitoring:opml-import"), {"file": SimpleUploadedFile("again.opml", exported.content)})
    assert Source.objects.count() == count


def test_opml_import_report_in_swedish_with_lines(client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from omvarld.monitoring.tests.test_opml import FIXTURES

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    data = (FIXTURES / "broken" / "broken-attributes.opml").read_bytes()
    page = client.post(reverse("monitoring:opml-import"), {"file": SimpleUploadedFile("b.opml", data)}).content.decode()
    assert "11 flöden lades till." in page
    assert "Rad 15" in page and "kunde inte läsas" in page
    refused = client.post(reverse("monitoring:opml-import"), {"file": SimpleUploadedFile("deep.opml", b"<opml><body>" + b'<outline text="f">' * 1000 + b"</body></opml>")})
    assert refused.status_code == 400
    assert "mer än 50 nivåer" in refused.content.decode()
    assert Source.objects.count() == 11
