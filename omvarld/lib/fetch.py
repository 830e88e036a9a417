"""HTTP fetching for URLs that users submit: polite, bounded and safe against request forgery.

``fetch(url, policy)`` is the one way the product reads a remote URL. It

* accepts only http and https, follows at most ``policy.max_redirects`` redirects (each hop is
  checked again) and reports whether every hop was permanent, so the caller can update its URL;
* checks every address a host name resolves to *at connect time*, inside the connection pool's
  network backend, and connects to the checked address itself, so a name that resolves to a
  public address when asked first and to 127.0.0.1 a moment later (DNS rebinding) gains nothing;
  private, loopback, link-local, multicast, reserved and unspecified IPv4 and IPv6 ranges are
  refused unless ``policy.allow_loopback`` lets loopback through (tests);
* sends a clear User-Agent and a conditional GET (If-None-Match, If-Modified-Since);
* bounds the connect time, the whole exchange and the body size, counting the body *after*
  decompression (we decode gzip and deflate ourselves with a bounded inflater, so a gzip bomb
  stops at the cap instead of filling memory).

Failures raise ``FetchError`` with a stable message key and parameters; the caller stores the
key and shows it translated (no English prose in the database).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
import socket
import time
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

DEFAULT_USER_AGENT = "Omvarld/0.1 (+https://github.com/viable-cities/omvarld; horizon-scanning feed reader)"
REDIRECT_CODES = {301, 302, 303, 307, 308}
PERMANENT_REDIRECT_CODES = {301, 308}


class FetchError(Exception):
    """A fetch that failed, with a message key (see ``omvarld.monitoring.errors``) and parameters."""

    def __init__(self, key: str, status: int | None = None, **params):
        super().__init__(key, params)
        self.key = key
        self.status = status
        self.params = params
        self.retry_after: float | None = params.pop("retry_after", None)

    def __str__(self):
        return f"{self.key} {self.params}" if self.params else self.key


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one fetch. The defaults suit feeds; callers pass values from settings."""

    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    allow_loopback: bool = False
    # Addresses let through despite the guard (tests point at one local server with this).
    allow_networks: tuple[str, ...] = ()
    user_agent: str = DEFAULT_USER_AGENT
    accept: str = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5"


@dataclass
class FetchResult:
    url: str  # the URL finally answered (after redirects)
    status: int
    headers: httpx.Headers
    body: bytes = b""
    not_modified: bool = False
    permanent_redirect: str | None = None  # set when every hop was a permanent redirect
    elapsed: float = 0.0
    hops: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
        return None


# --- the address guard ---------------------------------------------------------------------------

