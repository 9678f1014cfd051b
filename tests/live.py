"""A real app on uvicorn in a thread, on a free loopback port: what the HTTP and browser tests talk to."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

# Debian's chromium, headless, for the browser tests (playwright cannot download its own here).
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """The app served as ``zhili-qa serve`` serves it (the same uvicorn settings), on a free loopback port.

    Stopping it waits one second for open responses, not for ever: a page left open in the browser keeps
    Gradio's event stream open, and a stopped server must be gone (its lifespan's end still runs)."""

    def __init__(self, app, port: int | None = None) -> None:
        """``port``: a given one, e.g. to start a server again where a page still points."""
        import uvicorn

        from zhili_qa.web.server import uvicorn_config

        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = app
        settings = app.state.service.settings.replaced(host="127.0.0.1", port=self.port)
        self.server = uvicorn.Server(uvicorn_config(app, settings, log_level="warning", graceful_shutdown=1.0))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        assert not self.thread.is_alive(), "the live server did not stop"
