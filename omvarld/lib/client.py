"""The client's address, read correctly behind the reverse proxies the operator says are there.

With ``OMVARLD_TRUSTED_PROXIES=0`` (no proxy) the address is the connection's, REMOTE_ADDR, and
any X-Forwarded-For header is ignored: a client can write what it likes there. With N trusted
proxies in front, each appends the address it received the request from, so the client is the
N-th address from the right of ``X-Forwarded-For`` + REMOTE_ADDR; addresses further left were
written by the client and are not believed.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The client's IP address as text ("" when there is none to tell)."""
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    hops = max(0, int(getattr(settings, "TRUSTED_PROXIES", 0)))
    if hops == 0:
        return _valid(remote)
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    chain = forwarded + [remote]
    # chain[-1] is the last proxy; each trusted proxy vouches for the address before it.
    candidate = chain[-(hops + 1)] if len(chain) > hops else chain[0]
    return _valid(candidate) or _valid(remote)


def _valid(address: str) -> str:
    if address.startswith("[") and "]" in address:  # [v6]:port
        address = address[1:address.index("]")]
    elif address.count(":") == 1:  # v4:port
        address = address.split(":")[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""
