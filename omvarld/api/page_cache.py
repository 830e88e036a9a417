"""Public pages for visitors who are not signed in, answered from a cache (#11).

A page is kept per URL, language and htmx fragment under a key that also holds the content
version (``versioning``): every save, publish, unpublish, trash or edit of what the public map
shows bumps the version, so an older page can no longer be found and the next visitor gets a
fresh one. The key holds a time bucket too (``OMVARLD_PAGE_CACHE_SECONDS``), so pages whose
content depends on the clock ("new" flags, what's new) are rendered again at least that often.

Who is served from the cache: a GET or HEAD without a session cookie and without a messages
cookie. Who is stored: the same request, when the view answered 200, set no cookie of its own,
queued no message and the user is not signed in. A signed-in editor therefore always gets their
own page (drafts, edit links, their name), and nothing they see is ever stored.

Forms on public pages (language, subscribe) carry a CSRF token. The stored copy holds a
placeholder in place of the token; a hit puts in a fresh token of the visitor's own (and the
CSRF middleware sets the visitor's own cookie), so no visitor ever gets another one's token.

Two middleware classes share this: ``EarlyPageCacheMiddleware`` sits before sessions, locale
and CSRF and answers hits of pages without a form at the cost of one primary-key read;
``PageCacheMiddleware`` is the last in the stack, stores pages, and answers the hits that need
a token. Both answer conditional GETs (ETag) with 304.
"""

from __future__ import annotations

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language, get_language_from_request

from omvarld.api import versioning

MAX_CACHED_BYTES = 1024 * 1024
TOKEN_PLACEHOLDER = "\x00omvarld-csrf\x00"
# What the csrf_token tag and {{ csrf_token }} render: 64 letters and digits.
_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")

# (url namespace, url name or None for every name in the namespace)
CACHED_VIEWS = {
    ("catalogue", None),
    ("newsdesk", "stream"),
    ("newsdesk", "feed-atom"),
    ("newsdesk", "feed-rss"),
    ("newsdesk", "feed-atom-scoped"),
    ("newsdesk", "feed-rss-scoped"),
    ("newsdesk", "widget"),
    ("newsdesk", "embed"),
    ("atlas", None),
}


def seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 300)


def _anonymous_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _keys(request, language: str) -> tuple[str, str, int]:
    version, changed_at = versioning.current()
    ttl = seconds()
    bucket = int(time.time() // ttl)
    fragment = "hx" if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted") else ""
    raw = f"{version}|{changed_at.isoformat()}|{bucket}|{language}|{fragment}|{request.get_full_path()}"
    key = "page:" + hashlib.sha1(raw.encode()).hexdigest()
    return key, f'"p{key[5:25]}"', int(changed_at.timestamp())


def _not_modified(request, etag: str) -> bool:
    inm = request.headers.get("If-None-Match")
    return inm is not None and etag in [t.strip() for t in inm.split(",")]


def _headers(response, etag: str, changed_ts: int, language: str):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(changed_ts)
    # The browser may keep it but must ask again each time; proxies must not share it.
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    response.headers.setdefault("Content-Language", language)
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    return response


def _answer(request, hit, etag, changed_ts, language):
    """The cached page as a response, or None when it needs a CSRF token and none can be made here."""
    status, content_type, body, with_token, *extra = hit
    if with_token:
        body = body.replace(TOKEN_PLACEHOLDER.encode(), get_token(request).encode())
    response = HttpResponse(body, status=status, content_type=content_type)
    if extra and extra[0] is not None:
        # What the view told the analytics counter (a search's number of hits), kept with the page.
        response.analytics_results = extra[0]
    response["X-Page-Cache"] = "hit"
    return _headers(response, etag, changed_ts, language)


def lookup(request, language: str, can_add_token: bool):
    """A 304 or the cached page for this request, or None when the view has to run."""
    if seconds() <= 0 or not _anonymous_request(request):
        return None
    earlier = getattr(request, "_page_cache_keys", None)
    if earlier is not None and earlier[3] == language:
        key, etag, changed_ts, _ = earlier
    else:
        key, etag, changed_ts = _keys(request, language)
        request._page_cache_keys = (key, etag, changed_ts, language)
    hit = cache.get(key)
    if hit is None:
        return None
    if hit[3] and not can_add_token:
        return None
    if _not_modified(request, etag):
        response = HttpResponseNotModified()
        if hit[3]:
            get_token(request)  # keep the visitor's CSRF cookie as the full page would
        return _headers(response, etag, changed_ts, language)
    return _answer(request, hit, etag, changed_ts, language)


def _cacheable_view(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    return (match.namespace, None) in CACHED_VIEWS or (match.namespace, match.url_name) in CACHED_VIEWS


def _placeholder_tokens(request, body: bytes) -> tuple[bytes, bool] | None:
    """``body`` with every CSRF token of this request put back as the placeholder.

    None when the page holds a token that cannot be recognised (then it is not stored).
    """
    if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return body, False
    from django.middleware.csrf import _unmask_cipher_token

    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return None
    found = [False]

    def swap(m):
        token = m.group().decode()
        if _unmask_cipher_token(token) == secret:
            found[0] = True
            return TOKEN_PLACEHOLDER.encode()
        return m.group()

    body = _TOKEN.sub(swap, body)
    return (body, True) if found[0] else None


def store(request, response) -> None:
    keys = getattr(request, "_page_cache_keys", None)
    if keys is None or response.status_code != 200 or response.streaming:
        return
    if response.cookies or response.has_header("Set-Cookie") or not _cacheable_view(request):
        return
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", None)
    if queued:
        return
    if any(word in response.get("Cache-Control", "") for word in ("no-store", "private", "no-cache")):
        return
    body = response.content
    if len(body) > MAX_CACHED_BYTES:
        return
    swapped = _placeholder_tokens(request, body)
    if swapped is None:
        return
    body, with_token = swapped
    key, etag, changed_ts, language = keys
    cache.set(key, (200, response["Content-Type"], body, with_token, getattr(response, "analytics_results", None)), seconds())
    _headers(response, etag, changed_ts, language)
    response["X-Page-Cache"] = "miss"


class EarlyPageCacheMiddleware:
    """Answers hits of pages without a form before sessions, locale, CSRF and auth run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(("/api/", "/static/", "/admin/")):
            answered = lookup(request, get_language_from_request(request), can_add_token=False)
            if answered is not None:
                return answered
        return self.get_response(request)


class PageCacheMiddleware:
    """The last middleware: stores public pages for visitors and answers the hits left over."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(("/api/", "/static/", "/admin/")):
            return self.get_response(request)
        answered = lookup(request, get_language(), can_add_token=True)
        if answered is not None:
            return answered
        response = self.get_response(request)
        store(request, response)
        return response
