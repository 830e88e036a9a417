"""The API's records and its one envelope: ``{"ok": true, "data": ..., "meta": ...}`` or
``{"ok": false, "error": {...}}``."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from omvarld.core.models import Item

SLUG = {"max_length": 120, "pattern": r"^[-a-zA-Z0-9_]+$"}
ItemType = Literal[tuple(Item.Type.values)]  # type: ignore[valid-type]


class Meta(Schema):
    limit: int
    count: int = Field(description="Records on this page")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class ErrorBody(Schema):
    code: str
    message: str
    parameter: str | None


class ErrorEnvelope(Schema):
    ok: Literal[False]
    error: ErrorBody


class EntityOut(Schema):
    id: int
    slug: str
    name_sv: str
    name_en: str
    aliases: list[str]
    summary_sv: str
    summary_en: str
    main_category: str
    country: str
    region: str | None
    latitude: float | None
    longitude: float | None
    website: str
    priority: int
    is_watched: bool
    updated_at: dt.datetime
    html_url: str


class ItemOut(Schema):
    id: int
    type: str
    title: str
    url: str
    source_name: str
    language: str
    published_on: dt.date | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    location: str
    summary: str
    commentary: str
    published_at: dt.datetime | None
    updated_at: dt.datetime
    entities: list[str]
    themes: list[str]
    html_url: str


class ThemeOut(Schema):
    id: int
    slug: str
    label_sv: str
    label_en: str
    synonyms: list[str]
    html_url: str


class EntityList(Schema):
    ok: Literal[True]
    data: list[EntityOut]
    meta: Meta


class EntityDetail(Schema):
    ok: Literal[True]
    data: EntityOut


class ItemList(Schema):
    ok: Literal[True]
    data: list[ItemOut]
    meta: Meta


class ItemDetail(Schema):
    ok: Literal[True]
    data: ItemOut


class ThemeList(Schema):
    ok: Literal[True]
    data: list[ThemeOut]
    meta: Meta


class NoParams(Schema):
    """Endpoints that take no query parameters."""


# Filters. Every list takes `limit` and `cursor`; unknown parameters are refused (see api.strict).
class Paging(Schema):
    limit: int = Field(20, ge=1, le=100, description="Records per page, 1–100")
    cursor: str | None = Field(None, max_length=200, description="From `meta.next_cursor` of the previous page")


class EntityFilters(Paging):
    category: str | None = Field(None, description="Main category slug", **SLUG)
    region: str | None = Field(None, description="Region slug", **SLUG)
    country: str | None = Field(None, min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$", description="ISO 3166 code")
    watched: bool | None = None
    updated_since: dt.datetime | None = None


class ItemFilters(Paging):
    type: ItemType | None = None
    theme: str | None = Field(None, description="Theme slug", **SLUG)
    entity: str | None = Field(None, description="Entity slug", **SLUG)
    category: str | None = Field(None, description="Main category slug of an attached entity", **SLUG)
    lang: str | None = Field(None, max_length=8, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$")
    published_from: dt.date | None = Field(None, description="Date of the material, from (YYYY-MM-DD)")
    published_to: dt.date | None = Field(None, description="Date of the material, to (YYYY-MM-DD)")
    updated_since: dt.datetime | None = None
    q: str | None = Field(None, min_length=1, max_length=200, description="Search text; results newest first")


class NoticeFilters(Paging):
    theme: str | None = Field(None, **SLUG)
    entity: str | None = Field(None, **SLUG)
    category: str | None = Field(None, **SLUG)
    lang: str | None = Field(None, max_length=8, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$")
    since: dt.datetime | None = Field(None, description="Published on the site at or after")


class EventFilters(Paging):
    starts_from: dt.date | None = Field(None, description="Starting on or after (YYYY-MM-DD)")
    starts_to: dt.date | None = Field(None, description="Starting on or before (YYYY-MM-DD)")
    theme: str | None = Field(None, **SLUG)
    entity: str | None = Field(None, **SLUG)


class TipIn(Schema):
    url: str = Field(max_length=1000, description="The link, http or https")
    note: str = Field("", max_length=2000)


class TipOut(Schema):
    id: int
    url: str
    title: str


class TipCreated(Schema):
    ok: Literal[True]
    data: TipOut


class CheckOut(Schema):
    """A queued check: a worker reads the link soon after."""

    id: int
    kind: str
    state: str = Field(description="pending, done or failed")
    message: str


class CheckAccepted(Schema):
    ok: Literal[True]
    data: CheckOut


class SuggestionIn(Schema):
    """A suggested new item for the map; it lands in the editors' review queue."""

    title: str = Field(max_length=300)
    type: str = Field("link", max_length=20, description="report, link, video, article, webinar, event, news_notice, tool or dataset")
    url: str = Field("", max_length=1000, description="The link, http or https")
    source_name: str = Field("", max_length=200)
    language: str = Field("en", max_length=8)
    published_on: str = Field("", max_length=10, description="YYYY-MM-DD")
    summary: str = Field(max_length=5000)
    note: str = Field("", max_length=5000, description="Why it matters to Swedish cities")
    entities: list[str] = Field(default_factory=list, max_length=20, description="Slugs of the entities it concerns")


class SuggestionOut(Schema):
    id: int
    status: str
    title: str


class SuggestionCreated(Schema):
    ok: Literal[True]
    data: SuggestionOut