from django import template

from omvarld.lib.links import safe_link

register = template.Library()


@register.filter
def http_url(url):
    """The link if it is http(s) or mailto, else "" (see ``omvarld.lib.links``)."""
    return safe_link(str(url or ""))
