"""What the chat page's events do: ask (typed, suggested or from ``?q=``), rate, comment, clear.

Every handler returns a dict of updates ``{component: value}`` for some of ``Events.outputs``: the conversation
drawn, the conversation kept in the browser, the question box, and the rating a comment goes with. The starters
and the clear button follow in the browser from what is drawn (assets.SETTLE_JS): each output costs Gradio
Python work on every answer (py-spy under bench/chat_load.py).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator

import gradio as gr

from ...errors import UserInputError
from ...storage import ALREADY_RATED
from .. import suggestions
from ..inputs import echoable, optional
from ..render import conversation_html
from ..security import RATE_LIMITED
from ..service import MAX_HISTORY, QAService
from .layout import After, Page

ECHOED_TIMES_THE_LIMIT = 2  # a question box value echoed back at most this many times the question limit
KEPT_TURNS = 30  # what one page keeps and re-renders; older turns drop off the top
FAILED = "抱歉，系统出了点问题，请稍后再试。"
PROVISIONAL_INTERVAL = 0.1  # seconds between re-renders of the text being written (each sends the whole log)
THANKS = "谢谢您的反馈！"

log = logging.getLogger(__name__)


def engine_history(turns: list[dict]) -> list[dict]:
    """The exchanges so far as the engine's [{"role","content"}] history (notices left out)."""
    history = []
    for turn in turns:
        if "answer" in turn:
            history += [
                {"role": "user", "content": turn["question"]},
                {"role": "assistant", "content": turn["answer"]["answer"]},
            ]
    return history[-MAX_HISTORY:]


def last_answer_id(turns: list[dict]) -> str | None:
    """The id of the last answer in the conversation (None before the first: there is nothing to rate)."""
    exchange = next((t for t in reversed(turns) if "answer" in t), None)
    return None if exchange is None else exchange["answer"].get("answer_id", "")


def with_notice(turns: list[dict], notice: str) -> list[dict]:
    """The exchanges with one notice after them: a new notice replaces the last instead of stacking up."""
    return [*(t for t in turns if "notice" not in t), {"notice": notice}]


def conversation_key(service: QAService) -> str:
    """What Gradio encrypts the conversation kept in the browser with. Gradio sends it to the page anyway, so it
    is no secret; derived from the bulletin, it stays the same across restarts (a conversation survives them)
    and changes with the bulletin (whose answers an old conversation quotes)."""
    text = "".join(d.text for d in service.assistant.corpus.documents)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def client_of(request: gr.Request | None) -> str:
    client = getattr(request, "client", None)
    return getattr(client, "host", None) or "unknown"


