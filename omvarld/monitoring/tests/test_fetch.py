"""omvarld.lib.fetch: the request-forgery guard, limits, redirects and conditional GET."""

import gzip
import ipaddress
import socket
import time

import pytest

from omvarld.lib import fetch as F
from omvarld.monitoring.tests.conftest import LocalServer

LOCAL = F.FetchPolicy(allow_networks=("127.0.0.2/32",), total_timeout=3, connect_timeout=2)


@pytest.fixture
def srv2():
    """A server on 127.0.0.2, the one loopback address the LOCAL policy lets through."""
    s = LocalServer("127.0.0.2")
    yield s
    s.close()


@pytest.mark.parametrize("address,key", [
    ("127.0.0.1", "address_loopback"), ("::1", "address_loopback"), ("10.1.2.3", "address_private"),
    ("192.168.0.1", "address_private"), ("172.16.5.4", "address_private"), ("fd00::1", "address_private"),
    ("169.254.169.254", "address_link_local"), ("fe80::1", "address_link_local"), ("224.0.0.1", "address_multicast"),
    ("ff02::1", "address_multicast"), ("0.0.0.0", "address_unspecified"), ("::", "address_unspecified"),
    ("240.0.0.1", "address_reserved"), ("100.64.0.1", "address_reserved"), ("::ffff:127.0.0.1", "address_loopback"),
    ("::ffff:10.0.0.1", "address_private"), ("2002:7f00:1::", "address_loopback"),
])
def test_every_non_public_range_is_refused(address, key):
    assert F.address_refusal(ipaddress.ip_address(address), allow_loopback=False) == key


def test_public_addresses_pass():
    for address in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "1.1.1.1"):
        assert F.address_refusal(ipaddress.ip_address(address), allow_loopback=False) is None


def test_loopback_allowed_only_by_setting():
    assert F.address_refusal(ipaddress.ip_address("127.0.0.1"), allow_loopback=True) is None
    assert F.address_refusal(ipaddress.ip_address("10.0.0.1"), allow_loopback=True) == "address_private"


def test_local_server_refused_by_default(server):
    url = server.add("/feed", b"<rss/>")
    with pytest.raises(F.FetchError) as exc:
        F.fetch(url)
    assert exc.value.key == "address_loopback"
    assert server.requests == []


@pytest.mark.parametrize("target,key", [
    ("http://127.0.0.1:{port}/secret", "address_loopback"),
    ("http://[::1]:{port}/secret", "address_loopback"),
    ("http://169.254.169.254/latest/meta-data/", "address_link_local"),
    ("http://0.0.0.0:{port}/secret", "address_unspecified"),
    ("file:///etc/passwd", "url_scheme"),
    ("gopher://127.0.0.2:{port}/", "url_scheme"),
])
def test_redirects_to_unsafe_places_are_refused(srv2, target, key):
    url = srv2.add("/feed", b"", 302, headers={"Location": target.format(port=srv2.port)})
    with pytest.raises(F.FetchError) as exc:
        F.fetch(url, LOCAL)
    assert exc.value.key == key


def test_a_name_resolving_to_a_private_address_is_refused_at_connect_time(monkeypatch, srv2):
    answers = iter([[(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 80))]])

    def resolve(host, port, *args, **kwargs):
        assert host == "intranet.example"
        return next(answers)

    monkeypatch.setattr(F.socket, "getaddrinfo", resolve)
    with pytest.raises(F.FetchError) as exc:
        F.fetch("http://intranet.example/feed", LOCAL)
    assert exc.value.key == "address_private"


def test_dns_rebinding_is_checked_on_every_connection(monkeypatch, srv2):
    # The first connection resolves to the allowed server; a redirect to the same name then
    # resolves to a private address. Checking when connecting (not once up front) catches it.
    real = socket.getaddrinfo
    calls = []

    def resolve(host, port, *args, **kwargs):
        if host == "rebind.example":
            calls.append(host)
            ip = "127.0.0.2" if len(calls) == 1 else "192.168.1.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(F.socket, "getaddrinfo", resolve)
    srv2.routes["/a"] = lambda h: (h.send_response(302), h.send_header("Location", f"http://rebind.example:{srv2.port}/b"),
                                   h.send_header("Connection", "close"), h.send_header("Content-Length", "0"), h.end_headers())
    with pytest.raises(F.FetchError) as exc:
        F.fetch(f"http://rebind.example:{srv2.port}/a", LOCAL)
    assert exc.value.key == "address_private"
    assert len(calls) == 2


def test_one_private_address_among_public_ones_is_enough_to_refuse(monkeypatch):
    monkeypatch.setattr(F.socket, "getaddrinfo", lambda host, port, *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
    ])
    with pytest.raises(F.FetchError) as exc:
        F.fetch("http://mixed.example/feed")
    assert exc.value.key == "address_loopback"


