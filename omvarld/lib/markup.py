"""Markdown for editors' commentary, limited to a small safe subset of HTML.

Markdown passes raw HTML through, so the rendered HTML is always cleaned with nh3 afterwards:
only the tags below survive, links keep only http(s)/mailto targets, and scripts, styles and
event handlers are dropped with their content.
"""

import markdown
import nh3

TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "hr"}
ATTRIBUTES = {"a": {"href", "title"}}
SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel="noopener nofollow")
