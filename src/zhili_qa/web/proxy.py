"""What a request says about where it came from: believed only from the configured proxies.

``ZHILI_FORWARDED_ALLOW_IPS`` names the reverse proxies (addresses or networks, comma-separated; none by
default). From them uvicorn's ProxyHeadersMiddleware takes the client address (X-Forwarded-For) and scheme
(X-Forwarded-Proto); from anyone else every forwarding header is removed before the app sees it, since
Gradio builds its page's root URL from X-Forwarded-Host and X-Gradio-Server. ``ZHILI_PUBLIC_URL`` pins the
Host and scheme the app sees, so every absolute link it builds (Gradio's root, redirects) points there
whatever a request claims.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

FORWARDING_HEADERS = frozenset(
    {b"forwarded", b"x-forwarded-for", b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-port", b"x-real-ip"}
)
RELAYED = "zhili.relayed"  # scope key: an untrusted peer sent forwarding headers (they were dropped)
ALWAYS_DROPPED = frozenset({b"x-gradio-server"})  # Gradio's own hint for its root URL; nobody outside sends it


class TrustedProxies:
    """Addresses and networks (``10.0.0.1, 172.18.0.0/16``); ``*`` trusts every peer."""

    def __init__(self, spec: str) -> None:
        items = [item.strip() for item in spec.split(",") if item.strip()]
        self.everyone = "*" in items
        self.networks = [ipaddress.ip_network(item, strict=False) for item in items if item != "*"]
        self.spec = ",".join(items)

    def __contains__(self, host: str | None) -> bool:
        if self.everyone:
            return True
        try:
            address = ipaddress.ip_address(host or "")
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def __bool__(self) -> bool:
        return self.everyone or bool(self.networks)


def is_loopback(scope) -> bool:
    """A client on this machine that no proxy speaks for (forwarding headers left in mean a proxy we do not
    trust relayed it: a reverse proxy on the same host must not make every visitor look local)."""
    client = scope.get("client")
    try:
        local = bool(client) and ipaddress.ip_address(client[0]).is_loopback
    except ValueError:
        return False
    return local and not scope.get(RELAYED)


class ForwardedGuard:
    """Outermost layer: drop forwarding headers from untrusted peers, apply them from trusted ones, pin the
    public URL."""

    def __init__(self, app, *, trusted: str, public_url: str) -> None:
        self.trusted = TrustedProxies(trusted)
        self.inner = ProxyHeadersMiddleware(app, trusted_hosts=self.trusted.spec) if self.trusted else app
        parts = urlsplit(public_url) if public_url else None
        self.public = (parts.scheme, parts.netloc.encode("latin-1")) if parts and parts.netloc else None

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            await self.inner(scope, receive, send)
            return
        peer = scope.get("client")
        trusted = bool(self.trusted) and peer is not None and peer[0] in self.trusted
        dropped = ALWAYS_DROPPED if trusted else ALWAYS_DROPPED | FORWARDING_HEADERS
        headers = [(name, value) for name, value in scope.get("headers", []) if name not in dropped]
        scope = {**scope, "headers": headers, RELAYED: not trusted and len(headers) < len(scope.get("headers", []))}
        if self.public is not None:  # scheme and host pinned: a proxy's X-Forwarded-Proto/Host cannot change them
            scheme, host = self.public
            pinned = (b"host", b"x-forwarded-host", b"x-forwarded-proto")
            scope["headers"] = [(n, v) for n, v in headers if n not in pinned] + [(b"host", host)]
            scope["scheme"] = ("wss" if scheme == "https" else "ws") if scope["type"] == "websocket" else scheme
        await self.inner(scope, receive, send)
