"""Members send tips; a worker fetches the link safely and it lands in the inbox marked as a tip.

No web request fetches the link (#18): the form answers at once with a "checking…" page that
shows the outcome once a worker has read the page.
"""

import pytest

from omvarld.monitoring.models import Entry
from omvarld.newsdesk.models import Tip
from omvarld.newsdesk.tests.conftest import ARTICLE
from omvarld.runtime.models import Job
from omvarld.runtime.tests.utils import run_queued


def _send(member_client, data):
    response = member_client.post("/news/tips/new/", data)
    assert response.status_code == 302 and response["Location"].startswith("/checks/"), response
    return response["Location"]


def test_member_sends_a_tip_that_lands_in_the_inbox(member_client, member, editor, mini_map, web, client):
    url = web.add("/story", ARTICLE)
    page = _send(member_client, {"url": url, "note": "Relevant för Stockholm", "next": "/entities/oslo/"})
    assert web.hits == []  # the request itself fetched nothing
    pending = member_client.get(page)
    assert pending.status_code == 200 and "Kontrollerar" in pending.content.decode()
    assert 'hx-trigger="every 2s"' in pending.content.decode()
    assert not Entry.objects.exists()

    assert run_queued() == 1
    assert web.hits == ["/story"]
    done = member_client.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert "inkorg" in done and 'href="/entities/oslo/"' in done and "hx-trigger" not in done
    entry = Entry.objects.get()
    assert entry.status == Entry.Status.TIP and "district heating" in entry.title
    tip = Tip.objects.get()
    assert (tip.entry, tip.sender, tip.note) == (entry, member, "Relevant för Stockholm")
    assert any(t.entity and t.entity.slug == "copenhagen" for t in entry.tags.all())
    client.force_login(editor)
    html = client.get("/news/inbox/").content.decode()
    assert entry.title in html and "mats" in html and "Relevant för Stockholm" in html
    assert client.get(page).status_code == 404  # a check is its sender's


@pytest.mark.parametrize(
    "path,body,ctype,message",
    [
        ("/report.pdf", b"%PDF-1.4 ...", "application/pdf", "inte en webbsida"),
        ("/gone", "missing", "text/plain", "404"),
        ("/fake-html", "just some words", "text/html", "inte en webbsida"),
    ],
)
def test_bad_links_are_refused_and_nothing_is_saved(member_client, mini_map, web, path, body, ctype, message):
    url = web.add(path, body, ctype, status=404 if path == "/gone" else 200)
    page = _send(member_client, {"url": url})
    run_queued()
    assert Job.objects.get().state == Job.State.FAILED
    assert message in member_client.get(page).content.decode()
    assert not Entry.objects.exists() and not Tip.objects.exists()


def test_private_addresses_are_refused(member_client, mini_map, web, settings):
    url = web.add("/story", ARTICLE)
    settings.FETCH_ALLOW_LOOPBACK = False
    page = _send(member_client, {"url": url})
    run_queued()
    assert "127.0.0.1" in member_client.get(page).content.decode()  # the refused address is named
    assert not Entry.objects.exists()


def test_unreachable_link_is_refused(member_client, mini_map, web):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _send(member_client, {"url": f"http://127.0.0.1:{port}/nothing"})
    run_queued()
    assert Job.objects.get().state == Job.State.FAILED and not Entry.objects.exists()


def test_a_form_error_answers_400_and_queues_nothing(member_client, mini_map):
    response = member_client.post("/news/tips/new/", {"url": "not a link"})
    assert response.status_code == 400 and not Job.objects.exists()


def test_a_second_tip_on_the_same_story_joins_the_entry(member_client, mini_map, web):
    url = web.add("/story", ARTICLE)
    _send(member_client, {"url": url, "note": "one"})
    _send(member_client, {"url": url, "note": "two"})
    run_queued()
    assert Entry.objects.count() == 1 and Tip.objects.count() == 2


