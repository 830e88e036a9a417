"""Counting page views outside any page cache (MISSION M10).

``AnalyticsMiddleware`` sits first in MIDDLEWARE, before any cache middleware, so a page served
from a cache is counted like one the view rendered. It decides from the resolved URL name, never
from a cookie, and it never sets one.
"""

import logging
import re
from functools import cache

from django.urls import NoReverseMatch, reverse

from omvarld.analytics import privacy, recording
from omvarld.analytics.models import Kind
from omvarld.analytics.recording import Event

log = logging.getLogger(__name__)

# URL name -> (kind, target prefix, URL keyword that names the object). The middleware matches
# paths against patterns built from these names' own URLs (see ``_patterns``), so a page served
# from a cache is recognised without running the view or Django's full URL resolver.
TRACKED = {
    "catalogue:entity": (Kind.VIEW_ENTITY, "entity", "slug"),
    "catalogue:item": (Kind.VIEW_ITEM, "item", "pk"),
    "catalogue:theme": (Kind.VIEW_THEME, "theme", "slug"),
    "catalogue:category": (Kind.VIEW_CATEGORY, "category", "slug"),
    "catalogue:search": (Kind.SEARCH, "", ""),
}
MAX_QUERY = 200
_PLACEHOLDER = {"slug": "analytics-placeholder", "pk": 987654321}
_GROUP = {"slug": r"(?P<key>[-a-zA-Z0-9_]+)", "pk": r"(?P<key>[0-9]+)"}


@cache
def _patterns() -> list[tuple[re.Pattern, tuple]]:
    """One anchored regex per tracked URL name, made by reversing the name with a placeholder."""
    out = []
    for name, spec in TRACKED.items():
        key = spec[2]
        try:
            url = reverse(name, kwargs={key: _PLACEHOLDER[key]}) if key else reverse(name)
        except NoReverseMatch:
            continue
        if key:
            before, _sep, after = url.partition(str(_PLACEHOLDER[key]))
            regex = re.escape(before) + _GROUP[key] + re.escape(after)
        else:
            regex = re.escape(url)
        out.append((re.compile(regex + r"\Z"), spec))
    return out


def match_tracked(path: str):
    """(kind, prefix, key name, value) for a tracked page's path, else None."""
    for regex, spec in _patterns():
        m = regex.match(path)
        if m:
            return (*spec, m.groupdict().get("key", ""))
    return None


def normalise_query(q: str) -> str:
    return " ".join(q.lower().split())[:MAX_QUERY]


def set_result_count(response, count: int) -> None:
    """Views call this so a search is stored with how much it found (it survives page caches
    that pickle the response)."""
    response.analytics_results = count


def event_for(request, response) -> Event | None:
    """The event a finished request stands for, or None when it is not counted."""
    if response.status_code != 200 or request.method != "GET":
        return None
    found = match_tracked(request.path_info)
    if found is None:
        return None
    kind, prefix, _key, value = found
    # An htmx fragment belongs to a page already counted, except a search the search form sends.
    fragment = request.META.get("HTTP_HX_REQUEST") and not request.META.get("HTTP_HX_BOOSTED")
    if fragment and kind != Kind.SEARCH:
        return None
    if not privacy.countable(request, fragment=bool(fragment)):
        return None
    day = privacy.today()
    if kind == Kind.SEARCH:
        query = normalise_query(request.GET.get("q", ""))
        if not query:
            return None
        return Event(day, kind, detail=query, results=getattr(response, "analytics_results", None), visitor=privacy.visitor_hash(request, day))
    return Event(day, kind, target=f"{prefix}:{value}"[:140], visitor=privacy.visitor_hash(request, day))


class AnalyticsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            event = event_for(request, response)
            if event is not None:
                recording.record(event)
        except Exception:  # a page is served even when counting fails
            log.exception("counting a page view failed")
        return response
