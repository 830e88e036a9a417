from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from . import queries


class WebinarFeed(Feed):
    feed_type = Atom1Feed
    title = _("Webinars")
    subtitle = _("Recorded webinars of the programme and its partners")

    def link(self):
        return reverse("webinars:list")

    def items(self):
        return queries.published().order_by("-held_at")[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.held_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [str(t) for t in item.themes.all()]
