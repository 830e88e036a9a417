"""Every write of the monitoring app. Views, commands, tasks and the scheduler call these.

Sources: ``add_source``, ``pause_source``, ``resume_source``, ``fetch_source``,
``import_opml``, ``export_opml``. Entries: ``pick_entry``, ``discard_entry``, ``mark_tip``, ``mark_published``.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from omvarld.lib.fetch import FetchError, FetchPolicy, check_url, fetch, host_key
from omvarld.monitoring import pipeline, robots
from omvarld.monitoring.models import Entry, EntryDecision, EntryTag, FetchLog, Source
from omvarld.monitoring.opml import OPMLError, Outline, build_opml, parse_opml
from omvarld.monitoring.sources import ParseError, get_kind
from omvarld.monitoring.sources.feed.discover import discover_feeds
from omvarld.monitoring.sources.feed.parse import looks_like_feed
from omvarld.monitoring.sources.webpage.adapter import decode_html

log = logging.getLogger(__name__)

MIN_INTERVAL = dt.timedelta(minutes=15)
MAX_INTERVAL = dt.timedelta(hours=24)
MAX_BACKOFF = dt.timedelta(hours=24)


class SourceError(Exception):
    """A source could not be added; ``key``/``params`` describe why (see ``errors``)."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


def fetch_policy() -> FetchPolicy:
    return FetchPolicy(
        connect_timeout=settings.FETCH_CONNECT_TIMEOUT,
        total_timeout=settings.FETCH_TIMEOUT,
        max_bytes=settings.FETCH_MAX_MB * 1024 * 1024,
        allow_loopback=settings.FETCH_ALLOW_LOOPBACK,
    )


# --- sources ---------------------------------------------------------------------------------------

def add_source(*, url: str, user, kind: str = "feed", title: str = "", css_selector: str = "", entities=(),
               priority: int = Source.Priority.NORMAL, category: str = "", discover: bool = True, fetcher=fetch) -> Source:
    """Add a feed (its URL, or a site's URL to discover the feed from) or a watched web page."""
    try:
        url = check_url(url.strip())
    except FetchError as exc:
        raise SourceError(exc.key, **exc.params) from None
    site_url = ""
    if kind == "feed" and discover:
        url, site_url, found_title = _resolve_feed(url, fetcher=fetcher)
        title = title or found_title
    elif kind == "webpage":
        site_url = url
        if css_selector:
            _check_selector(css_selector)
    existing = Source.objects.filter(url=url).first()
    if existing:
        return existing
    source = Source.objects.create(
        kind=kind, url=url, host=host_key(url), title=title[:300], site_url=site_url[:2000], css_selector=css_selector,
        priority=priority, category=category, added_by=user if getattr(user, "is_authenticated", False) else None,
    )
    if entities:
        source.entities.set(entities)
    return source


def _check_selector(selector: str) -> None:
    from cssselect import GenericTranslator, SelectorError

    try:
        GenericTranslator().css_to_xpath(selector)
    except SelectorError:
        raise SourceError("selector_invalid") from None


def _resolve_feed(url: str, *, fetcher) -> tuple[str, str, str]:
    """(feed URL, site URL, feed title) for a feed's URL or for a page that links to its feed."""
    try:
        result = fetcher(url, fetch_policy())
        if looks_like_feed(result.body):
            harvest = get_kind("feed").harvest(result.body, url=result.url)
            return result.url, harvest.site_url, harvest.title
        feeds = discover_feeds(decode_html(result.body, result.charset), result.url)
        if not feeds:
            raise SourceError("no_feed_found")
        feed_url = check_url(feeds[0])
        feed = fetcher(feed_url, fetch_policy())
        harvest = get_kind("feed").harvest(feed.body, url=feed.url)
        return feed.url, result.url, harvest.title
    except FetchError as exc:
        raise SourceError(exc.key, **exc.params) from None
    except ParseError as exc:
        raise SourceError(exc.key, **exc.params) from None


def pause_source(*, source: Source, user, reason: str = "by_editor") -> None:
    Source.objects.filter(pk=source.pk).update(paused=True, paused_reason=reason)
    source.paused, source.paused_reason = True, reason


def resume_source(*, source: Source, user) -> None:
    """Resume polling now, forgetting past errors (like miniflux's reset of feed errors)."""
    now = timezone.now()
    Source.objects.filter(pk=source.pk).update(paused=False, paused_reason="", error_count=0, next_check_at=now)
    source.paused, source.paused_reason, source.error_count, source.next_check_at = False, "", 0, now