def test_a_task_run_twice_does_the_tip_once(member_client, mini_map, web):
    from omvarld.newsdesk.tasks import check_tip_task

    url = web.add("/story", ARTICLE)
    _send(member_client, {"url": url})
    job = Job.objects.get()
    run_queued()
    assert check_tip_task.call(job.pk) == "done already"
    assert Tip.objects.count() == 1


def test_visitors_must_sign_in_to_tip(client, mini_map):
    assert client.get("/news/tips/new/").status_code == 302


def test_tip_through_the_api_with_a_token(client, mini_map, web, member):
    from omvarld.api.models import APIToken

    raw = APIToken.issue(name="Partner", user=member)[1]
    auth = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = web.add("/story", ARTICLE)
    response = client.post("/api/v1/tips", {"url": url, "note": "via API"}, **auth)
    assert response.status_code == 202, response.content
    check = response.json()["data"]
    assert check["state"] == "pending" and web.hits == []
    run_queued()
    assert Job.objects.get(pk=check["id"]).state == Job.State.DONE and Tip.objects.get().sender == member
    refused = client.post("/api/v1/tips", {"url": web.add("/x.pdf", b"%PDF", "application/pdf")}, **auth)
    run_queued()
    failed = Job.objects.get(pk=refused.json()["data"]["id"])
    assert failed.state == Job.State.FAILED and "not a web page" in failed.message and Tip.objects.count() == 1
    bad_scheme = client.post("/api/v1/tips", {"url": "ftp://example.org/x"}, **auth)
    assert bad_scheme.status_code == 400 and bad_scheme.json()["error"]["parameter"] == "url"
    assert client.post("/api/v1/tips", {"url": url}, content_type="application/json").status_code == 401
    assert client.post("/api/v1/tips", {"url": url}, content_type="application/json", HTTP_AUTHORIZATION="Bearer omv_wrong").status_code == 401


def test_revoked_token_is_refused(client, mini_map, member):
    from django.utils import timezone

    from omvarld.api.models import APIToken

    token, raw = APIToken.issue(name="Old", user=member)
    APIToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    response = client.post("/api/v1/suggestions", {"url": "https://x.org"}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


def test_suggestion_through_the_api_lands_in_the_review_queue(client, mini_map, member):
    from django.contrib.auth import get_user_model

    from omvarld.accounts.roles import EDITOR, PARTNER, assign_role
    from omvarld.api.models import APIToken
    from omvarld.editorial.models import Suggestion

    partner = get_user_model().objects.create_user("api-partner", email="p@example.org")
    assign_role(partner, PARTNER)
    raw = APIToken.issue(name="Partner site", user=partner)[1]
    auth = {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {raw}"}
    payload = {
        "title": "Oslo's zero-emission construction sites", "type": "report", "url": "https://example.org/oslo",
        "summary": "How Oslo requires fossil-free building sites.", "language": "en", "published_on": "2024-05-01",
        "entities": ["oslo"],
    }
    response = client.post("/api/v1/suggestions", payload, **auth)
    assert response.status_code == 201, response.content
    suggestion = Suggestion.objects.get()
    assert suggestion.author == partner and suggestion.status == Suggestion.Status.SUBMITTED
    assert response.json()["data"]["id"] == suggestion.pk
    editor = get_user_model().objects.create_user("api-editor")
    assign_role(editor, EDITOR)
    client.force_login(editor)
    assert "Oslo&#x27;s zero-emission construction sites" in client.get("/editorial/").content.decode()
    client.logout()

    bad = client.post("/api/v1/suggestions", {**payload, "entities": ["atlantis"]}, **auth)
    assert bad.status_code == 400 and bad.json()["error"]["parameter"] == "entities"
    bad = client.post("/api/v1/suggestions", {**payload, "published_on": "yesterday"}, **auth)
    assert bad.status_code == 400 and bad.json()["error"]["parameter"] == "published_on"
    assert Suggestion.objects.count() == 1

    member_raw = APIToken.issue(name="Member", user=member)[1]
    refused = client.post("/api/v1/suggestions", payload, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {member_raw}")
    assert refused.status_code == 403 and refused.json()["ok"] is False
    assert Suggestion.objects.count() == 1
