"""Notices on the entity and theme pages of the map: the catalogue's templates include one line."""

from django import template

from omvarld.newsdesk import queries
from omvarld.newsdesk.feeds import feed_links

register = template.Library()

ON_PAGE = 5


@register.inclusion_tag("newsdesk/includes/notice_list.html")
def notices_about(obj, scope):
    """The latest notices about an entity or theme, with links to its feeds."""
    return {"notices": queries.latest_notices(ON_PAGE, **{scope: obj}), "feeds": feed_links(scope, obj), "subject": obj}