def address_refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, *, allow_loopback: bool) -> str | None:
    """Why this address may not be contacted (a message key), or None when it may."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return address_refusal(ip.ipv4_mapped, allow_loopback=allow_loopback)
    if isinstance(ip, ipaddress.IPv6Address) and ip.sixtofour:
        return address_refusal(ip.sixtofour, allow_loopback=allow_loopback)
    if ip.is_loopback:
        return None if allow_loopback else "address_loopback"
    if ip.is_unspecified:
        return "address_unspecified"
    if ip.is_link_local:
        return "address_link_local"
    if ip.is_multicast:
        return "address_multicast"
    if ip.is_reserved:
        return "address_reserved"
    if ip.is_private:
        return "address_private"
    if not ip.is_global:
        return "address_reserved"
    return None


class GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend, resolving names itself and connecting only to allowed addresses."""

    def __init__(self, *, allow_loopback: bool, allow_networks=(), deadline: float | None = None):
        self.allow_loopback = allow_loopback
        self.allow_networks = [ipaddress.ip_network(n) for n in allow_networks]
        self.deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"dns:{exc}") from exc
        addresses = []
        for family, _type, _proto, _canon, sockaddr in infos:
            ip = ipaddress.ip_address(sockaddr[0].split("%")[0])
            refusal = address_refusal(ip, allow_loopback=self.allow_loopback)
            if refusal and not any(ip.version == n.version and ip in n for n in self.allow_networks):
                # One bad address is enough: an attacker controls which one gets used.
                raise _Refused(refusal, str(ip))
            addresses.append(str(ip))
        last_exc: Exception | None = None
        for ip in dict.fromkeys(addresses):
            try:
                stream = super().connect_tcp(ip, port, timeout, local_address, socket_options)
                return _DeadlineStream(stream, self.deadline) if self.deadline else stream
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_exc = exc
        raise last_exc or httpcore.ConnectError("no address")


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends at one deadline, so a server that drips its
    headers or body a byte at a time cannot keep us past the total timeout."""

    def __init__(self, inner, deadline: float):
        self.inner = inner
        self.deadline = deadline

    def _left(self, timeout):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("deadline")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes, timeout=None):
        return self.inner.read(max_bytes, self._left(timeout))

    def write(self, buffer, timeout=None):
        self.inner.write(buffer, self._left(timeout))

    def close(self):
        self.inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return _DeadlineStream(self.inner.start_tls(ssl_context, server_hostname, self._left(timeout)), self.deadline)

    def get_extra_info(self, info):
        return self.inner.get_extra_info(info)


class _Refused(httpcore.ConnectError):
    def __init__(self, key: str, ip: str):
        super().__init__(key)
        self.key = key
        self.ip = ip


def _client(policy: FetchPolicy, deadline: float) -> httpx.Client:
    transport = httpx.HTTPTransport(retries=0)
    # The pool's backend is the one place every TCP connection is made, so the guard cannot be
    # bypassed by redirects, keep-alive reuse or a second DNS answer.
    transport._pool._network_backend = GuardedBackend(
        allow_loopback=policy.allow_loopback, allow_networks=policy.allow_networks, deadline=deadline
    )
    return httpx.Client(
        transport=transport,
        trust_env=False,  # no proxies from the environment: they would bypass the guard
        follow_redirects=False,
        timeout=httpx.Timeout(policy.total_timeout, connect=policy.connect_timeout),
        headers={"User-Agent": policy.user_agent, "Accept": policy.accept, "Accept-Encoding": "gzip, deflate"},
    )


def check_url(url: str) -> str:
    """The URL if it is an absolute http(s) URL with a host, else raise ``FetchError``."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise FetchError("url_invalid", url=url[:200]) from exc
    if parts.scheme not in ("http", "https"):
        raise FetchError("url_scheme", scheme=parts.scheme or "?")
    if not parts.hostname:
        raise FetchError("url_invalid", url=url[:200])
    if parts.username or parts.password:
        raise FetchError("url_credentials")
    return url


# --- the fetch -----------------------------------------------------------------------------------