# --- fetching --------------------------------------------------------------------------------------

@dataclass
class FetchOutcome:
    log: FetchLog
    new_entries: int = 0
    errors: list[str] = field(default_factory=list)


def fetch_source(*, source: Source, worker: str = "manual", fetcher=fetch, now=None) -> FetchLog:
    """Fetch one source, process what it brings, record the outcome, and schedule the next check.

    Never raises for anything the source or its server does: every failure is stored on the
    source (as a message key) and in a FetchLog row, so a worker keeps running.
    """
    started = time.monotonic()
    now = now or timezone.now()
    policy = fetch_policy()
    status = None
    try:
        kind = get_kind(source.kind)
        if kind.respect_robots and not robots.allowed(source.url, policy, fetcher=fetcher):
            raise FetchError("robots_disallowed")
        result = fetcher(source.url, policy, etag=source.etag, last_modified=source.last_modified)
        status = result.status
        if result.not_modified:
            return _record_success(source, result, harvest=None, seen=0, new=0, worker=worker, now=now, started=started)
        harvest = kind.harvest(result.body, url=result.url, content_type=result.content_type, charset=result.charset,
                               css_selector=source.css_selector, previous_hash=source.content_hash)
        ctx = pipeline.Context.load()
        entity_ids = list(source.entities.values_list("pk", flat=True))
        prepared = pipeline.prepare_many(harvest.candidates, ctx, source_entities=entity_ids,
                                         source_priority=source.priority, now=now)
        fresh = pipeline.drop_known(source, prepared)
        _fetch_full_texts(fresh, ctx, entity_ids, source.priority, policy, fetcher, now)
        new = pipeline.store(source, fresh, now=now)
        return _record_success(source, result, harvest=harvest, seen=len(prepared), new=new, worker=worker, now=now, started=started)
    except (FetchError, ParseError) as exc:
        return _record_failure(source, exc.key, exc.params, status=getattr(exc, "status", None) or status,
                               retry_after=getattr(exc, "retry_after", None), worker=worker, now=now, started=started)
    except Exception:
        log.exception("fetching source %s failed unexpectedly", source.pk)
        return _record_failure(source, "internal_error", {}, status=status, retry_after=None, worker=worker, now=now, started=started)


def _fetch_full_texts(items, ctx, entity_ids, priority, policy, fetcher, now) -> None:
    budget = settings.FETCH_FULLTEXT_PER_FETCH
    for item in items:
        if budget <= 0:
            return
        if not pipeline.needs_full_text(item):
            continue
        budget -= 1
        try:
            page = fetcher(item.url, policy)
        except FetchError:
            continue
        pipeline.enrich(item, decode_html(page.body, page.charset), ctx, source_entities=entity_ids, source_priority=priority, now=now)


def _record_success(source, result, *, harvest, seen, new, worker, now, started) -> FetchLog:
    fields = {"last_fetched_at": now, "last_success_at": now, "last_status": result.status, "error_count": 0,
              "last_error_key": "", "last_error_params": {}, "claimed_by": "", "claimed_until": None}
    etag = result.headers.get("etag", "")[:500]
    last_modified = result.headers.get("last-modified", "")[:100]
    if not result.not_modified:
        fields.update(etag=etag, last_modified=last_modified)
    if result.permanent_redirect and not Source.objects.filter(url=result.permanent_redirect).exclude(pk=source.pk).exists():
        fields.update(url=result.permanent_redirect, host=host_key(result.permanent_redirect))
    if harvest is not None:
        if harvest.content_hash:
            fields["content_hash"] = harvest.content_hash
        if harvest.title and not source.title:
            fields["title"] = harvest.title[:300]
        if harvest.site_url and not source.site_url and harvest.site_url.startswith(("http://", "https://")):
            fields["site_url"] = harvest.site_url[:2000]
    interval = _next_interval(source, found_new=new > 0, ttl_s=harvest.ttl_s if harvest else None,
                              max_age=_max_age(result.headers))
    fields.update(interval_s=int(interval.total_seconds()), next_check_at=now + interval)
    Source.objects.filter(pk=source.pk).update(**fields)
    for name, value in fields.items():
        setattr(source, name, value)
    return FetchLog.objects.create(
        source=source, started_at=now, duration_ms=int((time.monotonic() - started) * 1000), status=result.status,
        outcome=FetchLog.Outcome.OK if new else FetchLog.Outcome.UNCHANGED, entries_seen=seen, entries_new=new, worker=worker[:100],
    )


