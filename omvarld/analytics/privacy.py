"""Whether a request may be counted, and the daily visitor hash (MISSION M10).

Nothing here writes a cookie or reads one. The salt of a day is random, lives in one
``DailySalt`` row (so that every web process hashes alike) and in process memory, is never
logged, and is deleted by the rollup once the day has ended: after that, nobody can link a
day's hashes to an address, nor one day's visitor to the next day's.
"""

import hashlib
import hmac
import re
import secrets
import threading

from django.db import IntegrityError
from django.utils import timezone

# Crawlers, link previews, monitors, headless browsers and HTTP libraries.
BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|archiver|headless|phantom|selenium|puppeteer|playwright|lighthouse|pingdom|"
    r"monitor|uptime|preview|facebookexternalhit|embedly|scrapy|python|curl|wget|httpie|httpx|libwww|"
    r"java/|okhttp|go-http|node-fetch|axios|feed|reader|validator|check",
    re.IGNORECASE,
)


def opted_out(request) -> bool:
    """Do Not Track or Global Privacy Control: the visit is not counted."""
    return request.headers.get("DNT", "").strip() == "1" or request.headers.get("Sec-GPC", "").strip() == "1"


def looks_like_browser(request, *, fragment: bool = False) -> bool:
    """A person's browser sends these; crawlers and scripts usually do not send them all.

    ``fragment``: an htmx request of a page already open (sent by script, so it asks for any
    type and is not a navigation)."""
    ua = request.headers.get("User-Agent", "")
    if not ua.startswith("Mozilla/") or BOT_PATTERN.search(ua) or not request.headers.get("Accept-Language"):
        return False
    if fragment:
        return request.headers.get("Sec-Fetch-Mode") in (None, "cors", "same-origin")
    if "text/html" not in request.headers.get("Accept", ""):
        return False
    # Prefetches and prerenders are not reads.
    purpose = (request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")).lower()
    if "prefetch" in purpose or "prerender" in purpose:
        return False
    mode = request.headers.get("Sec-Fetch-Mode")
    return mode is None or mode == "navigate"


def countable(request, *, fragment: bool = False) -> bool:
    return request.method == "GET" and not opted_out(request) and looks_like_browser(request, fragment=fragment)


class _Salts:
    """The day's salt, fetched from (or created in) its row once per process and day."""

    def __init__(self):
        self._lock = threading.Lock()
        self._day = None
        self._value = b""

    def for_day(self, day) -> bytes:
        if self._day == day:
            return self._value
        with self._lock:
            if self._day != day:
                self._value, self._day = _load_or_create(day).encode(), day
        return self._value

    def forget(self) -> None:
        with self._lock:
            self._day, self._value = None, b""


def _load_or_create(day) -> str:
    from omvarld.analytics.models import DailySalt

    row = DailySalt.objects.filter(day=day).first()
    if row:
        return row.value
    try:
        return DailySalt.objects.create(day=day, value=secrets.token_hex(32)).value
    except IntegrityError:  # another process created it first
        return DailySalt.objects.get(day=day).value


salts = _Salts()


def visitor_hash(request, day=None) -> str:
    """Hash of (the day's salt, IP, user agent, site); only these 32 hex digits are ever stored."""
    day = day or timezone.localdate()
    ip = request.META.get("REMOTE_ADDR", "")
    ua = request.headers.get("User-Agent", "")
    site = request.get_host()
    message = f"{ip}\n{ua}\n{site}".encode()
    return hmac.new(salts.for_day(day), message, hashlib.sha256).hexdigest()[:32]
