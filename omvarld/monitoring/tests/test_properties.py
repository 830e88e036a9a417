"""Property-based fuzzing (#18): the feed parser wrapper, the URL canonicaliser, the HTML
sanitisers and the XML cleaning never crash, and their promises hold for any input Hypothesis
finds. (OPML import has its own.) No per-example deadline: the machine is shared, so speed is
not asserted here."""

import io
from html.parser import HTMLParser
from xml.sax.saxutils import escape

from django.utils.xmlutils import SimplerXMLGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omvarld.lib.markup import render_markdown
from omvarld.lib.xmltext import _FORBIDDEN, clean_xml_text
from omvarld.monitoring.sources.base import ParseError
from omvarld.monitoring.sources.feed.parse import parse_feed
from omvarld.monitoring.text import canonical_url, html_to_text, sanitise_html

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)
HOSTILE = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>", "<iframe src=//evil>", '<a href="JaVaScRiPt:alert(1)">', "<style>*{}</style>",
    '<div style="background:url(javascript:x)">', "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="&#x6A;avascript:alert(1)">x</a>', "<object data=x>", "<form action=javascript:x><button>",
    '"><script>x</script>', "<!--<script>x</script>-->", "<base href=//evil>", "<meta http-equiv=refresh content=0;url=//evil>",
    "\x0b\x00\ufffe", "]]>", "&lt;script&gt;",
])
MIXED = st.lists(st.one_of(HOSTILE, ANY_TEXT), max_size=6).map("".join)


class _Executable(HTMLParser):
    """Finds anything a browser would execute or that loads another document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "style", "base", "meta", "form", "svg", "math", "link"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag}@{name}")
            if name in ("href", "src", "action", "formaction", "data") and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:")):
                    self.found.append(f"{tag}@{name}={value[:30]}")


def executable(html: str) -> list:
    parser = _Executable()
    parser.feed(html)
    parser.close()
    return parser.found


@FUZZ
@given(ANY_TEXT)
def test_clean_xml_text_leaves_only_what_xml_allows(text):
    cleaned = clean_xml_text(text)
    assert _FORBIDDEN.search(cleaned) is None
    assert clean_xml_text(cleaned) == cleaned
    assert all(ch in text for ch in cleaned)  # only removes
    out = io.StringIO()
    xml = SimplerXMLGenerator(out, "utf-8")
    xml.startDocument()
    xml.addQuickElement("t", cleaned)  # raises UnserializableContentError on a forbidden character
    xml.endDocument()


@FUZZ
@given(st.one_of(ANY_TEXT, st.builds(lambda h, p, q: f"https://{h}/{p}?{q}", ANY_TEXT, ANY_TEXT, ANY_TEXT)))
def test_canonical_url_never_fails_and_is_stable(url):
    once = canonical_url(url)
    assert once == "" or once.startswith(("http://", "https://")) or once == url.strip()
    if once.startswith(("http://", "https://")):
        assert canonical_url(once) == once
        assert "utm_" not in once.split("?", 1)[-1].lower().split("=")[0] or "?" not in once


@FUZZ
@given(st.sampled_from(["http", "HTTPS", "https"]), st.from_regex(r"[a-z0-9]{1,10}\.(se|org)", fullmatch=True),
       st.lists(st.tuples(st.sampled_from(["utm_source", "fbclid", "id", "q", "gclid", "page"]), st.text("ab1", max_size=3)), max_size=5))
def test_canonical_url_drops_tracking_parameters(scheme, host, params):
    query = "&".join(f"{k}={v}" for k, v in params)
    url = canonical_url(f"{scheme}://{host.upper()}/path?{query}#frag")
    assert url.startswith(f"{scheme.lower()}://{host}/path") and "#" not in url
    assert "utm_" not in url and "fbclid" not in url and "gclid" not in url


@FUZZ
@given(MIXED)
def test_sanitised_html_has_nothing_executable(fragment):
    assert executable(sanitise_html(fragment)) == []
    text = html_to_text(sanitise_html("<p>" + fragment))
    assert clean_xml_text(text) == text  # plain text any page or feed can carry


@FUZZ
@given(MIXED)
def test_rendered_markdown_has_nothing_executable(text):
    assert executable(render_markdown(text)) == []


@FUZZ
@given(st.binary(max_size=2000))
def test_feed_parser_takes_any_bytes(body):
    try:
        harvest = parse_feed(body)
    except ParseError:
        return
    assert isinstance(harvest.candidates, list)


@FUZZ
@given(st.lists(st.tuples(MIXED, MIXED, st.text("abc/.-", max_size=20)), min_size=1, max_size=5), st.sampled_from(["rss", "atom"]))
def test_generated_feeds_parse_to_their_items(items, kind):
    def x(s):
        return escape(clean_xml_text(s))

    if kind == "rss":
        body = "".join(f"<item><title>{x(t)}</title><description>{x(d)}</description><link>https://e.org/{x(p)}</link>"
                       f"<guid>g{n}</guid></item>" for n, (t, d, p) in enumerate(items))
        doc = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title><link>https://e.org/</link>{body}</channel></rss>'
    else:
        body = "".join(f"<entry><id>urn:g{n}</id><title>{x(t)}</title><summary>{x(d)}</summary>"
                       f'<link href="https://e.org/{x(p)}"/><updated>2024-01-01T00:00:00Z</updated></entry>' for n, (t, d, p) in enumerate(items))
        doc = f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>urn:f</id>{body}</feed>'
    harvest = parse_feed(doc.encode())
    assert len(harvest.candidates) == len(items)
    for c in harvest.candidates:
        assert executable(sanitise_html(c.html)) == []


def test_markdown_with_a_lone_surrogate_renders_without_it():
    # Found by the property test above: the sanitiser could not encode U+D800 and raised.
    assert render_markdown("a\ud800b **x**") == "<p>ab <strong>x</strong></p>"


def test_sanitised_html_with_a_lone_surrogate_keeps_the_rest():
    assert sanitise_html("\ud800<b>x</b><script>y</script>") == "<b>x</b>"
    assert html_to_text("<p>a\ud800b</p>") == "ab"
