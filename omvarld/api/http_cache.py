"""HTTP caching for the read endpoints: ETag, Last-Modified, 304s, a response cache and CORS.

Every answer of a GET is a function of the URL and the content version (see ``versioning``), so
the ETag is derived from both and a conditional request is answered before any query runs. Full
answers are kept in Django's cache under the same key; a publish bumps the version, which makes
every older key unreachable. Clients are told to revalidate each time (``max-age=0``), which costs
them a 304 and keeps them from showing a notice after it was unpublished.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe

from omvarld.api import versioning

CACHE_SECONDS = 600
MAX_CACHED_BYTES = 512 * 1024


def _cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    return response


def _validators(response, etag: str, last_modified: str):
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return _cors(response)


def _not_modified(request, etag: str, changed_ts: int) -> bool:
    inm = request.headers.get("If-None-Match")
    if inm is not None:
        return inm.strip() == "*" or etag in [t.strip() for t in inm.split(",")]
    ims = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return ims is not None and changed_ts <= ims


def _keys(request) -> tuple[str, str, int, str]:
    version, changed_at = versioning.current()
    # The change time joins the counter so a database restored from a backup (counter moved
    # back) cannot meet answers cached before the restore.
    key = "api:" + hashlib.sha1(f"{version}|{changed_at.isoformat()}|{request.get_full_path()}".encode()).hexdigest()
    changed_ts = int(changed_at.timestamp())
    return key, f'"{key[4:24]}"', changed_ts, http_date(changed_ts)


def answer_from_cache(request):
    """A 304 or the cached answer for this GET, or None when the view has to run."""
    if request.method not in ("GET", "HEAD"):
        return None
    key, etag, changed_ts, last_modified = request._api_cache_keys = _keys(request)
    if _not_modified(request, etag, changed_ts):
        return _validators(HttpResponseNotModified(), etag, last_modified)
    hit = cache.get(key)
    if hit is not None:
        status, content_type, body = hit
        return _validators(HttpResponse(body, status=status, content_type=content_type), etag, last_modified)
    return None


def cached_get(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        answered = answer_from_cache(request)
        if answered is not None:
            return answered
        key, etag, changed_ts, last_modified = request._api_cache_keys
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and len(response.content) <= MAX_CACHED_BYTES:
            cache.set(key, (200, response["Content-Type"], response.content), CACHE_SECONDS)
            return _validators(response, etag, last_modified)
        return _cors(response)

    return wrapper


class CachedAnswersMiddleware:
    """Answers API GETs from the cache before sessions, locale, CSRF, auth and messages run.

    The lean path that keeps the API's p99 low under load: a hit costs one primary-key read of
    the content version. Misses fall through to the full stack and the view's ``cached_get``.
    """

    PREFIX = "/api/v1/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(self.PREFIX) and not request.path.startswith(self.PREFIX + "openapi"):
            answered = answer_from_cache(request)
            if answered is not None:
                return answered
        return self.get_response(request)
