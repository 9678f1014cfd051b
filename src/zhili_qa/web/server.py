"""uvicorn as the app is served: connection cap, idle and header timeouts, and no forwarded headers of its own.

Forwarded headers are the app's business (``proxy.ForwardedGuard`` believes only the configured proxies),
so uvicorn's own proxy_headers is off: by default it would believe any local process. uvicorn closes idle
keep-alive connections but has no limit on how long a new connection may take to send its headers, so the
h11 protocol here closes one that has not finished them within ``header_timeout`` seconds.
"""

from __future__ import annotations

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..config import Settings

MAX_HEADER_BYTES = 16 * 1024  # request line and headers; h11 answers 400 past it
KEEP_ALIVE_SECONDS = 5


def header_timeout_protocol(seconds: float) -> type[H11Protocol]:
    class HeaderTimeoutH11Protocol(H11Protocol):
        """Closes a connection whose next request has not finished its headers ``seconds`` after it was due."""

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm_header_timer()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm_header_timer()

        def _arm_header_timer(self) -> None:
            waiting_for = self.cycle
            self.loop.call_later(seconds, self._header_deadline, waiting_for)

        def _header_deadline(self, waiting_for) -> None:
            # No new request cycle since the timer was armed: its headers never came (or are still coming).
            if self.cycle is waiting_for and not self.transport.is_closing():
                self.transport.close()

    return HeaderTimeoutH11Protocol


def uvicorn_config(
    app, settings: Settings, *, log_level: str = "info", graceful_shutdown: float | None = None
) -> uvicorn.Config:
    """``graceful_shutdown``: seconds a stopping server waits for open responses before cancelling them; None
    waits for all of them (an open page's Gradio event stream only ends when the page goes)."""
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        http=header_timeout_protocol(settings.header_timeout),
        proxy_headers=False,
        limit_concurrency=settings.max_connections or None,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_graceful_shutdown=graceful_shutdown,
    )
