"""Feeds: RSS 0.9x/1.0/2.0, Atom and JSON Feed."""

from django.utils.translation import gettext_lazy as _

from omvarld.monitoring.sources import base
from omvarld.monitoring.sources.feed.parse import looks_like_feed, parse_feed


class Kind(base.Kind):
    name = "feed"
    label = _("Feed (RSS, Atom, JSON Feed)")
    respect_robots = False  # a published feed is an invitation to poll it

    def sniff(self, body, content_type):
        return looks_like_feed(body)

    def harvest(self, body, *, url, content_type="", charset=None, css_selector="", previous_hash=""):
        return parse_feed(body)
