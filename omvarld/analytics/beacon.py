"""The beacon: a page view reported by the browser, for copies of pages that Django does not
serve itself (a front cache, a static export). The middleware counts every page Django serves,
so pages served by Django do not send it.

The payload is ``{"path": "/items/12/"}`` and nothing else, at most MAX_BYTES long, sent
same-origin. Anything else is refused and stores nothing.
"""

import json

from omvarld.analytics import privacy, recording
from omvarld.analytics.middleware import match_tracked
from omvarld.analytics.models import Kind

MAX_BYTES = 512


def accept(request) -> str | None:
    """None when the beacon was valid (counted unless the visitor opted out); else an error key."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "malformed"
    if length > MAX_BYTES:
        return "too-large"
    body = request.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        return "too-large"
    if request.content_type not in ("application/json", "text/plain"):
        return "malformed"
    if not _same_origin(request):
        return "cross-site"
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "malformed"
    if not isinstance(payload, dict) or set(payload) != {"path"} or not isinstance(payload["path"], str):
        return "malformed"
    target = _target(payload["path"])
    if target is None:
        return "unknown-page"
    if privacy.opted_out(request) or not _browser(request):
        return None
    day = privacy.today()
    recording.record(recording.Event(day, target[0], target=target[1], visitor=privacy.visitor_hash(request, day)))
    return None


def _same_origin(request) -> bool:
    if request.headers.get("Sec-Fetch-Site") not in (None, "same-origin"):
        return False
    origin = request.headers.get("Origin")
    return bool(origin) and origin == f"{request.scheme}://{request.get_host()}"


def _browser(request) -> bool:
    ua = request.headers.get("User-Agent", "")
    return ua.startswith("Mozilla/") and not privacy.is_bot(ua) and bool(request.headers.get("Accept-Language"))


def _target(path: str) -> tuple[str, str] | None:
    """(kind, raw target) for the path of a page that exists, else None."""
    from omvarld.core.models import Entity, Item, MainCategory, Theme

    if len(path) > 300 or not path.startswith("/") or "?" in path or "#" in path:
        return None
    found = match_tracked(path)
    if found is None or found[0] == Kind.SEARCH:
        return None
    kind, prefix, _key, value = found
    exists = {
        "entity": lambda: Entity.objects.alive().filter(slug=value).exists(),
        "theme": lambda: Theme.objects.alive().filter(slug=value).exists(),
        "category": lambda: MainCategory.objects.alive().filter(slug=value).exists(),
        "item": lambda: Item.objects.filter(pk=value, status=Item.Status.PUBLISHED, deleted_at__isnull=True).exists(),
    }[prefix]()
    return (kind, f"{prefix}:{value}") if exists else None
