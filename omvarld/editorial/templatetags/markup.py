from django import template
from django.utils.safestring import mark_safe

from omvarld.lib.markup import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Commentary written in Markdown, as sanitised HTML (see ``omvarld.lib.markup``)."""
    return mark_safe(render_markdown(text))
