"""The citizens' chat page (Gradio Blocks): questions, cited answers, suggestions, feedback, ``?q=`` deep links.

With an LLM configured the answer streams in as plain escaped text and is then replaced by the verified
final answer (or the extractive one) with its sources; without one there is a single update, as before.

The conversation is one HTML fragment rendered by :mod:`..render` (everything escaped there), so the
sources under each answer and the [n] markers are plain links the page script opens in a viewer.
``layout`` draws the page, ``handlers`` says what its events do; this module wires the two.
"""

from __future__ import annotations

import gradio as gr

from ..assets import SETTLE_JS, SHOW_QUESTION_JS
from ..render import conversation_html
from ..service import QAService
from .handlers import Events, client_of, conversation_key
from .layout import page

__all__ = ["build_chat", "client_of"]

LLM_CONCURRENCY = 8  # chat questions answered at once when an LLM is configured (it does the waiting)

# The page shows the question and its own waiting line (SHOW_QUESTION_JS): Gradio's progress would grey the
# conversation out, put timers on it and announce untranslated keys to screen readers.
QUIET = {"api_visibility": "private", "show_progress": "hidden"}
SETTLE = {"fn": None, "js": SETTLE_JS, "show_progress": "hidden"}  # scrolls the new answer into view


def concurrency(service: QAService) -> dict:
    """With an LLM a question spends most of its time waiting on the endpoint, not on the cores (the engine
    gate in the service still bounds engine work), so more questions may be in flight."""
    if not service.answerer.enabled:
        return {}
    return {"concurrency_limit": LLM_CONCURRENCY, "concurrency_id": "zq-ask"}


def handlers(events: Events, streaming: bool) -> tuple:
    """(typed question, click on the answer's buttons) handlers. Without an LLM there is one update: plain
    functions spare Gradio's generator machinery (measured in bench/chat_load.py)."""

    def typed(text: str, turns: list[dict], request: gr.Request):
        yield from events.respond(text, turns, request)

    def clicked(turns: list[dict], stored: int | None, event: gr.EventData, request: gr.Request):
        yield from events.clicked(turns, stored, getattr(event, "_data", None), request)

    if streaming:
        return typed, clicked

    def typed_once(text: str, turns: list[dict], request: gr.Request) -> dict:
        return next(typed(text, turns, request))

    def clicked_once(turns: list[dict], stored: int | None, event: gr.EventData, request: gr.Request) -> dict:
        return next(clicked(turns, stored, event, request))

    return typed_once, clicked_once


def wire(events: Events, service: QAService) -> None:
    p, outputs = events.page, events.outputs
    asking = {**QUIET, "js": SHOW_QUESTION_JS, **concurrency(service)}
    typed, clicked = handlers(events, service.answerer.enabled)
    p.question.submit(typed, [p.question, p.turns], outputs, **asking).then(**SETTLE)
    for button in p.starters:
        button.click(typed, [button, p.turns], outputs, **asking).then(**SETTLE)
    # A suggested question's click shows it at once itself (layout.ON_CLICK), so no SHOW_QUESTION_JS here.
    p.chat.click(clicked, [p.turns, p.feedback_id], outputs, **QUIET, **concurrency(service)).then(**SETTLE)
    p.clear.click(events.reset, None, outputs, **QUIET)


def build_chat(service: QAService) -> gr.Blocks:
    with gr.Blocks(title=service.document_title, analytics_enabled=False) as demo:
        layout = page(service, conversation_key(service), conversation_html([], welcome=service.welcome))
        events = Events(service, layout)
        wire(events, service)
        demo.load(events.on_load, [layout.turns], events.outputs, **QUIET, **concurrency(service)).then(**SETTLE)
    return demo