def test_redirect_loop_and_limit(srv2):
    srv2.add("/a", status=301, headers={"Location": "/b"})
    srv2.add("/b", status=301, headers={"Location": "/a"})
    with pytest.raises(F.FetchError) as exc:
        F.fetch(srv2.url("/a"), LOCAL)
    assert exc.value.key == "redirect_loop"
    for n in range(10):
        srv2.add(f"/r{n}", status=302, headers={"Location": f"/r{n + 1}"})
    with pytest.raises(F.FetchError) as exc:
        F.fetch(srv2.url("/r0"), LOCAL)
    assert exc.value.key == "too_many_redirects"


def test_permanent_redirect_is_reported(srv2):
    srv2.add("/old", status=301, headers={"Location": "/new"})
    srv2.add("/new", b"<rss/>")
    result = F.fetch(srv2.url("/old"), LOCAL)
    assert result.permanent_redirect == srv2.url("/new")
    srv2.add("/temp", status=302, headers={"Location": "/new"})
    assert F.fetch(srv2.url("/temp"), LOCAL).permanent_redirect is None


def test_size_cap_while_streaming(srv2):
    def endless(h):  # announces nothing, sends up to 1 GB
        h.send_response(200)
        h.send_header("Content-Type", "application/xml")
        h.send_header("Connection", "close")
        h.end_headers()
        chunk = b"x" * 65536
        for _ in range(16384):
            h.wfile.write(chunk)

    srv2.routes["/big"] = endless
    started = time.monotonic()
    with pytest.raises(F.FetchError) as exc:
        F.fetch(srv2.url("/big"), F.FetchPolicy(allow_networks=("127.0.0.2/32",), max_bytes=1024 * 1024, total_timeout=20))
    assert exc.value.key == "too_large"
    assert time.monotonic() - started < 10


def test_declared_length_over_cap_is_refused_before_reading(srv2):
    srv2.routes["/big"] = lambda h: (h.send_response(200), h.send_header("Content-Length", str(10**9)), h.end_headers())
    with pytest.raises(F.FetchError) as exc:
        F.fetch(srv2.url("/big"), F.FetchPolicy(allow_networks=("127.0.0.2/32",), max_bytes=1024 * 1024))
    assert exc.value.key == "too_large"


def test_gzip_bomb_stops_at_the_cap_after_decompression(srv2):
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 400 * 1024
    srv2.add("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(F.FetchError) as exc:
        F.fetch(srv2.url("/bomb"), F.FetchPolicy(allow_networks=("127.0.0.2/32",), max_bytes=2 * 1024 * 1024))
    assert exc.value.key == "too_large"


def test_gzip_body_is_decoded(srv2):
    srv2.add("/gz", gzip.compress(b"<rss>hello</rss>"), headers={"Content-Encoding": "gzip"})
    assert F.fetch(srv2.url("/gz"), LOCAL).body == b"<rss>hello</rss>"


def test_slow_drip_hits_the_total_timeout(srv2):
    def drip(h):
        h.send_response(200)
        h.send_header("Content-Length", "1000")
        h.end_headers()
        for _ in range(1000):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.1)

    srv2.routes["/drip"] = drip
    started = time.monotonic()
    with pytest.raises(F.FetchError) as exc:
        F.fetch(srv2.url("/drip"), F.FetchPolicy(allow_networks=("127.0.0.2/32",), total_timeout=1.5))
    assert exc.value.key == "timeout"
    assert time.monotonic() - started < 4


def test_slow_drip_of_headers_hits_the_total_timeout(srv2):
    def drip(h):
        h.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for n in range(100):
            h.wfile.write(f"X-Slow-{n}: a\r\n".encode())
            h.wfile.flush()
            time.sleep(0.1)

    srv2.routes["/drip"] = drip
    started = time.monotonic()
    with pytest.raises(F.FetchError) as exc:
        F.fetch(srv2.url("/drip"), F.FetchPolicy(allow_networks=("127.0.0.2/32",), total_timeout=1.5))
    assert exc.value.key == "timeout"
    assert time.monotonic() - started < 4


def test_conditional_get_and_user_agent(srv2):
    srv2.add("/feed", b"", 304)
    result = F.fetch(srv2.url("/feed"), LOCAL, etag='"abc"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    assert result.not_modified
    headers = srv2.requests[-1][1]
    assert headers["If-None-Match"] == '"abc"'
    assert headers["If-Modified-Since"] == "Wed, 01 Jan 2025 00:00:00 GMT"
    assert headers["User-Agent"].startswith("Omvarld/")


def test_status_errors_carry_retry_after(srv2):
    srv2.add("/slow", b"", 429, headers={"Retry-After": "120"})
    with pytest.raises(F.FetchError) as exc:
        F.fetch(srv2.url("/slow"), LOCAL)
    assert (exc.value.key, exc.value.status, exc.value.retry_after) == ("rate_limited", 429, 120.0)
    srv2.add("/gone", b"", 410)
    with pytest.raises(F.FetchError) as exc:
        F.fetch(srv2.url("/gone"), LOCAL)
    assert exc.value.key == "gone"


def test_retry_after_as_http_date():
    import datetime as dt

    now = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    assert F.parse_retry_after("Wed, 01 Jan 2025 00:10:00 GMT", now=now) == 600
    assert F.parse_retry_after("soon") is None
