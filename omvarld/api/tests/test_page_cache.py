"""Public pages for visitors come from a cache that never leaks, never serves drafts, never goes stale."""

import re
import subprocess
import sys

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from omvarld.core.models import Entity, Item
from omvarld.editorial import actions
from omvarld.newsdesk.actions import publish_notice

LOGOUT = 'action="/accounts/logout/"'
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture(autouse=True)
def _long_buckets(settings):
    # Pages are also re-rendered when a time bucket ends; keep that out of these tests.
    settings.PAGE_CACHE_SECONDS = 10**8


def visitor(**headers) -> Client:
    return Client(**headers)


def test_second_visitor_gets_the_cached_page(notice):
    first = visitor().get("/entities/amsterdam/")
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    second = visitor().get("/entities/amsterdam/")
    assert second.status_code == 200 and second["X-Page-Cache"] == "hit"
    assert notice.title in second.content.decode()
    assert second["ETag"] == first["ETag"]
    assert "Cookie" in second["Vary"] and "Accept-Language" in second["Vary"]
    assert "private" in second["Cache-Control"]


def test_cached_page_carries_each_visitors_own_csrf_token(notice):
    a, b = visitor(), visitor()
    page_a = a.get("/entities/amsterdam/")
    page_b = b.get("/entities/amsterdam/")
    assert page_b["X-Page-Cache"] == "hit"
    tokens_a, tokens_b = TOKEN.findall(page_a.content.decode()), TOKEN.findall(page_b.content.decode())
    assert tokens_a and tokens_b, "the page has forms"
    secret_a, secret_b = a.cookies["csrftoken"].value, b.cookies["csrftoken"].value
    assert secret_a != secret_b
    assert {_unmask_cipher_token(t) for t in tokens_a} == {secret_a}
    assert {_unmask_cipher_token(t) for t in tokens_b} == {secret_b}
    assert "\x00" not in page_b.content.decode()