def fetch(url: str, policy: FetchPolicy = FetchPolicy(), *, etag: str = "", last_modified: str = "") -> FetchResult:
    """GET ``url`` within ``policy``; raise ``FetchError`` for anything but a usable answer.

    A 304 answer returns a result with ``not_modified`` set. 4xx and 5xx raise, with
    ``retry_after`` (seconds) filled for 429 and 503 when the server says when to come back.
    """
    started = time.monotonic()
    deadline = started + policy.total_timeout
    hops: list[str] = []
    all_permanent = True
    current = check_url(url)
    with _client(policy, deadline) as client:
        for _hop in range(policy.max_redirects + 1):
            headers = {}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            try:
                with client.stream("GET", current, headers=headers) as response:
                    if response.status_code in REDIRECT_CODES and "location" in response.headers:
                        all_permanent = all_permanent and response.status_code in PERMANENT_REDIRECT_CODES
                        hops.append(current)
                        current = check_url(urljoin(current, response.headers["location"]))
                        if current in hops:
                            raise FetchError("redirect_loop", url=current[:200])
                        continue
                    result = FetchResult(url=current, status=response.status_code, headers=response.headers, hops=hops)
                    if hops and all_permanent:
                        result.permanent_redirect = current
                    if response.status_code == 304:
                        result.not_modified = True
                    elif response.status_code >= 400:
                        raise _status_error(response)
                    else:
                        result.body = _read_body(response, policy, deadline)
                    result.elapsed = time.monotonic() - started
                    return result
            except httpx.ConnectTimeout:
                raise FetchError("connect_timeout", host=urlsplit(current).hostname or "") from None
            except httpx.TimeoutException:
                raise FetchError("timeout", seconds=int(policy.total_timeout)) from None
            except httpx.ConnectError as exc:
                refused = exc.__cause__ if isinstance(exc.__cause__, _Refused) else None
                if refused is not None:
                    raise FetchError(refused.key, address=refused.ip, host=urlsplit(current).hostname or "") from None
                if str(exc).startswith("dns:"):
                    raise FetchError("dns_failed", host=urlsplit(current).hostname or "") from None
                raise FetchError("connect_failed", host=urlsplit(current).hostname or "") from None
            except httpx.UnsupportedProtocol:
                raise FetchError("url_scheme", scheme=urlsplit(current).scheme) from None
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.LocalProtocolError):
                raise FetchError("protocol_error", host=urlsplit(current).hostname or "") from None
            except httpx.InvalidURL:
                raise FetchError("url_invalid", url=current[:200]) from None
        raise FetchError("too_many_redirects", limit=policy.max_redirects)


def _status_error(response: httpx.Response) -> FetchError:
    status = response.status_code
    if status == 410:
        return FetchError("gone", status=status)
    if status in (429, 503):
        return FetchError("rate_limited" if status == 429 else "unavailable", status=status,
                          retry_after=parse_retry_after(response.headers.get("retry-after", "")))
    if status in (401, 403):
        return FetchError("forbidden", status=status)
    if status == 404:
        return FetchError("not_found", status=status)
    if status >= 500:
        return FetchError("server_error", status=status)
    return FetchError("http_error", status=status)


def _read_body(response: httpx.Response, policy: FetchPolicy, deadline: float) -> bytes:
    """The decoded body, refusing more than ``policy.max_bytes`` after decompression."""
    declared = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if declared.isdigit() and int(declared) > policy.max_bytes and encoding in ("", "identity"):
        raise FetchError("too_large", limit_mb=policy.max_bytes // (1024 * 1024))
    if encoding in ("gzip", "x-gzip"):
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    elif encoding == "deflate":
        inflater = zlib.decompressobj()
    elif encoding in ("", "identity"):
        inflater = None
    else:
        raise FetchError("encoding_unsupported", encoding=encoding[:40])
    out = bytearray()
    limit = policy.max_bytes
    try:
        for chunk in response.iter_raw():
            if time.monotonic() > deadline:
                raise FetchError("timeout", seconds=int(policy.total_timeout))
            if inflater is None:
                out += chunk
            else:
                data = chunk
                while data:
                    # max_length bounds each step, so one small compressed chunk cannot expand
                    # into gigabytes before we look.
                    out += inflater.decompress(data, limit - len(out) + 1)
                    data = inflater.unconsumed_tail
                    if len(out) > limit:
                        break
            if len(out) > limit:
                raise FetchError("too_large", limit_mb=limit // (1024 * 1024))
        if inflater is not None:
            out += inflater.flush()
    except zlib.error:
        raise FetchError("encoding_broken", encoding=encoding) from None
    if len(out) > limit:
        raise FetchError("too_large", limit_mb=limit // (1024 * 1024))
    return bytes(out)


def parse_retry_after(value: str, *, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date), or None."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    now = now or dt.datetime.now(dt.timezone.utc)
    return max(0.0, (when - now).total_seconds())


def host_key(url: str) -> str:
    """The politeness key of a URL: host and port, lower case."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host
