"""Following from the map pages, the Following list, and a follow's mail setting."""

import pytest

from omvarld.personal.models import Follow
from omvarld.subscriptions.models import Subscriber, Subscription


def test_follow_and_unfollow_an_entity_from_its_page(member_client, member, mini_map):
    page = member_client.get("/entities/c40/")
    assert b"/follow/entity/c40/" in page.content
    response = member_client.post("/follow/entity/c40/", {"next": "/entities/c40/"})
    assert response.status_code == 302 and response["Location"] == "/entities/c40/"
    assert list(Follow.objects.filter(user=member).values_list("kind", "entity__slug")) == [("entity", "c40")]
    page = member_client.get("/entities/c40/")
    assert b"/unfollow/entity/c40/" in page.content and 'aria-pressed="true"' in page.content.decode()
    member_client.post("/unfollow/entity/c40/")
    assert not Follow.objects.filter(user=member).exists()


def test_follow_with_htmx_answers_with_the_button(member_client, member, mini_map):
    response = member_client.post("/follow/theme/energy/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/unfollow/theme/energy/" in html and "<html" not in html
    assert Follow.objects.filter(user=member, kind="theme", theme__slug="energy").exists()


def test_category_theme_and_keyword_follows_are_listed(member_client, member, mini_map):
    member_client.post("/follow/category/cities/")
    member_client.post("/follow/theme/energy/")
    member_client.post("/follow/keyword/", {"keyword": "  Heat   Pumps "})
    page = member_client.get("/following/").content.decode()
    assert "heat pumps" in page and "Energi" in page
    assert Follow.objects.filter(user=member).count() == 3


@pytest.mark.parametrize("url", ["/follow/entity/no-such/", "/follow/theme/nope/", "/follow/planet/earth/", "/follow/source/99999/"])
def test_following_something_missing_is_404_and_changes_nothing(member_client, member, mini_map, url):
    assert member_client.post(url).status_code == 404
    assert not Follow.objects.exists()


def test_following_needs_sign_in_and_post(client, mini_map):
    assert client.post("/follow/entity/c40/").status_code == 302
    assert not Follow.objects.exists()


def test_get_does_not_follow(member_client, mini_map):
    assert member_client.get("/follow/entity/c40/").status_code == 405
    assert not Follow.objects.exists()


def test_a_follow_can_mail_daily_and_stop(member_client, member, mini_map):
    member_client.post("/follow/entity/c40/")
    f = Follow.objects.get(user=member)
    member_client.post(f"/following/{f.pk}/mail/", {"rhythm": "weekly"})
    sub = Subscriber.objects.get(user=member)
    assert sub.status == "confirmed" and sub.email == "mats@example.org"
    s = Subscription.objects.get(subscriber=sub)
    assert (s.kind, s.entity.slug, s.rhythm) == ("entity", "c40", "weekly") and s.confirmed_at and s.next_digest_at
    page = member_client.get("/following/").content.decode()
    assert '<option value="weekly" selected>' in page
    member_client.post(f"/following/{f.pk}/mail/", {"rhythm": "daily"})
    assert Subscription.objects.get(subscriber=sub).rhythm == "daily"
    member_client.post(f"/following/{f.pk}/mail/", {"rhythm": ""})
    assert not Subscription.objects.filter(subscriber=sub).exists()


def test_unfollowing_stops_its_mail(member_client, member, mini_map):
    member_client.post("/follow/theme/energy/")
    f = Follow.objects.get(user=member)
    member_client.post(f"/following/{f.pk}/mail/", {"rhythm": "daily"})
    assert Subscription.objects.count() == 1
    member_client.post(f"/following/{f.pk}/remove/")
    assert not Follow.objects.exists() and not Subscription.objects.exists()


def test_another_members_follow_cannot_be_changed(client, member, other_member, mini_map):
    client.force_login(other_member)
    client.post("/follow/entity/c40/")
    theirs = Follow.objects.get(user=other_member)
    client.force_login(member)
    assert client.post(f"/following/{theirs.pk}/mail/", {"rhythm": "daily"}).status_code == 404
    assert client.post(f"/following/{theirs.pk}/remove/").status_code == 404
    assert Follow.objects.filter(pk=theirs.pk).exists() and not Subscriber.objects.exists()


def test_a_bad_rhythm_changes_nothing(member_client, member, mini_map):
    member_client.post("/follow/entity/c40/")
    f = Follow.objects.get(user=member)
    member_client.post(f"/following/{f.pk}/mail/", {"rhythm": "hourly"})
    assert not Subscriber.objects.exists()


def test_editor_follows_a_source_from_its_page(client, mini_map):
    from omvarld.personal.tests.conftest import add_source, make_user

    editor = make_user("edith", "editor")
    editor.is_staff = True
    editor.save()
    source = add_source("alpha")
    client.force_login(editor)
    page = client.get(f"/monitoring/sources/{source.pk}/").content.decode()
    assert f"/follow/source/{source.pk}/" in page
    client.post(f"/follow/source/{source.pk}/")
    assert Follow.objects.filter(user=editor, kind="source", source=source).exists()


def test_a_member_cannot_follow_a_source_that_brought_nothing_public(member_client, member, mini_map):
    from omvarld.personal.tests.conftest import add_source

    source = add_source("hidden")
    assert member_client.post(f"/follow/source/{source.pk}/").status_code == 404
    assert not Follow.objects.exists()
