"""Atom 1.0 and RSS 2.0 feeds of published notices: all, per theme, per entity, per main category (N6).

One feed class serves every scope; the URL says which scope and format. Feed and entry ids are the
absolute URLs of the pages they describe, which are stable and unique, as RFC 4287 asks of atom:id.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.functional import Promise
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from omvarld.core.models import Entity, MainCategory, Theme
from omvarld.lib.links import safe_link
from omvarld.lib.xmltext import clean_value
from omvarld.newsdesk import queries

FEED_LENGTH = 30
SCOPES = {"theme": Theme, "entity": Entity, "category": MainCategory}


class _CleanFeedMixin:
    """Drops characters XML 1.0 forbids from every value, so no stored record can break a feed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*_clean(args), **{k: _clean(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*_clean(args), **{k: _clean(v) for k, v in kwargs.items()})


def _clean(value):
    if isinstance(value, Promise):
        value = str(value)
    elif isinstance(value, (list, tuple)):
        return type(value)(_clean(v) for v in value)
    return clean_value(value)


class CleanAtom1Feed(_CleanFeedMixin, Atom1Feed):
    pass


class CleanRss201rev2Feed(_CleanFeedMixin, Rss201rev2Feed):
    pass


class NoticeFeed(Feed):
    feed_type = CleanAtom1Feed
    language = "sv"

    def get_object(self, request, scope=None, slug=None):
        if scope is None:
            return None
        if scope not in SCOPES:
            raise Http404
        return get_object_or_404(SCOPES[scope].objects.alive(), slug=slug)

    def _scope(self, obj):
        if obj is None:
            return {}
        return {next(k for k, m in SCOPES.items() if isinstance(obj, m)): obj}

    def title(self, obj):
        if obj is None:
            return _("%(site)s: news notices") % {"site": settings.SITE_NAME}
        return _("%(site)s: news notices about %(name)s") % {"site": settings.SITE_NAME, "name": str(obj)}

    def subtitle(self, obj):
        return _("Short notices on international news for smart sustainable cities, with the editors' commentary.")

    description = subtitle

    def link(self, obj):
        return absolute(obj.get_absolute_url() if obj is not None else reverse("newsdesk:stream"))

    def feed_url(self, obj):
        return absolute(self._path(obj))

    def _path(self, obj):
        name = "newsdesk:feed-rss" if issubclass(self.feed_type, Rss201rev2Feed) else "newsdesk:feed-atom"
        if obj is None:
            return reverse(name)
        return reverse(name + "-scoped", args=[next(iter(self._scope(obj))), obj.slug])

    def author_name(self):
        return settings.SITE_NAME

    def author_link(self):
        return absolute("/")

    def items(self, obj):
        return queries.latest_notices(FEED_LENGTH, **self._scope(obj))

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return absolute(item.get_absolute_url())

    def item_description(self, item):
        parts = []
        if item.summary:
            parts.append(linebreaks(escape(item.summary)))
        if item.commentary:
            parts.append(f"<p><strong>{escape(_('Commentary'))}:</strong></p>" + linebreaks(escape(item.commentary)))
        if safe_link(item.url):
            parts.append(f'<p><a href="{escape(safe_link(item.url))}">{escape(item.source_name or item.url)}</a></p>')
        return "".join(parts) or escape(item.title)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at) if item.published_at else item.updated_at

    def item_categories(self, item):
        return [t.label for t in item.notice_themes]


class NoticeRssFeed(NoticeFeed):
    feed_type = CleanRss201rev2Feed


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def feed_links(scope: str = "", obj=None) -> dict:
    if obj is None:
        return {"atom": reverse("newsdesk:feed-atom"), "rss": reverse("newsdesk:feed-rss")}
    return {
        "atom": reverse("newsdesk:feed-atom-scoped", args=[scope, obj.slug]),
        "rss": reverse("newsdesk:feed-rss-scoped", args=[scope, obj.slug]),
    }
