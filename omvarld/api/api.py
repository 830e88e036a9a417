"""The read-only JSON API under /api/v1/ (MISSION X4), with token-guarded write endpoints.

Every endpoint answers in one envelope (see ``schemas``); bad input is a 400 that names the
parameter, never a 500. Read endpoints go through ``http_cache.cached_get``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI, Path, Query
from ninja.responses import Status
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import HttpBearer

from omvarld.api import pagination, queries
from omvarld.api.errors import ApiError, bad_parameter, error_response
from omvarld.api.http_cache import cached_get
from omvarld.api.models import APIToken, hash_token
from omvarld.api.schemas import (
    EntityDetail,
    EntityFilters,
    EntityList,
    ErrorEnvelope,
    EventFilters,
    ItemDetail,
    ItemFilters,
    ItemList,
    NoticeFilters,
    NoParams,
    Paging,
    SuggestionCreated,
    SuggestionIn,
    ThemeList,
    CheckAccepted,
    TipCreated,
    TipIn,
)

MAX_VALUE = 500
ID = Path(..., ge=1, le=2**63 - 1)
SLUG_PATH = Path(..., max_length=120, pattern=r"^[-a-zA-Z0-9_]+$")
ERRORS = {400: ErrorEnvelope, 404: ErrorEnvelope, 414: ErrorEnvelope}


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        if len(token) > 100:
            return None
        found = APIToken.objects.select_related("user").filter(key_hash=hash_token(token), revoked_at__isnull=True).first()
        if found is None or not found.user.is_active:
            return None
        APIToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        return found.user


api = NinjaAPI(
    title=f"{settings.SITE_NAME} API",
    version="1",
    description="Read-only access to the map's entities, items, news notices, themes and events. "
    "Lists are paged with cursors; write endpoints need a token (Authorization: Bearer …).",
    urls_namespace="api",
    docs_url=None,  # the interactive docs page loads third-party scripts
)
api.add_decorator(cached_get, mode="view")


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    first = exc.errors[0] if exc.errors else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body", "filters", "payload")]
    parameter = loc[0] if loc else None
    return error_response("bad_parameter", f"Invalid value: {first.get('msg', 'not valid')}", parameter=parameter)


@api.exception_handler(ApiError)
def _api_error(request, exc):
    return error_response(exc.code, exc.message, parameter=exc.parameter, status=exc.status)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response("not_found", "No such record.", status=404)


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    return error_response("unauthorised", "A valid API token is needed (Authorization: Bearer <token>).", status=401)


def strict(request, schema) -> None:
    """Refuse parameters an endpoint does not know, oversized values and NUL characters."""
    known = set(schema.model_fields)
    for name, values in request.GET.lists():
        if name not in known:
            raise bad_parameter(name, f"Unknown parameter; this endpoint takes: {', '.join(sorted(known))}.")
        if len(values) > 1:
            raise bad_parameter(name, "Give this parameter once.")
        if len(values[0]) > MAX_VALUE or "\x00" in values[0]:
            raise bad_parameter(name, f"The value is too long (at most {MAX_VALUE} characters) or has a NUL character.")
    for field in ("published_from", "starts_from"):
        lo, hi = request.GET.get(field), request.GET.get(field.replace("_from", "_to"))
        if lo and hi and lo > hi:
            raise bad_parameter(field, "The start date is after the end date.")


def _html(path: str) -> str:
    return settings.SITE_URL + path


def entity_out(e) -> dict:
    return {
        "id": e.pk, "slug": e.slug, "name_sv": e.name_sv, "name_en": e.name_en, "aliases": e.alias_list(),
        "summary_sv": e.summary_sv, "summary_en": e.summary_en, "main_category": e.main_category.slug,
        "country": e.country, "region": e.region.slug if e.region else None, "latitude": e.latitude,
        "longitude": e.longitude, "website": e.website, "priority": e.priority, "is_watched": e.is_watched,
        "updated_at": e.updated_at, "html_url": _html(e.get_absolute_url()),
    }


def item_out(i) -> dict:
    return {
        "id": i.pk, "type": i.type, "title": i.title, "url": i.url, "source_name": i.source_name,
        "language": i.language, "published_on": i.published_on, "starts_on": i.starts_on, "ends_on": i.ends_on,
        "location": i.location, "summary": i.summary, "commentary": i.commentary, "published_at": i.published_at,
        "updated_at": i.updated_at, "entities": [p.entity.slug for p in i.placements.all()],
        "themes": [t.slug for t in i.themes.all()], "html_url": _html(i.get_absolute_url()),
    }


def theme_out(t) -> dict:
    return {"id": t.pk, "slug": t.slug, "label_sv": t.label_sv, "label_en": t.label_en, "synonyms": t.synonyms(), "html_url": _html(t.get_absolute_url())}


def listing(rows, next_cursor, limit, render) -> dict:
    return {"ok": True, "data": [render(r) for r in rows], "meta": {"limit": limit, "count": len(rows), "next_cursor": next_cursor}}


NEWEST_FIRST = ([("id", True)], [int])


@api.get("/entities", response={200: EntityList, **ERRORS}, tags=["entities"], summary="Entities on the map, oldest first")
def list_entities(request, filters: Query[EntityFilters]):
    strict(request, EntityFilters)
    rows, nxt = pagination.page(queries.entities(filters), order=[("id", False)], kinds=[int], cursor=filters.cursor, limit=filters.limit)
    return listing(rows, nxt, filters.limit, entity_out)


@api.get("/entities/{slug}", response={200: EntityDetail, **ERRORS}, tags=["entities"], summary="One entity")
def get_entity(request, slug: str = SLUG_PATH):
    strict(request, NoParams)
    e = queries.entities(EntityFilters()).filter(slug=slug).first()
    if e is None:
        raise Http404
    return {"ok": True, "data": entity_out(e)}


@api.get("/items", response={200: ItemList, **ERRORS}, tags=["items"], summary="Published items, newest first; `q` searches")
def list_items(request, filters: Query[ItemFilters]):
    strict(request, ItemFilters)
    qs = queries.with_tags(queries.items(filters))
    rows, nxt = pagination.page(qs, order=NEWEST_FIRST[0], kinds=NEWEST_FIRST[1], cursor=filters.cursor, limit=filters.limit)
    return listing(rows, nxt, filters.limit, item_out)


@api.get("/items/{item_id}", response={200: ItemDetail, **ERRORS}, tags=["items"], summary="One published item")
def get_item(request, item_id: int = ID):
    strict(request, NoParams)
    item = queries.with_tags(queries.published_items()).filter(pk=item_id).first()
    if item is None:
        raise Http404
    return {"ok": True, "data": item_out(item)}


@api.get("/notices", response={200: ItemList, **ERRORS}, tags=["notices"], summary="Published news notices, newest first")
def list_notices(request, filters: Query[NoticeFilters]):
    strict(request, NoticeFilters)
    qs = queries.with_tags(queries.notices(filters))
    rows, nxt = pagination.page(qs, order=NEWEST_FIRST[0], kinds=NEWEST_FIRST[1], cursor=filters.cursor, limit=filters.limit)
    return listing(rows, nxt, filters.limit, item_out)


@api.get("/events", response={200: ItemList, **ERRORS}, tags=["events"], summary="Published events by start date")
def list_events(request, filters: Query[EventFilters]):
    strict(request, EventFilters)
    qs = queries.with_tags(queries.events(filters))
    order = [("starts_on", False), ("id", False)]
    rows, nxt = pagination.page(qs, order=order, kinds=[dt.date, int], cursor=filters.cursor, limit=filters.limit)
    return listing(rows, nxt, filters.limit, item_out)


@api.get("/", response={200: dict, **ERRORS}, tags=["about"], summary="What this API offers, with links")
def index(request):
    strict(request, NoParams)
    resources = ["entities", "items", "notices", "themes", "events"]
    return {"ok": True, "data": {
        "name": api.title, "version": api.version,
        "openapi": _html("/api/v1/openapi.json"),
        "resources": {name: _html(f"/api/v1/{name}") for name in resources},
    }}


@api.get("/themes", response={200: ThemeList, **ERRORS}, tags=["themes"], summary="The theme vocabulary")
def list_themes(request, filters: Query[Paging]):
    strict(request, Paging)
    rows, nxt = pagination.page(queries.themes(), order=[("id", False)], kinds=[int], cursor=filters.cursor, limit=filters.limit)
    return listing(rows, nxt, filters.limit, theme_out)


@api.post("/tips", auth=TokenAuth(), response={202: CheckAccepted, 400: ErrorEnvelope, 401: ErrorEnvelope}, tags=["write"], summary="Send a tip to the editors' inbox (checked by a worker)")
def post_tip(request, payload: TipIn):
    """The link is read by a background worker, not by this request (#18): the answer is 202 with
    the queued check; a link that turns out not to be a web page is dropped then."""
    from omvarld.lib.fetch import FetchError, check_url
    from omvarld.monitoring.errors import describe
    from omvarld.newsdesk.tasks import check_tip_task
    from omvarld.runtime import jobs

    try:
        check_url(payload.url.strip())
    except FetchError as exc:
        raise ApiError("tip_refused", describe(exc.key, exc.params), parameter="url") from None
    job = jobs.start(kind="tip", user=request.auth, task=check_tip_task, params={"url": payload.url.strip(), "note": payload.note})
    return Status(202, {"ok": True, "data": check_out(job)})


def check_out(job) -> dict:
    return {"id": job.pk, "kind": job.kind, "state": job.state, "message": job.message}


@api.post("/suggestions", auth=TokenAuth(), response={201: SuggestionCreated, 400: ErrorEnvelope, 401: ErrorEnvelope, 403: ErrorEnvelope}, tags=["write"], summary="Suggest a new item for the map (to the editors' review queue)")
def post_suggestion(request, payload: SuggestionIn):
    from django.core.exceptions import PermissionDenied

    from omvarld.core.models import Entity
    from omvarld.editorial import actions as editorial
    from omvarld.editorial.forms import NewItemSuggestionForm

    entities = {e.slug: e.pk for e in Entity.objects.alive().filter(slug__in=payload.entities)}
    unknown = [slug for slug in payload.entities if slug not in entities]
    if unknown:
        raise bad_parameter("entities", f"Unknown entity: {unknown[0]}")
    data = payload.dict()
    data["entities"] = [entities[slug] for slug in payload.entities]
    form = NewItemSuggestionForm(data)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise bad_parameter(field, " ".join(str(e) for e in errors))
    try:
        suggestion = editorial.submit_suggestion(
            author=request.auth, kind=form.kind, title=form.suggestion_title(), data=form.answers()
        )
    except PermissionDenied:
        raise ApiError("forbidden", "This token's user may not suggest items.", status=403) from None
    return Status(201, {"ok": True, "data": {"id": suggestion.pk, "status": suggestion.status, "title": suggestion.title}})
