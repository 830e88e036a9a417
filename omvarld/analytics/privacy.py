"""Whether a request may be counted, and the daily visitor hash (MISSION M10).

Nothing here writes a cookie or reads one. The salt of a day is random, lives in one
``DailySalt`` row (so that every web process hashes alike) and in process memory, is never
logged, and is deleted by the rollup once the day has ended: after that, nobody can link a
day's hashes to an address, nor one day's visitor to the next day's.
"""

import hashlib
import hmac
import secrets
import threading
from datetime import datetime

from django.db import IntegrityError
from django.utils import timezone

# Words in the user agents of crawlers, link previews, monitors, headless browsers and HTTP
# libraries (compared in lower case; plain substring tests are many times faster than a regex).
BOT_WORDS = (
    "bot", "crawl", "spider", "slurp", "archiver", "headless", "phantom", "selenium", "puppeteer", "playwright",
    "lighthouse", "pingdom", "monitor", "uptime", "preview", "facebookexternalhit", "embedly", "scrapy", "python",
    "curl", "wget", "httpie", "httpx", "libwww", "java/", "okhttp", "go-http", "node-fetch", "axios", "feed",
    "reader", "validator", "check",
)


def is_bot(user_agent: str) -> bool:
    ua = user_agent.lower()
    return any(word in ua for word in BOT_WORDS)


def today():
    """Today in the site's time zone (cheaper than timezone.localdate on every page)."""
    return datetime.now(timezone.get_default_timezone()).date()


def opted_out(request) -> bool:
    """Do Not Track or Global Privacy Control: the visit is not counted."""
    meta = request.META
    return meta.get("HTTP_DNT", "").strip() == "1" or meta.get("HTTP_SEC_GPC", "").strip() == "1"


def looks_like_browser(request, *, fragment: bool = False) -> bool:
    """A person's browser sends these; crawlers and scripts usually do not send them all.

    ``fragment``: an htmx request of a page already open (sent by script, so it asks for any
    type and is not a navigation)."""
    # request.META rather than request.headers: this runs on every page, and META is at hand.
    meta = request.META
    ua = meta.get("HTTP_USER_AGENT", "")
    if not ua.startswith("Mozilla/") or not meta.get("HTTP_ACCEPT_LANGUAGE") or is_bot(ua):
        return False
    mode = meta.get("HTTP_SEC_FETCH_MODE")
    if fragment:
        return mode in (None, "cors", "same-origin")
    if "text/html" not in meta.get("HTTP_ACCEPT", ""):
        return False
    # Prefetches and prerenders are not reads.
    purpose = (meta.get("HTTP_SEC_PURPOSE", "") + meta.get("HTTP_PURPOSE", "")).lower()
    if "prefetch" in purpose or "prerender" in purpose:
        return False
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
    day = day or today()
    meta = request.META
    ip = meta.get("REMOTE_ADDR", "")
    ua = meta.get("HTTP_USER_AGENT", "")
    # The page was already served, so the host passed ALLOWED_HOSTS.
    site = meta.get("HTTP_HOST") or meta.get("SERVER_NAME", "")
    message = f"{ip}\n{ua}\n{site}".encode()
    return hmac.new(salts.for_day(day), message, hashlib.sha256).hexdigest()[:32]
