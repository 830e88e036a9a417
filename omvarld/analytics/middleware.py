"""Counting page views outside any page cache (MISSION M10).

``AnalyticsMiddleware`` sits first in MIDDLEWARE, before any cache middleware, so a page served
from a cache is counted like one the view rendered. It decides from the resolved URL name, never
from a cookie, and it never sets one.
"""

import logging

from django.urls import Resolver404, resolve
from django.utils import timezone

from omvarld.analytics import privacy, recording
from omvarld.analytics.models import Kind
from omvarld.analytics.recording import Event

log = logging.getLogger(__name__)

# URL name -> (kind, target prefix, URL keyword that names the object)
TRACKED = {
    "catalogue:entity": (Kind.VIEW_ENTITY, "entity", "slug"),
    "catalogue:item": (Kind.VIEW_ITEM, "item", "pk"),
    "catalogue:theme": (Kind.VIEW_THEME, "theme", "slug"),
    "catalogue:category": (Kind.VIEW_CATEGORY, "category", "slug"),
    "catalogue:search": (Kind.SEARCH, "", ""),
}
MAX_QUERY = 200
# Only paths under these can be tracked pages; others skip URL resolving.
PREFIXES = ("/entities/", "/items/", "/themes/", "/categories/", "/search/")


def normalise_query(q: str) -> str:
    return " ".join(q.lower().split())[:MAX_QUERY]


def set_result_count(response, count: int) -> None:
    """Views call this so a search is stored with how much it found (it survives page caches
    that pickle the response)."""
    response.analytics_results = count


def event_for(request, response) -> Event | None:
    """The event a finished request stands for, or None when it is not counted."""
    if response.status_code != 200 or request.method != "GET" or not request.path_info.startswith(PREFIXES):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    spec = TRACKED.get(match.view_name)
    if spec is None:
        return None
    # An htmx fragment belongs to a page already counted, except a search the search form sends.
    fragment = request.headers.get("HX-Request") and not request.headers.get("HX-Boosted")
    if fragment and spec[0] != Kind.SEARCH:
        return None
    if not privacy.countable(request, fragment=bool(fragment)):
        return None
    kind, prefix, key = spec
    day = timezone.localdate()
    if kind == Kind.SEARCH:
        query = normalise_query(request.GET.get("q", ""))
        if not query:
            return None
        return Event(day, kind, detail=query, results=getattr(response, "analytics_results", None), visitor=privacy.visitor_hash(request, day))
    return Event(day, kind, target=f"{prefix}:{match.kwargs[key]}"[:140], visitor=privacy.visitor_hash(request, day))


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