def _record_failure(source, key, params, *, status, retry_after, worker, now, started) -> FetchLog:
    errors = source.error_count + 1
    fields = {"last_fetched_at": now, "last_status": status, "error_count": errors, "last_error_key": key,
              "last_error_params": params, "claimed_by": "", "claimed_until": None}
    if retry_after is not None:
        wait = dt.timedelta(seconds=min(max(retry_after, 60), MAX_BACKOFF.total_seconds()))
    else:
        wait = min(MAX_BACKOFF, max(MIN_INTERVAL, dt.timedelta(seconds=source.interval_s)) * (2 ** min(errors - 1, 10)))
    fields["next_check_at"] = now + wait
    if key == "gone":
        fields.update(paused=True, paused_reason="gone")
    elif errors >= settings.FETCH_MAX_ERRORS and key not in ("rate_limited", "unavailable"):
        fields.update(paused=True, paused_reason="too_many_errors", last_error_params={**params, "count": errors})
    Source.objects.filter(pk=source.pk).update(**fields)
    for name, value in fields.items():
        setattr(source, name, value)
    return FetchLog.objects.create(
        source=source, started_at=now, duration_ms=int((time.monotonic() - started) * 1000), status=status,
        outcome=FetchLog.Outcome.ERROR, error_key=key, error_params=params, worker=worker[:100],
    )


def _max_age(headers) -> int | None:
    for part in headers.get("cache-control", "").split(","):
        name, _, value = part.strip().partition("=")
        if name.lower() == "max-age" and value.strip().isdigit():
            return int(value.strip())
    return None


def _next_interval(source, *, found_new: bool, ttl_s: int | None, max_age: int | None) -> dt.timedelta:
    """Check more often while a source publishes, less often while it is quiet, within bounds,
    and never sooner than the feed's TTL or the response's max-age ask."""
    seconds = source.interval_s * (0.75 if found_new else 1.5)
    floor = max(MIN_INTERVAL.total_seconds(), ttl_s or 0, min(max_age or 0, MAX_INTERVAL.total_seconds()))
    return dt.timedelta(seconds=min(MAX_INTERVAL.total_seconds(), max(floor, seconds)))


# --- entries ---------------------------------------------------------------------------------------

def _decide(entry: Entry, user, decision: str, themes=None) -> EntryDecision:
    with transaction.atomic():
        now = timezone.now()
        Entry.objects.filter(pk=entry.pk).update(status=decision, decided_by=user, decided_at=now)
        entry.status, entry.decided_by, entry.decided_at = decision, user, now
        record = EntryDecision.objects.create(entry=entry, decision=decision, user=user, at=now)
        if themes is None and decision == Entry.Status.PICKED:
            themes = [t.theme_id for t in EntryTag.objects.filter(entry=entry, theme__isnull=False)]
        if themes:
            record.themes.set(themes)
    return record


def pick_entry(*, entry: Entry, user, themes=None) -> EntryDecision:
    """An editor takes the entry in. ``themes`` are the themes they confirm (default: the tags)."""
    return _decide(entry, user, Entry.Status.PICKED, themes)


def discard_entry(*, entry: Entry, user) -> EntryDecision:
    """An editor rejects the entry. It stays as a tombstone so the story does not come back."""
    return _decide(entry, user, Entry.Status.DISCARDED)


def mark_tip(*, entry: Entry, user) -> EntryDecision:
    return _decide(entry, user, Entry.Status.TIP)


def mark_published(*, entry: Entry, user) -> None:
    """The picked entry became a published notice: it leaves the editors' "picked" list.

    Not a decision of its own (the pick was), so the models learn nothing new from it.
    """
    now = timezone.now()
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.PUBLISHED, decided_by=user, decided_at=now)
    entry.status, entry.decided_by, entry.decided_at = Entry.Status.PUBLISHED, user, now


# --- OPML ------------------------------------------------------------------------------------------

@dataclass(order=True)
class ImportProblem:
    """One outline of a list that was not added: its line, what could be read of it (the
    address, or the title), and why (a message key with parameters, see ``errors``)."""

    line: int
    what: str = ""
    key: str = ""
    params: dict = field(default_factory=dict, compare=False)

    @property
    def message(self) -> str:
        from omvarld.monitoring.errors import describe

        return describe(self.key, self.params)


