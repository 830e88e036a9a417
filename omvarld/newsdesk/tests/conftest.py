from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from omvarld.accounts.roles import assign_role
from omvarld.demo.loader import load_demo

MINI = Path(__file__).resolve().parents[2] / "demo" / "tests" / "mini.yaml"


@pytest.fixture
def mini_map(db):
    return load_demo(MINI, with_users=False)


def _user(name, role):
    user = get_user_model().objects.create_user(name, f"{name}@example.org", "pw-" + name)
    assign_role(user, role)
    return user


@pytest.fixture
def editor(db):
    return _user("edith", "editor")


@pytest.fixture
def member(db):
    return _user("mats", "member")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def notice(mini_map, editor):
    from omvarld.core.models import Entity, Theme
    from omvarld.newsdesk.actions import publish_notice

    return publish_notice(
        user=editor,
        title="Amsterdam opens a circular materials hub",
        url="https://example.org/amsterdam-hub",
        source_name="Example News",
        summary="The city opens a hub for reused building materials.",
        commentary="Intressant för svenska kommuner som planerar återbruk i byggsektorn.",
        entities=[Entity.objects.get(slug="amsterdam")],
        themes=[Theme.objects.get(slug="climate-neutrality")],
    )


@pytest.fixture
def make_entry(db):
    """An inbox entry as the monitoring engine would store it, with optional tags and cluster."""
    import hashlib

    from omvarld.monitoring.models import Entry, EntryTag, Source

    counter = iter(range(1, 10_000))

    def make(title, relevance=0.5, *, source=None, text="", language="en", entities=(), themes=(), cluster=None, url=None):
        n = next(counter)
        if isinstance(source, str):
            source, _ = Source.objects.get_or_create(url=f"https://{source}/feed", defaults={"kind": "feed", "title": source, "host": source})
        entry = Entry.objects.create(
            source=source, guid=f"g{n}", url=url or f"https://news.example.org/{n}", title=title, text=text or f"{title}. More text here about it.",
            language=language, relevance=relevance, content_hash=hashlib.sha256(title.encode()).hexdigest(), cluster=cluster,
        )
        for e in entities:
            EntryTag.objects.create(entry=entry, entity=e, confidence=0.9, method="name", matched=e.name_en)
        for t in themes:
            EntryTag.objects.create(entry=entry, theme=t, confidence=0.7, method="synonym", matched=t.label_en)
        return entry

    return make


class _Pages:
    """A local web server for tips: path -> (status, content type, body)."""

    def __init__(self):
        import http.server
        import threading

        pages = self.pages = {}
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                status, ctype, body = pages.get(self.path, (404, "text/plain", b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, path, body, ctype="text/html; charset=utf-8", status=200):
        self.pages[path] = (status, ctype, body.encode() if isinstance(body, str) else body)
        return self.base + path


@pytest.fixture
def web(settings):
    settings.FETCH_ALLOW_LOOPBACK = True
    pages = _Pages()
    yield pages
    pages.server.shutdown()
    pages.server.server_close()


ARTICLE = """<!doctype html><html><head><title>Copenhagen expands district heating</title></head><body>
<article><h1>Copenhagen expands district heating</h1>
<p>Copenhagen will extend its district heating network to ten thousand more homes by 2030, the city said on Monday.</p>
<p>The expansion uses large heat pumps and surplus heat from data centres, which lowers emissions from heating considerably.</p>
<p>Officials in Copenhagen expect the district heating prices to stay stable for households during the transition.</p>
</article></body></html>"""