class Events:
    """The handlers of one page, bound to the service and the page's components."""

    def __init__(self, service: QAService, page: Page) -> None:
        self.service, self.page = service, page
        self.max_chars = service.settings.max_question_chars
        self.outputs = [page.chat, page.turns, page.question, page.rated]

    def chat_html(self, turns: list[dict], after: After) -> str:
        return conversation_html(turns, self.service.titles, self.service.welcome) + after.html()

    def view(self, turns: list[dict], after: After, question: str = "") -> dict:
        """The page after an answer, a notice or a reset (the rating a comment goes with is left as it is:
        ``save_comment`` takes it only for the answer it rated)."""
        p = self.page
        return {
            p.chat: self.chat_html(turns, after),
            p.turns: turns,
            # A paste somewhat over the limit comes back whole to be shortened; a flood never comes back whole.
            p.question: echoable(question[: ECHOED_TIMES_THE_LIMIT * self.max_chars]),
        }

    def suggested(self, turns: list[dict]) -> After:
        """The thumbs and suggested questions under the last answer (none under a notice)."""
        if not turns or "answer" not in turns[-1]:
            return After()
        answer, text = turns[-1]["answer"], turns[-1]["question"]
        if answer["found"]:
            return After(
                True, chips=tuple(suggestions.follow_ups(self.service.projects, answer, text)), label="接着问："
            )
        return After(True, chips=tuple(self.service.related_suggestions(text)), label="您可以试试：")

    def respond(self, text: str, turns: list[dict], request: gr.Request | None) -> Iterator[dict]:
        """With an LLM, the text as it is written (escaped, no sources yet), then always the final answer in its
        place; without one, just the final answer, as a single update."""
        turns = list(turns or [])
        if not isinstance(text, str) or not text.strip():  # an empty send changes nothing
            yield gr.skip()
            return
        client = client_of(request)
        refused = self.service.over_limit(client)
        if refused:
            yield self.view(with_notice(turns, refused), After(), text)
            return
        kept = [t for t in turns if "answer" in t][-(KEPT_TURNS - 1) :]
        answer, written, shown_at = None, "", 0.0
        try:
            for event, final in self.service.ask_stream(text, engine_history(turns), channel="chat", client=client):
                if event.kind == "delta":
                    written += event.text
                    if time.monotonic() - shown_at >= PROVISIONAL_INTERVAL:  # the final answer follows anyway
                        shown_at = time.monotonic()
                        # Only the conversation changes; the last answer's thumbs and suggestions go.
                        yield {self.page.chat: self.chat_html([*kept, {"question": text, "pending": written}], After())}
                elif final is not None:
                    answer = final  # replaces what was written, whatever ``replaced`` says
        except UserInputError as error:
            yield self.view(with_notice(turns, str(error)), After(), text)
            return
        except Exception:
            log.exception("chat could not answer")
            yield self.view(with_notice(turns, FAILED), After(), text)
            return
        if answer is None:  # a stream that ended without its final event: not shown as an answer
            log.error("chat stream ended without a final answer")
            yield self.view(with_notice(turns, FAILED), After(), text)
            return
        turns = [*kept, {"question": text, "answer": answer}]
        yield self.view(turns, self.suggested(turns))

    def on_load(self, turns: list[dict], request: gr.Request) -> Iterator[dict]:
        """``?q=`` asks at once; otherwise the conversation the browser kept is shown again."""
        asked = (request.query_params.get("q") or "").strip() if request else ""
        if asked:
            yield from self.respond(asked[: self.max_chars + 1], turns, request)
        elif turns:
            yield self.view([t for t in turns if "answer" in t], After())
        else:
            yield gr.skip()

    def clicked(self, turns: list[dict], rated: list | None, data: object, request: gr.Request) -> Iterator[dict]:
        """A button drawn after the answer: a suggested question, a thumb, or the comment form's send."""
        data = data if isinstance(data, dict) else {}
        if isinstance(data.get("question"), str):
            yield from self.respond(data["question"], turns, request)
        elif data.get("rating") in (1, -1):
            yield self.rate(turns or [], data["rating"], request)
        elif isinstance(data.get("comment"), str):
            yield self.save_comment(turns or [], data["comment"], rated)
        else:
            yield gr.skip()

    def feedback_view(self, turns: list[dict], status: str, *, thumbs: bool = False, comment: bool = False) -> dict:
        after = self.suggested(turns)
        after = After(thumbs, comment, status, after.chips, after.label)
        return {self.page.chat: self.chat_html(turns, after)}

    def rate(self, turns: list[dict], rating: int, request: gr.Request) -> dict:
        """A thumb under the last answer: stored once, thanked, and a comment asked for after a thumbs down."""
        answer_id = last_answer_id(turns)
        if answer_id is None:
            return self.feedback_view(turns, "")
        client = client_of(request)
        if not self.service.limits.hit("feedback", client):
            return self.feedback_view(turns, RATE_LIMITED, thumbs=True)
        try:
            stored = self.service.feedback(answer_id, rating, client=client)
        except UserInputError as error:
            return self.feedback_view(turns, str(error))
        if stored == ALREADY_RATED:
            return self.feedback_view(turns, "这个回答已经评价过了。")
        thanks = THANKS + ("能说说哪里不对吗？（可选）" if rating < 0 else "")
        rated = None if stored is None else [answer_id, stored]
        return {**self.feedback_view(turns, thanks, comment=stored is not None), self.page.rated: rated}

    def save_comment(self, turns: list[dict], text: str, rated: list | None) -> dict:
        """A comment on the rating of the last answer (a rating of an earlier answer takes none)."""
        stored = rated[1] if rated and rated[0] == last_answer_id(turns) else None
        try:
            text = optional(text.strip(), "")
        except UserInputError as error:
            return self.feedback_view(turns, str(error), comment=True)
        if not text:
            return self.feedback_view(turns, "请先写下您的意见。", comment=True)
        ok = stored is not None and self.service.comment(stored, text)
        message = "已收到您的意见，谢谢！" if ok else "意见暂时无法保存，请稍后再试。"
        return self.feedback_view(turns, message, comment=not ok)

    def reset(self) -> dict:
        return self.view([], After())
