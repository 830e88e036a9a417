"""Links that are safe to put in an href: http(s) and mailto only (#18).

Forms and imports already refuse other schemes; this keeps a record stored around them (a bulk
update, an old row) from putting a ``javascript:`` link into a page, a feed or a mail.
"""

from urllib.parse import urlsplit

SAFE_SCHEMES = {"http", "https", "mailto"}


def safe_link(url: str) -> str:
    """``url`` when its scheme is http, https or mailto (or it is relative), else ""."""
    url = (url or "").strip()
    if not url:
        return ""
    cleaned = "".join(ch for ch in url if ch > " " and ch != "\x7f")
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return ""
    if scheme and scheme not in SAFE_SCHEMES:
        return ""
    if not scheme and ":" in cleaned.split("/", 1)[0]:
        return ""
    return url