@dataclass
class ImportReport:
    """What an OPML import did: counts, and each outline not added with its line."""

    created: int = 0
    existing: int = 0  # already a source (or listed twice in the file)
    unsafe: list[ImportProblem] = field(default_factory=list)
    unreadable: list[ImportProblem] = field(default_factory=list)
    other_lists: int = 0

    @property
    def total(self) -> int:
        return self.created + self.existing + len(self.unsafe) + len(self.unreadable)


# Refusals that mean "this address is not safe to fetch"; other check_url refusals mean unreadable.
_UNSAFE_KEYS = {"url_scheme", "url_credentials", "address_loopback", "address_private", "address_link_local",
                "address_multicast", "address_unspecified", "address_reserved"}
_TITLE_MAX = Source._meta.get_field("title").max_length
_CATEGORY_MAX = Source._meta.get_field("category").max_length
_URL_MAX = Source._meta.get_field("url").max_length


def check_import_url(url: str) -> str:
    """``url`` if a list may add it as a source; else ``FetchError``. No name is resolved here
    (no network in a request): addresses written as numbers and local names are checked now,
    and every fetch checks again where the name leads."""
    import ipaddress
    from urllib.parse import urlsplit

    from omvarld.lib.fetch import address_refusal

    if len(url) > _URL_MAX or any(ch.isspace() for ch in url):
        raise FetchError("url_invalid", url=url[:200])
    url = check_url(url)
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    allow_loopback = settings.FETCH_ALLOW_LOOPBACK
    if (host == "localhost" or host.endswith(".localhost")) and not allow_loopback:
        raise FetchError("address_loopback", address=host)
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return url
    refusal = address_refusal(ip, allow_loopback=allow_loopback)
    if refusal:
        raise FetchError(refusal, address=host)
    return url


def import_opml(*, data: bytes, user) -> ImportReport:
    """Add every feed of an OPML or RDF/FOAF list as a source (without fetching them now).

    Raises ``SourceError`` when the file is refused whole (not a list, entity declarations, too
    many outlines, too deep): then nothing is added. Otherwise every readable feed is added in
    one transaction, and the report names each outline that was not, with its line.
    """
    try:
        parsed = parse_opml(data, max_outlines=settings.OPML_MAX_OUTLINES)
    except OPMLError as exc:
        raise SourceError(exc.key, **exc.params) from None
    report = ImportReport(existing=parsed.duplicates, other_lists=parsed.other_lists)
    report.unreadable.extend(ImportProblem(p.line, p.detail, p.key) for p in parsed.problems)
    added_by = user if getattr(user, "is_authenticated", False) else None
    to_create = []
    for o in parsed.outlines:
        try:
            url = check_import_url(o.xml_url)
        except FetchError as exc:
            if exc.key == "url_scheme" and ":" not in o.xml_url:  # a relative address, not a scheme we refuse
                exc = FetchError("url_invalid", url=o.xml_url[:200])
            problem = ImportProblem(o.line, o.xml_url, exc.key, exc.params)
            (report.unsafe if exc.key in _UNSAFE_KEYS else report.unreadable).append(problem)
            continue
        if len(o.category) > _CATEGORY_MAX:
            report.unreadable.append(ImportProblem(o.line, o.xml_url, "opml_folder_too_long"))
            continue
        html_url = o.html_url if o.html_url.startswith(("http://", "https://")) and len(o.html_url) <= 2000 else ""
        title = "" if o.title == o.xml_url else o.title[:_TITLE_MAX]
        to_create.append(Source(kind="feed", url=url, host=host_key(url), title=title, site_url=html_url,
                                category=o.category, added_by=added_by))
    report.unreadable.sort()
    report.unsafe.sort()
    with transaction.atomic():
        known = set()
        urls = [s.url for s in to_create]
        for i in range(0, len(urls), 500):
            known.update(Source.objects.filter(url__in=urls[i:i + 500]).values_list("url", flat=True))
        fresh = [s for s in to_create if s.url not in known]
        Source.objects.bulk_create(fresh, batch_size=500)
    report.created = len(fresh)
    report.existing += len(to_create) - len(fresh)
    return report


def export_opml() -> bytes:
    outlines = [Outline(title=s.title, xml_url=s.url, html_url=s.site_url, category=s.category)
                for s in Source.objects.filter(kind="feed").order_by("category", "title", "url")]
    return build_opml(outlines, title=f"{settings.SITE_NAME} sources")
