"""robots.txt for watched web pages, cached per site for a day in each worker."""

from __future__ import annotations

import time
import urllib.robotparser
from dataclasses import replace
from urllib.parse import urlsplit, urlunsplit

from omvarld.lib.fetch import FetchError, FetchPolicy, fetch

CACHE_SECONDS = 24 * 3600
_cache: dict[str, tuple[float, urllib.robotparser.RobotFileParser]] = {}


def allowed(url: str, policy: FetchPolicy, *, fetcher=fetch) -> bool:
    parts = urlsplit(url)
    origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    cached = _cache.get(origin)
    if cached is None or cached[0] < time.monotonic():
        parser = urllib.robotparser.RobotFileParser()
        try:
            result = fetcher(origin + "/robots.txt", replace(policy, max_bytes=512 * 1024))
            parser.parse(result.body.decode("utf-8", "replace").splitlines())
        except FetchError as exc:
            if exc.status and 400 <= exc.status < 500:
                parser.allow_all = True  # no robots.txt: everything is allowed (RFC 9309)
            else:
                parser.disallow_all = True  # unreachable: assume nothing is (RFC 9309)
        _cache[origin] = (time.monotonic() + CACHE_SECONDS, parser)
        cached = _cache[origin]
    return cached[1].can_fetch(policy.user_agent.split("/")[0], url)


def forget() -> None:
    _cache.clear()
