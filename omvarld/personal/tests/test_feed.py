"""My feed: ranking with reasons, feedback that teaches at once, the reading list, Atom, data."""

import json

import pytest
from django.contrib.auth import get_user_model

from omvarld.core.models import Item
from omvarld.personal import pool
from omvarld.personal.models import Feedback, Follow, Mark, Profile
from omvarld.personal.tests.conftest import add_entry


def titles(response):
    return [e["story"].title for e in response.context["entries"]]


def feed(client):
    response = client.get("/feed/")
    assert response.status_code == 200
    return response


@pytest.fixture
def built(stream):
    pool.build_pool()
    return stream


def test_followed_entity_comes_first_with_its_reason(member_client, member, built):
    member_client.post("/follow/entity/c40/")
    member_client.post("/feed/settings/", {"include_stream": "on"})
    response = feed(member_client)
    assert set(titles(response)[:2]) == {"C40 mayors agree on clean construction", "C40 annual report"}
    assert all("Du följer C40" in e["reasons"] for e in response.context["entries"][:2])
    assert "Du följer C40" in response.content.decode()


def test_reasons_in_english(member_client, member, built):
    member_client.post("/follow/entity/c40/")
    member_client.post("/feed/settings/", {"include_stream": "on"})
    member_client.cookies["django_language"] = "en"
    html = member_client.get("/feed/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You follow C40" in html


def test_stream_entries_only_when_chosen(member_client, member, built):
    before = titles(feed(member_client))
    assert "Football results of the weekend" not in before
    assert any(t == "C40 annual report" for t in before)  # map items are always there
    member_client.post("/feed/settings/", {"include_stream": "on"})
    assert "Football results of the weekend" in titles(feed(member_client))


def test_following_a_source_brings_its_entries(member_client, member, built):
    beta = built["sources"][1]
    assert member_client.post(f"/follow/source/{beta.pk}/").status_code == 302
    first = feed(member_client).context["entries"][0]
    assert first["story"].title.startswith("Copenhagen expands") and "Du följer källan beta" in first["reasons"]


def test_a_new_member_without_follows_gets_picks_and_rising(member_client, member, built):
    from omvarld.newsdesk.actions import publish_notice
    from omvarld.personal.tests.conftest import make_user

    publish_notice(user=make_user("edith", "editor"), title="Editors on Nordic heat networks", summary="Notice.")
    pool.build_pool()
    response = feed(member_client)
    html = response.content.decode()
    assert "Gör det till ditt" in html or "Make it yours" in html
    assert titles(response)[0] == "Editors on Nordic heat networks"
    assert "Utvalt av redaktionen" in response.context["entries"][0]["reasons"]


def test_save_then_reading_list_and_unsave(member_client, member, built):
    entry = built["entries"]["c40"]
    member_client.post("/feed/settings/", {"include_stream": "on"})
    response = member_client.post(f"/feed/entry/{entry.pk}/save/", {"next": "/feed/"})
    assert response.status_code == 302 and response["Location"] == "/feed/"
    assert Mark.objects.get(user=member).saved_at is not None
    assert "C40 mayors agree on clean construction" in member_client.get("/feed/saved/").content.decode()
    member_client.post(f"/feed/entry/{entry.pk}/unsave/")
    assert not Mark.objects.exists()
    assert "C40 mayors" not in member_client.get("/feed/saved/").content.decode()


def test_hide_removes_at_once_and_htmx_answers_with_a_fragment(member_client, member, built):
    member_client.post("/feed/settings/", {"include_stream": "on"})
    entry = built["entries"]["heat"]
    assert "Copenhagen expands district heating with heat pumps" in titles(feed(member_client))
    response = member_client.post(f"/feed/entry/{entry.pk}/hide/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode() and "Ångra" in response.content.decode()
    assert "Copenhagen expands district heating with heat pumps" not in titles(feed(member_client))
    member_client.post(f"/feed/entry/{entry.pk}/unhide/")
    assert "Copenhagen expands district heating with heat pumps" in titles(feed(member_client))


def test_more_and_less_like_this_change_the_order_at_once(member_client, member, built):
    member_client.post("/feed/settings/", {"include_stream": "on"})
    ams = built["entries"]["ams"]
    before = titles(feed(member_client))
    member_client.post(f"/feed/entry/{ams.pk}/more/")
    member_client.post(f"/feed/entry/{ams.pk}/more/")
    after = titles(feed(member_client))
    assert after.index("Amsterdam doughnut economics review published") < before.index("Amsterdam doughnut economics review published")
    first = feed(member_client).context["entries"][after.index("Amsterdam doughnut economics review published")]
    assert "Liknar det du sparat och läst" in first["reasons"]
    for _ in range(3):
        member_client.post(f"/feed/entry/{ams.pk}/less/")
    again = titles(feed(member_client))
    assert again.index("Amsterdam doughnut economics review published") > after.index("Amsterdam doughnut economics review published")


def test_open_is_counted_through_a_redirect(member_client, member, built):
    item = Item.objects.filter(status="published").first()
    response = member_client.get(f"/feed/item/{item.pk}/open/")
    assert response.status_code == 302 and response["Location"] == f"/items/{item.pk}/"
    entry = built["entries"]["c40"]
    response = member_client.get(f"/feed/entry/{entry.pk}/open/")
    assert response["Location"] == entry.url
    assert list(Feedback.objects.values_list("action", "kind")) == [("open", "item"), ("open", "entry")]


@pytest.mark.parametrize("action", ["save", "hide", "more"])
def test_feedback_on_missing_unpublished_or_discarded_is_404(member_client, member, built, action):
    draft = Item.objects.create(title="Draft", status="draft")
    discarded = add_entry(built["sources"][0], "Discarded story", status="discarded")
    for url in (f"/feed/item/999999/{action}/", f"/feed/item/{draft.pk}/{action}/", f"/feed/entry/{discarded.pk}/{action}/", f"/feed/planet/1/{action}/"):
        assert member_client.post(url).status_code == 404, url
    assert member_client.get(f"/feed/item/{draft.pk}/open/").status_code == 404
    assert not Mark.objects.exists() and not Feedback.objects.exists()
    assert all(not p.affinity for p in Profile.objects.all())


def test_unknown_action_is_400(member_client, built):
    entry = built["entries"]["c40"]
    assert member_client.post(f"/feed/entry/{entry.pk}/explode/").status_code == 400
    assert not Feedback.objects.exists()


def test_feed_needs_sign_in(client, built):
    assert client.get("/feed/").status_code == 302
    assert client.post(f"/feed/entry/{built['entries']['c40'].pk}/save/").status_code == 302
    assert not Mark.objects.exists()


def test_private_atom_feed_and_reset(client, member_client, member, built):
    member_client.post("/follow/entity/c40/")
    member_client.get("/following/")
    secret = Profile.objects.get(user=member).feed_secret
    response = client.get(f"/feed/atom/{secret}/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    assert b"C40 annual report" in response.content
    assert client.get("/feed/atom/not-the-secret/").status_code == 404
    member_client.post("/feed/secret/reset/")
    assert client.get(f"/feed/atom/{secret}/").status_code == 404
    assert client.get(f"/feed/atom/{Profile.objects.get(user=member).feed_secret}/").status_code == 200


def test_data_download_has_follows_marks_feedback_and_secret(member_client, member, built):
    member_client.post("/follow/entity/c40/")
    f = Follow.objects.get(user=member)
    member_client.post(f"/following/{f.pk}/mail/", {"rhythm": "daily"})
    entry = built["entries"]["c40"]
    member_client.post(f"/feed/entry/{entry.pk}/save/")
    member_client.post(f"/feed/entry/{built['entries']['heat'].pk}/hide/")
    data = json.loads(member_client.get("/feed/my-data.json").content)
    assert [x["target"] for x in data["follows"]] == ["C40"]
    assert {(m["id"], bool(m["saved_at"]), bool(m["hidden_at"])) for m in data["marks"]} == {(entry.pk, True, False), (built["entries"]["heat"].pk, False, True)}
    assert [x["action"] for x in data["feedback"]] == ["save", "hide"]
    assert data["profile"]["feed_secret"] == Profile.objects.get(user=member).feed_secret
    assert data["email_subscriptions"]["subscriptions"][0]["how_often"] == "daily"


def test_everything_is_erased_with_the_account(member_client, member, other_member, built):
    member_client.post("/follow/entity/c40/")
    member_client.post(f"/feed/entry/{built['entries']['c40'].pk}/save/")
    member_client.get("/following/")
    get_user_model().objects.filter(pk=other_member.pk).exists()
    member.delete()
    assert not Follow.objects.exists() and not Mark.objects.exists() and not Feedback.objects.exists() and not Profile.objects.exists()


def test_the_weekly_for_you_mail(member, built, mailoutbox):
    from omvarld.personal import digest

    Follow.objects.create(user=member, kind="entity", entity=built["c40"], target_key=f"entity:{built['c40'].pk}")
    Profile.objects.create(user=member, weekly_digest=True, include_stream=True)
    assert digest.send_for_you(force=True) == 1
    assert digest.send_for_you(force=True) == 0  # at most once a week
    from omvarld.outbox.actions import deliver

    deliver()  # mail goes out through the outbox, which workers send
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["mats@example.org"] and "C40 mayors agree on clean construction" in message.body
    assert "Du följer C40" in message.body


def test_follows_and_unfollows_are_counted_for_the_curators(member_client, built):
    from omvarld.analytics.models import Hit

    member_client.post("/follow/entity/c40/")
    member_client.post("/follow/entity/c40/")  # already followed: not counted again
    member_client.post("/unfollow/entity/c40/")
    counted = sorted(Hit.objects.values_list("kind", "target"))
    key = f"entity:{built['c40'].pk}"
    assert counted == [("follow", key), ("unfollow", key)]
    # Only the kind, the entity and the day: nothing about who followed.
    assert not Hit.objects.exclude(visitor="").exists()
