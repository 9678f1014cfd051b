"""Response headers, per-client rate limits and the request body's size and time, as one ASGI middleware.

The body is counted while it is read, whatever Content-Length says (a chunked body has none), on every
route, Gradio's included; one that grows past ``max_body_bytes`` or stops arriving for ``body_timeout``
seconds ends the request with a Chinese 413 / 408. Rate limits come from the ``limits`` library: a moving
one-minute window per client address and route kind, kept in this process.
"""

from __future__ import annotations

import asyncio
import json
import re
import time

from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.exceptions import HTTPException

from ..config import Settings

RATE_LIMITED = "请求太频繁，请稍后再试。"
TOO_LARGE = "请求内容太大。"
TOO_SLOW = "请求内容发送太慢，连接已关闭。"
NO_UPLOADS = "本站不接受上传文件。"
# POST routes and the limit each counts against; searches are GETs.
LIMITED_ROUTES = {("POST", "/api/ask"): "ask", ("GET", "/api/search"): "search", ("POST", "/api/feedback"): "feedback"}
UPLOAD_PATH = re.compile(r"(^|/)gradio_api/(upload|upload_progress)/?$")
_UNSAFE_IN_HEADER = re.compile(r"[;\r\n\x00-\x1f\x7f]")


class ClientLimits:
    """Per-client limits by kind: ``ask``, ``search``, ``feedback`` per minute, ``login`` failures per hour.

    A limit of 0 or less turns that kind off."""

    def __init__(self, settings: Settings) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        per_minute = {
            "ask": settings.rate_limit_per_minute,
            "search": settings.search_rate_limit_per_minute,
            "feedback": settings.feedback_rate_limit_per_minute,
        }
        self.items: dict[str, RateLimitItem] = {k: RateLimitItemPerMinute(v) for k, v in per_minute.items() if v > 0}
        if settings.login_failures_per_hour > 0:
            self.items["login"] = RateLimitItemPerHour(settings.login_failures_per_hour)

    def hit(self, kind: str, key: str) -> bool:
        """Count one request; False when ``key`` is over its limit (the request is then refused)."""
        item = self.items.get(kind)
        return item is None or self._limiter.hit(item, kind, key)

    def over(self, kind: str, key: str) -> bool:
        """Whether ``key`` is at its limit, without counting (a login form asks before checking a password)."""
        item = self.items.get(kind)
        return item is not None and not self._limiter.test(item, kind, key)

    def retry_after(self, kind: str, key: str) -> int:
        item = self.items.get(kind)
        if item is None:
            return 1
        reset = self._limiter.get_window_stats(item, kind, key).reset_time
        return max(1, int(reset - time.time()) + 1)


def frame_ancestors_header(frame_ancestors: str) -> str:
    """``frame-ancestors <sources>`` with anything that could add another directive removed."""
    sources = _UNSAFE_IN_HEADER.sub(" ", frame_ancestors).split()
    return "frame-ancestors " + (" ".join(sources) or "'none'")


def app_csp(frame_ancestors: str) -> str:
    """What the Gradio pages need and no more: scripts and requests of this origin only, nothing from any other
    host. Gradio inlines its config and our head script ('unsafe-inline') and renders gr.HTML templates with
    ``new Function`` ('unsafe-eval'; without it every answer shows "Error rendering HTML" in Chromium)."""
    return (
        "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
        f"object-src 'none'; base-uri 'self'; form-action 'self'; {frame_ancestors_header(frame_ancestors)}"
    )


def client_key(scope) -> str:
    """The client's address as the proxy layer left it (a trusted proxy's X-Forwarded-For already applied)."""
    client = scope.get("client")
    return client[0] if client else "unknown"


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, TOO_LARGE)


class BodyTooSlow(HTTPException):
    def __init__(self) -> None:
        super().__init__(408, TOO_SLOW)


class SecurityMiddleware:
    """Headers on every response; rate limits on the API's write and search routes; body size and time."""

    def __init__(self, app, *, settings: Settings, limits: ClientLimits) -> None:
        self.app = app
        self.limits = limits
        self.max_body = settings.max_body_bytes
        self.body_timeout = settings.body_timeout
        self.headers = [
            (b"content-security-policy", app_csp(settings.frame_ancestors).encode("latin-1")),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
        ]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope.get("path", ""), scope.get("method", "")
        if _content_length(scope) > self.max_body:
            await self.reject(send, 413, TOO_LARGE)
            return
        if UPLOAD_PATH.search(path):
            await self.reject(send, 403, NO_UPLOADS)
            return
        kind = LIMITED_ROUTES.get((method, path))
        if kind is not None and not self.limits.hit(kind, client_key(scope)):
            retry = str(self.limits.retry_after(kind, client_key(scope))).encode()
            await self.reject(send, 429, RATE_LIMITED, [(b"retry-after", retry)])
            return
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": self._with_headers(message.get("headers", []), path)}
            await send(message)

        try:
            await self.app(scope, self._bounded(receive), send_with_headers)
        except (BodyTooLarge, BodyTooSlow) as error:  # raised inside a route that does not handle it
            if not started:
                await self.reject(send, error.status_code, error.detail)

    def _with_headers(self, headers: list, path: str) -> list:
        present = {name.lower() for name, _ in headers}
        extra = [(n, v) for n, v in self.headers if n not in present]
        if b"cache-control" not in present:
            html = any(n.lower() == b"content-type" and v.startswith(b"text/html") for n, v in headers)
            if path.startswith(("/api/", "/staff")):  # answers, reports and staff pages are nobody else's
                extra.append((b"cache-control", b"no-store"))
            elif html:  # pages: revalidated every time, so a cache in front never serves a stale or foreign one
                extra.append((b"cache-control", b"no-cache"))
        return [*headers, *extra]

    def _bounded(self, receive):
        """``receive`` that counts body bytes and gives each chunk ``body_timeout`` seconds to come."""
        received, finished = 0, False

        async def bounded_receive():
            nonlocal received, finished
            if finished:  # after the body only a disconnect can come, and waiting for it is the app's business
                return await receive()
            try:  # asyncio.timeout, not wait_for: no task made for every chunk of every request
                async with asyncio.timeout(self.body_timeout):
                    message = await receive()
            except TimeoutError:
                raise BodyTooSlow() from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge()
                finished = not message.get("more_body", False)
            else:
                finished = True
            return message

        return bounded_receive

    async def reject(self, send, status: int, detail: str, extra: list | None = None) -> None:
        body = json.dumps({"detail": detail}, ensure_ascii=False).encode()
        headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
            (b"connection", b"close"),
            *self.headers,
            *(extra or []),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 1 << 62
    return 0
