"""#18 battery: hostile titles, sources, links and commentary go through every output context
(HTML pages, Atom, RSS, JSON, the widget) and come out with nothing executable, checked by parsing."""

import json
from html.parser import HTMLParser

import pytest
from lxml import etree

from omvarld.core.models import Entity, Item, Theme
from omvarld.runtime.tests.test_hardening import inline_script_problems

CORPUS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>', "<iframe src=javascript:alert(1)>",
    "'';!--\"<XSS>=&{()}", "<a href=\"javascript:alert(1)\">x</a>", "<body onload=alert(1)>", "</title><script>alert(1)</script>",
    "<style>@import 'javascript:alert(1)';</style>", "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "]]><script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "<<script>script>alert(1)<</script>/script>",
    "<div style=\"background:url(javascript:alert(1))\">", "{{ 7*7 }}{% debug %}", "<object data=\"data:text/html,<script>alert(1)</script>\">",
]
HOSTILE = " ".join(CORPUS)


class _Html(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts, self.bad = [], []
        self._script = False

    def handle_starttag(self, tag, attrs):
        if tag in ("svg", "iframe", "object", "math", "body") and self.getpos() and tag != "body":
            self.bad.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (name in ("href", "src", "data") and (value or "").lower().lstrip().startswith(("javascript:", "data:text"))):
                self.bad.append(f"{tag}@{name}")
        self._script = tag == "script" and not dict(attrs).get("src") and dict(attrs).get("type") != "application/json"

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and data.strip():
            self.scripts.append(data)


def no_executable_html(html: str) -> list:
    p = _Html()
    p.feed(html)
    return p.bad + [f"inline script {s[:40]}" for s in p.scripts] + [x for x in inline_script_problems(html) if "style=" not in x]


@pytest.fixture
def hostile(mini_map, editor):
    from omvarld.newsdesk.actions import publish_notice

    notice = publish_notice(
        user=editor, title="T " + HOSTILE[:280], url="https://example.org/a?x=<script>", source_name=HOSTILE[:190],
        summary=HOSTILE, commentary="**C** " + HOSTILE, entities=[Entity.objects.get(slug="amsterdam")],
        themes=[Theme.objects.get(slug="climate-neutrality")],
    )
    Item.objects.filter(pk=notice.pk).update(url="javascript:alert(1)")  # stored around the forms, as an import could
    return Item.objects.get(pk=notice.pk)


def test_html_pages(client, hostile):
    for url in ["/news/", f"/items/{hostile.pk}/", "/entities/amsterdam/", "/search/?q=script", "/news/widget/",
                "/search/?q=" + "%3Cscript%3Ealert(1)%3C/script%3E", "/whats-new/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert no_executable_html(html) == [], url
        assert "<script>alert(1)" not in html, url


@pytest.mark.parametrize("path", ["/news/feed.atom", "/news/feed.rss", "/news/entity/amsterdam/feed.atom"])
def test_feeds(client, hostile, path):
    doc = etree.fromstring(client.get(path).content)
    texts = []
    for el in doc.iter():
        if el.tag in ("{http://www.w3.org/2005/Atom}summary", "{http://www.w3.org/2005/Atom}content", "description"):
            texts.append(el.text or "")  # HTML carried as text: what a feed reader will render
        if el.tag in ("{http://www.w3.org/2005/Atom}title", "title"):
            assert el.get("type") in (None, "text"), "titles are plain text"
    assert texts
    for html in texts:
        assert no_executable_html(html) == []
    for el in doc.iter("{http://www.w3.org/2005/Atom}link", "link"):
        target = el.get("href") or el.text or ""
        assert not target.lower().startswith("javascript:")


def test_json_api(client, hostile):
    response = client.get("/api/v1/notices")
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    titles = [row["title"] for row in json.loads(response.content)["data"]]
    assert hostile.title in titles  # data stays data: exact text, for the consumer to escape
