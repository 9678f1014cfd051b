"""The citizens' chat page (Gradio Blocks): questions, cited answers, suggestions, feedback, ``?q=`` deep links.

With an LLM configured the answer streams in as plain escaped text and is then replaced by the verified
final answer (or the extractive one) with its sources; without one there is a single update, as before.

The conversation is one HTML fragment rendered by :mod:`..render` (everything escaped there), so the
sources under each answer and the [n] markers are plain links the page script opens in a viewer.
``layout`` draws the page, ``handlers`` says what its events do; this module wires the two.
"""

# No ``from __future__ import annotations`` here: Gradio reads the handlers' type hints on every event (for what to
# pass them: gr.Request, gr.EventData), and hints kept as strings are evaluated again each time (~0.1 ms an answer).
import functools
from collections.abc import Awaitable, Callable, Iterator

import gradio as gr

from ..assets import SETTLE_JS, SHOW_QUESTION_JS
from ..render import conversation_html
from ..service import QAService
from .handlers import Events, client_of, conversation_key
from .layout import page

__all__ = ["build_chat", "client_of"]

LLM_CONCURRENCY = 8  # chat questions answered at once when an LLM is configured (it does the waiting)

# The chat's inputs and outputs are strings and JSON that Gradio's pre- and post-processing (Textbox, Button,
# BrowserState, HTML, State) pass through unchanged, at the cost of a worker-thread hop for each of them on every
# answer (py-spy under bench/chat_load.py); the handlers check their inputs' types themselves.
PLAIN = {"preprocess": False, "postprocess": False}
# The page shows the question and its own waiting line (SHOW_QUESTION_JS): Gradio's progress would grey the
# conversation out, put timers on it and announce untranslated keys to screen readers.
QUIET = {"api_visibility": "private", "show_progress": "hidden", **PLAIN}


def answering(service: QAService) -> dict:
    """How an event that may answer reaches the server. With an LLM the answer streams, which needs Gradio's
    queue; a question then spends most of its time waiting on the endpoint, not on the cores (the engine gate in
    the service still bounds engine work), so more questions may be in flight. Without one there is a single
    update, which the page posts straight to /gradio_api/run/predict: one request instead of the queue's join and
    event stream, about half of Gradio's CPU time an answer (bench/chat_load.py, docs/performance.md)."""
    if not service.answerer.enabled:
        return {"queue": False}
    return {"concurrency_limit": LLM_CONCURRENCY, "concurrency_id": "zq-ask"}


def in_turn(service: QAService, handler: Callable[..., Iterator[dict]]) -> Callable[..., Awaitable[dict]]:
    """The handler's one update (without an LLM there is one), worked out on one of the engine's threads in the
    order the questions came (QAService.in_turn): Gradio would run a plain handler on any of its 40 worker
    threads, which then contend for the engine gate and the interpreter lock, and late arrivals overtake.
    Gradio reads the handler's signature through ``wraps`` for what to pass it."""

    def once(*args: object) -> dict:
        return next(handler(*args))

    @functools.wraps(handler)
    async def queued(*args: object) -> dict:
        return await service.in_turn(once, *args)

    return queued


def handlers(events: Events, service: QAService) -> tuple:
    """(typed question, click on the answer's buttons, page load) handlers."""

    def typed(text: str, turns: list[dict], request: gr.Request) -> Iterator[dict]:
        yield from events.respond(text, turns, request)

    def clicked(turns: list[dict], rated: list | None, event: gr.EventData, request: gr.Request) -> Iterator[dict]:
        yield from events.clicked(turns, rated, getattr(event, "_data", None), request)

    def loaded(turns: list[dict], request: gr.Request) -> Iterator[dict]:
        yield from events.on_load(turns, request)

    if service.answerer.enabled:
        return typed, clicked, loaded
    return in_turn(service, typed), in_turn(service, clicked), in_turn(service, loaded)


def wire(demo: gr.Blocks, events: Events, service: QAService) -> None:
    p, outputs, how = events.page, events.outputs, answering(service)
    # After every event, in the browser (assets.SETTLE_JS): the scroll, the starters and the clear button.
    settle = {"fn": None, "js": SETTLE_JS, "outputs": [p.starters_box, p.clear], "show_progress": "hidden"}
    asking = {**QUIET, "js": SHOW_QUESTION_JS, **how}
    typed, clicked, loaded = handlers(events, service)
    p.question.submit(typed, [p.question, p.turns], outputs, **asking).then(**settle)
    for button in p.starters:
        button.click(typed, [button, p.turns], outputs, **asking).then(**settle)
    # A suggested question's click shows it at once itself (layout.ON_CLICK), so no SHOW_QUESTION_JS here.
    p.chat.click(clicked, [p.turns, p.rated], outputs, **QUIET, **how).then(**settle)
    p.clear.click(events.reset, None, outputs, **QUIET, queue=False).then(**settle)
    demo.load(loaded, [p.turns], outputs, **QUIET, **how).then(**settle)


def build_chat(service: QAService) -> gr.Blocks:
    with gr.Blocks(title=service.document_title, analytics_enabled=False) as demo:
        layout = page(service, conversation_key(service), conversation_html([], welcome=service.welcome))
        wire(demo, Events(service, layout), service)
    return demo
