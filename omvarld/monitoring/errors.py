"""Plain-words messages for the keys that fetching and parsing store.

Sources and fetch logs keep a key and parameters, never English prose, so each editor reads the
error in their own language. Unknown keys fall back to the key itself.
"""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # Addresses and URLs
    "url_invalid": _("The address is not a valid web address."),
    "url_scheme": _("Only http and https addresses can be fetched, not “%(scheme)s”."),
    "url_credentials": _("Addresses with a user name or password are not accepted."),
    "address_loopback": _("The server's address (%(address)s) is this machine itself; it is refused for safety."),
    "address_private": _("The server's address (%(address)s) is in a private network; it is refused for safety."),
    "address_link_local": _("The server's address (%(address)s) is link-local (such as a cloud metadata service); it is refused for safety."),
    "address_multicast": _("The server's address (%(address)s) is a multicast address; it is refused."),
    "address_unspecified": _("The server's address (%(address)s) is unspecified; it is refused."),
    "address_reserved": _("The server's address (%(address)s) is reserved, not a public address; it is refused."),
    "dns_failed": _("The name %(host)s could not be found (DNS)."),
    "connect_failed": _("Could not connect to %(host)s."),
    "connect_timeout": _("%(host)s did not answer in time."),
    "timeout": _("The server took longer than %(seconds)s seconds to send its answer."),
    "protocol_error": _("%(host)s sent a broken HTTP answer."),
    "too_many_redirects": _("The address redirects more than %(limit)s times."),
    "redirect_loop": _("The address redirects in a loop."),
    "too_large": _("The answer is larger than %(limit_mb)s MB, the limit."),
    "encoding_unsupported": _("The server compressed its answer in a way we do not read (%(encoding)s)."),
    "encoding_broken": _("The server's compressed answer is damaged."),
    # HTTP status
    "gone": _("The source no longer exists (HTTP 410); it was paused."),
    "rate_limited": _("The server asked us to slow down (HTTP 429); we will try again later."),
    "unavailable": _("The server is temporarily unavailable (HTTP 503); we will try again later."),
    "forbidden": _("The server refused access (HTTP %(status)s)."),
    "not_found": _("The address was not found (HTTP 404)."),
    "server_error": _("The server had an error (HTTP %(status)s)."),
    "http_error": _("The server answered with HTTP %(status)s."),
    "robots_disallowed": _("The site's robots.txt does not allow us to fetch this page."),
    # Parsing
    "parse_empty": _("The answer was empty."),
    "parse_not_feed": _("The answer is not a feed (RSS, Atom or JSON Feed) nor a web page we can read."),
    "parse_entities": _("The feed declares XML entities, which we refuse for safety (XXE or entity expansion)."),
    "parse_failed": _("The feed could not be read: %(detail)s"),
    "no_feed_found": _("No feed was found on this page."),
    "selector_invalid": _("The CSS selector is not valid."),
    "selector_no_match": _("The CSS selector matched nothing on the page."),
    "file_unreadable": _("The file could not be read."),
    # Subscription lists (OPML, RDF/FOAF)
    "opml_too_large": _("The file is larger than %(limit_mb)s MB, the limit for a subscription list; nothing was imported."),
    "opml_entities": _("The file declares XML entities, which we refuse for safety (entity expansion or external entities); nothing was imported."),
    "opml_empty": _("The file is empty; nothing was imported."),
    "opml_not_a_list": _("The file is not a subscription list (OPML or RDF/FOAF); nothing was imported."),
    "opml_too_many": _("The list has more than %(limit)s outlines (feeds and folders), the limit; nothing was imported. Split it into smaller lists."),
    "opml_too_deep": _("The list nests folders more than %(limit)s levels deep; nothing was imported."),
    "opml_unreadable": _("An outline here could not be read (broken markup)."),
    "opml_damaged": _("The outline's attributes are damaged and no feed address could be read."),
    "opml_no_address": _("The outline is a feed with an empty address."),
    "opml_folder_too_long": _("The feed's folder path is longer than 300 characters."),
    # Pausing
    "by_editor": _("Paused by an editor."),
    "too_many_errors": _("Paused after %(count)s failed fetches in a row."),
    "internal_error": _("An unexpected error occurred while processing the source."),
}


class _Params(dict):
    def __missing__(self, key):
        return "?"


def describe(key: str, params: dict | None = None) -> str:
    """The message for ``key`` in the active language, filled with ``params``."""
    message = MESSAGES.get(key)
    if message is None:
        return key
    return str(message) % _Params(params or {})
