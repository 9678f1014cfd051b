"""Assembling the whole web app: the JSON API, the plain pages, and the two Gradio pages, in one process."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from ..assistant import Assistant
from ..config import Settings
from ..storage import Storage, open_storage

# Gradio reads this when imported: no telemetry or version check leaves the machine.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Gradio's queue rebuilds a pandas table of its last 10,000 events after every event, for a monitoring page this
# app does not serve (enable_monitoring=False): ~8 ms an answer at 50 users and growing with the events served
# (py-spy under bench/chat_load.py). Recomputed once in a million events instead, over at most 1,000.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000000")
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
# Gradio wraps every event in a switch of matplotlib's backend, importing it each time; it is not installed, so
# every answer paid for two failed searches of sys.path (~0.5 ms of ~15, py-spy). None in sys.modules makes that
# import fail at once, as it would anyway.
if importlib.util.find_spec("matplotlib") is None:
    sys.modules["matplotlib"] = None

import gradio as gr
import swagger_ui_bundle
from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from .api import create_api, install_error_handlers
from .assets import APP_CSS, APP_JS, STATIC_DIR
from .auth import StaffAuth, StaffGate, create_login
from .chat import build_chat
from .corpus_desk import create_corpus_desk
from .front import Card, FrontDoorMiddleware
from .lite import create_lite
from .pages import create_pages
from .proxy import ForwardedGuard
from .security import SecurityMiddleware
from .service import QAService
from .staff import build_staff
from .theme import theme

log = logging.getLogger(__name__)

QUEUE_SIZE = 128  # waiting chat events beyond this get Gradio's "queue is full" instead of piling up
# Events Gradio works on at once. The service's engine gate still lets only ENGINE_CONCURRENCY questions use the
# engine at a time; more workers let Gradio's own per-event work (about 40 ms of CPU an answer) overlap the
# engine's. With 2 workers and 32 places, 50 users got "queue is full"; see docs/performance.md.
QUEUE_WORKERS = 16
# Gradio by default sends every waiting event a new estimate each time any event starts: with 50 waiting, ~50
# messages an answer through the whole middleware stack. The pages show no queue position (progress hidden),
# so estimates go out on a slow timer instead.
STATUS_EVERY_SECONDS = 10.0
MAX_FILE_SIZE = "1kb"  # the pages upload nothing (the upload routes are closed in security.py as well)
UNKNOWN_EVENT = "没有这个功能。"
COMPRESS_FROM_BYTES = 500  # smaller responses gain less than gzip's own framing costs


def serve_docs_offline(app: FastAPI) -> None:
    """Swagger UI from the swagger-ui-bundle package: FastAPI's default loads it from a CDN, which
    visitors behind mainland networks often cannot reach."""
    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title=f"{app.title} 文档",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )


def mount(app: FastAPI, blocks: gr.Blocks, path: str, settings: Settings) -> None:
    """Mount a Blocks with the hardening the issue asks for: CSR only, no error details, no extra files."""
    blocks.queue(
        max_size=QUEUE_SIZE,
        default_concurrency_limit=QUEUE_WORKERS,
        status_update_rate=STATUS_EVERY_SECONDS,
        api_open=False,
    )
    # A configured public URL is Gradio's root whatever the request's headers say.
    root = settings.public_url.rstrip("/") + path.rstrip("/") if settings.public_url else None
    gr.mount_gradio_app(
        app,
        blocks,
        path=path,
        server_name=settings.host,
        server_port=settings.port,
        footer_links=[],
        run_history=False,
        ssr_mode=False,
        show_error=False,
        max_file_size=MAX_FILE_SIZE,
        allowed_paths=None,
        mcp_server=False,
        pwa=False,
        enable_monitoring=False,
        theme=theme(),
        css=APP_CSS,
        head=APP_JS,
        root_path=root,
    )
    gradio_app = next(r.app for r in app.routes if getattr(r, "path", None) == path.rstrip("/") and hasattr(r, "app"))

    async def unknown_event(request, exc: KeyError) -> JSONResponse:
        # Gradio looks an event's fn_index up unchecked: an unknown one is the caller's mistake, not a 500.
        log.info("unknown Gradio event on %s: %s", request.url.path, exc)
        return JSONResponse({"detail": UNKNOWN_EVENT}, status_code=404)

    gradio_app.add_exception_handler(KeyError, unknown_event)


def cards(document: str) -> dict[str, Card]:
    """The link cards of the two Gradio pages, named after the bulletin they answer from."""
    return {
        "/": Card(f"{document}问答", f"就《{document}》提问：每个回答都摘自公告原文，注明出处。", lite="/lite"),
        "/staff/": Card(f"热线工作台 · {document}", f"检索《{document}》原文，生成带出处的答复。"),
    }


def create_app(assistant: Assistant, settings: Settings, *, storage: Storage | None = None, ui: bool = True) -> FastAPI:
    """The FastAPI app: API and pages always, the chat at / and staff tools at /staff when ``ui``."""
    service = QAService(assistant, settings, storage or open_storage(settings.data_dir, settings.database_url))
    auth = StaffAuth(settings, service.storage, service.limits, service.secret)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        # Question rows are written by a background thread; a stopping server writes what is queued first.
        await asyncio.to_thread(service.storage.flush, service.storage.waits.shutdown)

    app = FastAPI(
        title="治理问答 API",
        version="1",
        description=f"{service.document_title}问答：带出处的回答、检索、项目目录、反馈。",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    serve_docs_offline(app)
    app.state.service = service
    install_error_handlers(app)
    # Outermost last: forwarded headers settled first, then size, time and rate limits, then the staff gate.
    app.add_middleware(StaffGate, auth=auth)
    app.add_middleware(SecurityMiddleware, settings=settings, limits=service.limits)
    app.add_middleware(ForwardedGuard, trusted=settings.forwarded_allow_ips, public_url=settings.public_url)
    app.include_router(create_login(auth))
    app.include_router(create_corpus_desk(service, auth))
    app.include_router(create_api(service))
    app.include_router(create_pages(service))
    page_cards = cards(service.document_title)
    app.include_router(create_lite(service, page_cards["/"]))
    app.mount("/zq", StaticFiles(directory=STATIC_DIR), name="zq-static")
    if ui:
        app.add_middleware(FrontDoorMiddleware, cards=page_cards)
        mount(app, build_staff(service), "/staff", settings)
        mount(app, build_chat(service), "/", settings)
    # Outermost, so it compresses what the others wrote: the chat's HTML is 66 KB, ~10 KB gzipped, and a
    # first visit on a slow link is mostly Gradio's scripts. Server-sent events pass through unbuffered.
    app.add_middleware(GZipMiddleware, minimum_size=COMPRESS_FROM_BYTES)
    return app
