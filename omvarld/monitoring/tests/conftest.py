"""A local HTTP server on 127.0.0.1 whose answers each test scripts, and the shared test data."""

from __future__ import annotations

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def shared_data() -> Path:
    """The shared real-world material: $OMVARLD_SHARED_DATA, ../shared/data beside the repository,
    or /work/shared/data."""
    for candidate in (os.environ.get("OMVARLD_SHARED_DATA"), REPO.parent / "shared" / "data", REPO.parents[1] / "shared" / "data", Path("/work/shared/data")):
        if candidate and Path(candidate, "feeds").is_dir():
            return Path(candidate)
    pytest.fail("shared test data not found: set OMVARLD_SHARED_DATA to the shared/data folder")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.server.requests.append((self.path, dict(self.headers)))
        route = self.server.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass

    # Helpers for routes.
    def reply(self, body: bytes = b"", status: int = 200, content_type: str = "application/xml", headers: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class LocalServer:
    def __init__(self, host: str = "127.0.0.1"):
        self.httpd = ThreadingHTTPServer((host, 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.routes = {}
        self.httpd.requests = []
        self.host = host
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def routes(self):
        return self.httpd.routes

    @property
    def requests(self):
        return self.httpd.requests

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def add(self, path: str, body: bytes = b"", status: int = 200, content_type: str = "application/xml", headers=None):
        self.routes[path] = lambda h: h.reply(body, status, content_type, headers)
        return self.url(path)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = LocalServer()
    yield s
    s.close()


@pytest.fixture
def loopback(settings):
    """Let fetches reach the local server; full-text fetching off unless a test turns it on."""
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_FULLTEXT_PER_FETCH = 0
    settings.FETCH_TIMEOUT = 5
    settings.FETCH_CONNECT_TIMEOUT = 2
    from omvarld.monitoring import pipeline, robots

    pipeline.Context._cached = None
    robots.forget()
    return settings


@pytest.fixture
def data_dir() -> Path:
    return shared_data()


@pytest.fixture
def vocab(db):
    """A few entities and themes to tag with."""
    from omvarld.core.models import Entity, MainCategory, Theme

    cities = MainCategory.objects.create(slug="cities", name_sv="Städer", name_en="Cities")
    networks = MainCategory.objects.create(slug="networks", name_sv="Nätverk", name_en="Networks")

    def entity(slug, sv, en, cat=cities, aliases=(), priority=1, watched=True):
        return Entity.objects.create(slug=slug, main_category=cat, name_sv=sv, name_en=en, aliases="\n".join(aliases),
                                     priority=priority, is_watched=watched)

    ents = {
        "stockholm": entity("stockholm", "Stockholm", "Stockholm"),
        "gothenburg": entity("gothenburg", "Göteborg", "Gothenburg"),
        "lund": entity("lund", "Lund", "Lund", priority=2),
        "copenhagen": entity("copenhagen", "Köpenhamn", "Copenhagen", aliases=["København"]),
        "c40": entity("c40", "C40", "C40 Cities", cat=networks, aliases=["C40 Cities Climate Leadership Group"]),
        "eurocities": entity("eurocities", "Eurocities", "Eurocities", cat=networks),
        "iclei": entity("iclei", "ICLEI", "ICLEI", cat=networks, aliases=["Local Governments for Sustainability"]),
    }
    themes = {
        "energy": Theme.objects.create(slug="energy", label_sv="Energi", label_en="Energy",
                                       synonyms_sv="fjärrvärme\nenergieffektivisering\nsolenergi", synonyms_en="district heating\nenergy efficiency\nsolar power\nheat pump"),
        "mobility": Theme.objects.create(slug="mobility", label_sv="Mobilitet", label_en="Mobility",
                                         synonyms_sv="kollektivtrafik\ncykel", synonyms_en="public transport\ncycling\nbike lane"),
    }
    from omvarld.monitoring import pipeline

    pipeline.Context._cached = None
    return {**ents, **themes}
