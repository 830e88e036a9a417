"""Markdown for editors' commentary, limited to a small safe subset of HTML.

Markdown passes raw HTML through, so the rendered HTML is always cleaned with nh3 afterwards:
only the tags below survive, links keep only http(s)/mailto targets, and scripts, styles and
event handlers are dropped with their content.
"""

import markdown
import nh3

from omvarld.lib.xmltext import clean_xml_text

TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4", "hr"}
ATTRIBUTES = {"a": {"href", "title"}}
SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    # Stored text is already clean; text from elsewhere may hold a lone surrogate, which the
    # sanitiser cannot encode, or control characters no page may carry.
    html = markdown.markdown(clean_xml_text(text or ""), extensions=["sane_lists"], output_format="html")
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel="noopener nofollow")