def test_a_post_with_the_token_from_a_cached_page_is_accepted(notice):
    client = Client(enforce_csrf_checks=True)
    Client().get("/entities/amsterdam/")  # someone else fills the cache (a page with a form)
    page = client.get("/entities/amsterdam/")
    assert page["X-Page-Cache"] == "hit"
    token = TOKEN.search(page.content.decode()).group(1)
    answer = client.post("/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302


def test_signed_in_users_see_their_own_page_and_it_is_never_stored(notice, editor):
    visitor().get("/entities/amsterdam/")  # cached for visitors
    signed_in = Client()
    signed_in.force_login(editor)
    own = signed_in.get("/entities/amsterdam/")
    assert own.status_code == 200 and not own.has_header("X-Page-Cache")
    assert LOGOUT in own.content.decode()
    # and the reverse: the editor's page never reaches a visitor
    cache_key_page = "/items/%d/" % notice.pk
    signed_in.get(cache_key_page)
    anonymous = visitor().get(cache_key_page)
    assert anonymous["X-Page-Cache"] == "miss"
    assert LOGOUT not in anonymous.content.decode()
    assert LOGOUT not in visitor().get(cache_key_page).content.decode()


def test_a_visitor_with_a_session_or_messages_is_not_served_from_the_cache(notice):
    visitor().get("/")
    with_session = Client()
    with_session.cookies["sessionid"] = "whatever"
    assert not with_session.get("/").has_header("X-Page-Cache")
    with_messages = Client()
    with_messages.cookies["messages"] = "x"
    assert not with_messages.get("/").has_header("X-Page-Cache")


def test_each_language_has_its_own_page(notice):
    sv = visitor(HTTP_ACCEPT_LANGUAGE="sv").get("/")
    en = visitor(HTTP_ACCEPT_LANGUAGE="en").get("/")
    assert sv["X-Page-Cache"] == "miss" and en["X-Page-Cache"] == "miss"
    assert sv["Content-Language"] == "sv" and en["Content-Language"] == "en"
    en_again = visitor(HTTP_ACCEPT_LANGUAGE="en").get("/")
    assert en_again["X-Page-Cache"] == "hit" and en_again["Content-Language"] == "en"
    assert en_again.content.decode().replace("\n", "")[:200] == en.content.decode().replace("\n", "")[:200]
    assert sv["ETag"] != en["ETag"]
    cookie_en = visitor()
    cookie_en.cookies["django_language"] = "en"
    assert cookie_en.get("/")["Content-Language"] == "en"


def test_conditional_get_answers_304_until_something_changes(notice, editor):
    first = visitor().get("/items/%d/" % notice.pk)
    again = visitor().get("/items/%d/" % notice.pk, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not again.content
    notice.title = "Amsterdam's hub, corrected"
    notice.save()
    after = visitor().get("/items/%d/" % notice.pk, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and "corrected" in after.content.decode()


def test_an_edit_shows_at_once(notice, editor):
    url = "/items/%d/" % notice.pk
    visitor().get(url)
    assert visitor().get(url)["X-Page-Cache"] == "hit"
    notice.title = "A new headline for the hub"
    notice.save()
    page = visitor().get(url)
    assert "A new headline for the hub" in page.content.decode()
    entity_page = visitor().get("/entities/amsterdam/")
    assert "A new headline for the hub" in entity_page.content.decode()


def test_an_unpublished_item_is_gone_at_once(notice, editor):
    url = "/items/%d/" % notice.pk
    visitor().get(url), visitor().get("/entities/amsterdam/"), visitor().get("/")
    assert visitor().get(url)["X-Page-Cache"] == "hit"
    actions.unpublish_item(user=editor, item=notice)
    assert Item.objects.get(pk=notice.pk).status != Item.Status.PUBLISHED
    assert visitor().get(url).status_code == 404
    assert notice.title not in visitor().get("/entities/amsterdam/").content.decode()
    assert notice.title not in visitor().get("/").content.decode()


def test_a_trashed_item_is_gone_at_once(notice, editor):
    url = "/items/%d/" % notice.pk
    visitor().get(url), visitor().get("/news/")
    assert notice.title in visitor().get("/news/").content.decode()
    actions.trash(user=editor, obj=notice)
    assert visitor().get(url).status_code == 404
    assert notice.title not in visitor().get("/news/").content.decode()


def test_a_draft_is_never_served(mini_map, editor):
    draft = Item.objects.create(title="Secret draft about Amsterdam", type=Item.Type.NEWS_NOTICE, status=Item.Status.DRAFT)
    draft.placements.create(entity=Entity.objects.get(slug="amsterdam"))
    signed_in = Client()
    signed_in.force_login(editor)
    signed_in.get("/entities/amsterdam/")
    signed_in.get(f"/items/{draft.pk}/")
    assert visitor().get(f"/items/{draft.pk}/").status_code == 404
    assert "Secret draft" not in visitor().get("/entities/amsterdam/").content.decode()
    assert "Secret draft" not in visitor().get("/entities/amsterdam/").content.decode()


def test_new_notice_shows_on_the_cached_stream_and_feed(notice, editor):
    visitor().get("/news/"), visitor().get("/news/feed.atom")
    assert visitor().get("/news/feed.atom")["X-Page-Cache"] == "hit"
    publish_notice(user=editor, title="Helsinki publishes its heat plan", commentary="c")
    assert "Helsinki publishes its heat plan" in visitor().get("/news/").content.decode()
    assert "Helsinki publishes its heat plan" in visitor().get("/news/feed.atom").content.decode()


def test_pages_for_editors_only_are_never_cached(notice, editor):
    assert not visitor().get("/accounts/login/").has_header("X-Page-Cache")
    assert not visitor().get("/accounts/login/").has_header("X-Page-Cache")


def test_turned_off_with_zero_seconds(notice, settings):
    settings.PAGE_CACHE_SECONDS = 0
    visitor().get("/")
    assert not visitor().get("/").has_header("X-Page-Cache")


@pytest.mark.parametrize(
    "url, backend",
    [
        ("", "django.core.cache.backends.locmem.LocMemCache"),
        ("db", "django.core.cache.backends.db.DatabaseCache"),
        ("redis://127.0.0.1:6379/0", "django.core.cache.backends.redis.RedisCache"),
        ("valkey://cache.internal:6379/1", "django.core.cache.backends.redis.RedisCache"),
    ],
)
def test_cache_backend_from_the_environment(url, backend):
    code = "from django.conf import settings; c = settings.CACHES['default']; print(c['BACKEND'], c.get('LOCATION', ''))"
    out = subprocess.run(
        [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='omvarld.settings'; django.setup(); {code}"],
        env={"OMVARLD_CACHE_URL": url, "PATH": "/usr/bin:/bin", "OMVARLD_DATA_DIR": "/tmp/omvarld-cache-url-test"},
        capture_output=True, text=True, check=True,
    ).stdout.split()
    assert out[0] == backend
    if url.startswith("valkey"):
        assert out[1] == "redis://cache.internal:6379/1"


def test_a_bad_cache_setting_is_refused():
    result = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='omvarld.settings'; django.setup()"],
        env={"OMVARLD_CACHE_URL": "memcache://x", "PATH": "/usr/bin:/bin", "OMVARLD_DATA_DIR": "/tmp/omvarld-cache-url-test"},
        capture_output=True, text=True,
    )
    assert result.returncode != 0 and "OMVARLD_CACHE_URL" in result.stderr
