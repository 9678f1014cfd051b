"""Response headers, a per-IP rate limit and a request size cap, as one small ASGI middleware."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque

RATE_LIMITED = "请求太频繁，请稍后再试。"
TOO_LARGE = "请求内容太大。"
MAX_BODY_BYTES = 64 * 1024  # far above any question with its history
RATE_LIMITED_PATHS = ("/api/ask",)
WINDOW_SECONDS = 60.0
_UNSAFE_IN_HEADER = re.compile(r"[;\r\n\x00-\x1f\x7f]")


class RateLimiter:
    """Sliding one-minute window per key (the client IP); ``per_minute <= 0`` turns it off."""

    def __init__(self, per_minute: int, window: float = WINDOW_SECONDS) -> None:
        self.per_minute = per_minute
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        if self.per_minute <= 0:
            return True
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] >= self.window:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return False
            hits.append(now)
            if len(self._hits) > 10_000:  # forget clients that went quiet
                self._hits = {k: v for k, v in self._hits.items() if v and now - v[-1] < self.window}
            return True

    def retry_after(self, key: str) -> int:
        with self._lock:
            hits = self._hits.get(key)
            if not hits:
                return 1
            return max(1, int(self.window - (time.monotonic() - hits[0])) + 1)


def frame_ancestors_header(frame_ancestors: str) -> str:
    """``frame-ancestors <sources>`` with anything that could add another directive removed."""
    sources = _UNSAFE_IN_HEADER.sub(" ", frame_ancestors).split()
    return "frame-ancestors " + (" ".join(sources) or "'none'")


class SecurityMiddleware:
    """Adds CSP frame-ancestors and nosniff to every response; limits /api/ask per client and body size."""

    def __init__(self, app, *, frame_ancestors: str, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter
        self.headers = [
            (b"content-security-policy", frame_ancestors_header(frame_ancestors).encode("latin-1")),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
        ]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path.startswith("/api/") and _content_length(scope) > MAX_BODY_BYTES:
            await self._reject(send, 413, TOO_LARGE)
            return
        if scope.get("method") == "POST" and path in RATE_LIMITED_PATHS:
            client = client_key(scope)
            if not self.limiter.allow(client):
                await self._reject(
                    send, 429, RATE_LIMITED, [(b"retry-after", str(self.limiter.retry_after(client)).encode())]
                )
                return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in self.headers if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _reject(self, send, status: int, detail: str, extra: list | None = None) -> None:
        body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
        headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            *self.headers,
            *(extra or []),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def client_key(scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def _content_length(scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return MAX_BODY_BYTES + 1
    return 0
