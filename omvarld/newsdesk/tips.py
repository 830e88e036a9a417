"""Members' tips: a link and a note, fetched safely and put in the editors' inbox (MISSION N4).

The link is read once through ``omvarld.lib.fetch`` (which refuses private and loopback addresses
and bounds time and size), must be an HTML page, and goes through the monitoring pipeline like
any entry so it is tagged and scored. The entry, its tip mark and the tip row are written in one
transaction: a refused or failing tip leaves nothing behind.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from omvarld.lib.fetch import FetchError, fetch
from omvarld.monitoring import actions as monitoring
from omvarld.monitoring import pipeline
from omvarld.monitoring.errors import describe
from omvarld.monitoring.models import Entry
from omvarld.monitoring.sources.base import Candidate, ParseError
from omvarld.monitoring.sources.webpage.adapter import decode_html, extract_page, looks_like_html
from omvarld.monitoring.text import canonical_url
from omvarld.newsdesk.models import Tip

HTML_TYPES = {"text/html", "application/xhtml+xml"}


class TipRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read_page(url: str, *, fetcher=fetch) -> tuple[str, str, str]:
    """(final url, title, main text) of an HTML page, or ``TipRefused`` saying why not."""
    try:
        result = fetcher(url, monitoring.fetch_policy())
    except FetchError as exc:
        raise TipRefused(describe(exc.key, exc.params)) from None
    if result.content_type not in HTML_TYPES or not looks_like_html(result.body):
        raise TipRefused(_("The link is not a web page (it is %(type)s); send a link to an HTML page.") % {"type": result.content_type or "?"})
    html = decode_html(result.body, result.charset)
    try:
        title, text, _part = extract_page(html, url=result.url)
    except ParseError:
        raise TipRefused(_("The page could not be read.")) from None
    return result.url, title, text


def submit_tip(*, user, url: str, note: str = "", fetcher=fetch) -> Entry:
    """Fetch ``url`` and put it in the inbox as a tip from ``user``; the inbox entry."""
    if not user.is_authenticated:
        raise TipRefused(_("Sign in to send a tip."))
    final_url, title, text = read_page(url.strip(), fetcher=fetcher)
    ctx = pipeline.Context.load()
    prepared = pipeline.prepare(Candidate(guid="tip:" + canonical_url(final_url), link=final_url, title=title or final_url, text=text), ctx)
    with transaction.atomic():
        entry = _known_entry(prepared)
        if entry is None:
            pipeline.store(None, [prepared])
            entry = Entry.objects.filter(source__isnull=True, guid=prepared.guid).order_by("-id").first()
        if entry.status in (Entry.Status.NEW, Entry.Status.DISCARDED):
            monitoring.mark_tip(entry=entry, user=user)
        Tip.objects.create(entry=entry, sender=user, note=note.strip())
    return entry


def _known_entry(prepared) -> Entry | None:
    """The entry this story already is, from a feed or an earlier tip, so a tip adds to it."""
    if prepared.url:
        found = Entry.objects.filter(url=prepared.url).order_by("id").first()
        if found:
            return found
    return Entry.objects.filter(content_hash=prepared.content_hash).order_by("id").first()
