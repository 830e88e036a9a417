"""Each member's private Atom feed of their ranked feed, at a secret address they can reset."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from omvarld.personal import queries

FEED_LENGTH = 30


class MemberFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, profile=None):
        return profile

    def title(self, profile):
        return _("%(site)s: for you") % {"site": settings.SITE_NAME}

    def link(self, profile):
        return reverse("personal:feed")

    def feed_guid(self, profile):
        return f"{settings.SITE_URL.rstrip('/')}/feed/#member-{profile.user_id}"

    def items(self, profile):
        return queries.ranked_for(profile.user, limit=FEED_LENGTH)

    def item_title(self, ranked):
        return ranked.story.title

    def item_description(self, ranked):
        return ranked.story.summary

    def item_link(self, ranked):
        s = ranked.story
        return s.url if s.kind == "entry" and s.url else reverse("catalogue:item", args=[s.object_id])

    def item_guid(self, ranked):
        return f"{settings.SITE_URL.rstrip('/')}/feed/#{ranked.story.key}"

    def item_guid_is_permalink(self, ranked):
        return False

    def item_updateddate(self, ranked):
        return ranked.story.at

    def item_pubdate(self, ranked):
        return ranked.story.at
