"""Template helpers other pages use: outbound links through the counting redirect, and the
editors' "read last 30 days" figure."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import timezone

register = template.Library()


@register.simple_tag
def out_url(url, item=None, entity=None):
    """The address of ``url`` through /analytics/out/, which counts the click and redirects.

    A plain link that works without JavaScript; the redirect accepts only this exact pair."""
    if not url:
        return ""
    params = {"to": url}
    if item is not None:
        params["item"] = item.pk
    elif entity is not None:
        params["entity"] = entity.slug
    else:
        return url
    return f"{reverse('analytics:out')}?{urlencode(params)}"


@register.inclusion_tag("analytics/read_figure.html", takes_context=True)
def read_last_30_days(context, obj):
    """For editors only: how often the page of ``obj`` was read in the last 30 days."""
    from omvarld.analytics.actions import target_key
    from omvarld.analytics.queries import read_last_days

    can = context.get("can")
    if not (can and can.review):
        return {"show": False}
    return {"show": True, "views": read_last_days(target_key(obj), today=timezone.localdate())}
