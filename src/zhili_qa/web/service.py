"""What the API and the Gradio pages share: the engine behind a small gate, the log, feedback, search.

Questions go through the :class:`GroundedAnswerer`: with no LLM configured it is exactly the engine's
extractive answer; with one, the model's wording once verified, else the extractive answer with a note.
The answerer holds ``gate`` around engine calls only, never while the model is writing.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import hashlib
import hmac
import logging
import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from typing import TypeVar
from urllib.parse import urlsplit

from itsdangerous import BadSignature, Signer
from starlette.concurrency import run_in_threadpool

from ..assistant import Assistant
from ..config import Settings
from ..errors import UserInputError
from ..literal import literal_units
from ..llm import GroundedAnswerer, StreamEvent
from ..storage import Storage, open_storage
from . import suggestions
from .accounts import secret_key
from .inputs import clean, optional
from .render import directory_projects, welcome
from .security import ClientLimits
from .sources import citation_url, source_line

log = logging.getLogger(__name__)
T = TypeVar("T")

# One question per core: more in parallel only queue inside ONNX Runtime.
ENGINE_CONCURRENCY = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
MAX_HISTORY = 20
MAX_HISTORY_CHARS = 4000  # one earlier turn; answers are a few hundred characters
MAX_COMMENT_CHARS = 1000
ROLES = ("user", "assistant")
NOT_OURS = "没有找到这个回答，无法评价（只能评价本站刚给出的回答）。"
EMPTY_QUESTION = "请输入问题。"
BAD_HISTORY = '对话历史格式不正确：应为 {"role": "user" 或 "assistant", "content": 文本} 组成的列表，最多20条。'


class QAService:
    def __init__(
        self,
        assistant: Assistant,
        settings: Settings,
        storage: Storage | None = None,
        limits: ClientLimits | None = None,
    ) -> None:
        self.assistant = assistant
        self.settings = settings
        self.storage = storage or open_storage(settings.data_dir, settings.database_url)
        self.limits = limits or ClientLimits(settings)
        self.secret = secret_key(settings)
        self._answer_ids = Signer(self.secret, salt="answer-id")
        self.titles = {d.id: d.label for d in assistant.corpus.documents}
        self.welcome = welcome(assistant.corpus.documents)  # a conversation's first message
        self.projects = assistant.projects()
        self.starters = suggestions.starters(self.projects)
        self.gate = threading.BoundedSemaphore(ENGINE_CONCURRENCY)
        self._engine_threads = ThreadPoolExecutor(ENGINE_CONCURRENCY, thread_name_prefix="engine")
        self.answerer = GroundedAnswerer(assistant, settings, engine_gate=self.gate)

    def use(self, assistant: Assistant) -> None:
        """Answer with another assistant from now on (a changed corpus); questions already asked finish with the
        one they started with. The staff page redraws its projects on its next load (staff.py); the chat's
        starter questions stay those it was built with until a restart."""
        self.answerer = GroundedAnswerer(assistant, self.settings, engine_gate=self.gate)
        self.titles = {d.id: d.label for d in assistant.corpus.documents}
        self.projects = assistant.projects()
        self.starters = suggestions.starters(self.projects)
        self.assistant = assistant

    @property
    def document_title(self) -> str:
        return self.assistant.corpus.documents[0].label

    # ---------------------------------------------------------------- questions
    @staticmethod
    def check_history(history: object) -> list[dict]:
        if history is None:
            return []
        if not isinstance(history, list) or len(history) > MAX_HISTORY:
            raise UserInputError(BAD_HISTORY)
        for turn in history:
            if (
                not isinstance(turn, dict)
                or turn.get("role") not in ROLES
                or not isinstance(turn.get("content"), str)
                or len(turn["content"]) > MAX_HISTORY_CHARS
            ):
                raise UserInputError(BAD_HISTORY)
        return [{"role": t["role"], "content": optional(t["content"], BAD_HISTORY)} for t in history]

    def over_limit(self, client: str) -> str | None:
        """None when this client may ask now (the ask counted); otherwise the message to show, saying when to
        try again."""
        if self.limits.hit("ask", client):
            return None
        return f"提问太频繁了，请{self.limits.retry_after('ask', client)}秒后再试。"

    def question(self, question: object) -> str:
        return self.assistant.validate_question(clean(question, EMPTY_QUESTION))

    def client_id(self, address: str) -> str:
        """A keyed hash that stands for a client in the log: the same for the same address, never reversible."""
        return hmac.new(self.secret, address.encode(), hashlib.sha256).hexdigest()[:24]

    def _logged_answer(self, channel: str, question: str, answer: dict, client: str) -> dict:
        """Log the exchange under a new answer id and return the answer with that id, signed, for feedback."""
        answer_id = uuid.uuid4().hex
        self.storage.log_question(channel, question, answer, answer_id=answer_id, client=self.client_id(client))
        return {**answer, "answer_id": self._answer_ids.sign(answer_id).decode()}

    def ask(self, question: object, history: object = None, channel: str = "api", client: str = "") -> dict:
        """The Answer as JSON (verified LLM wording or the engine's extractive answer) with its answer id; logs
        the exchange (a failed write is logged, never raised)."""
        question = self.question(question)
        history = self.check_history(history)
        answer = self.answerer.answer(question, history).to_dict()
        return self._logged_answer(channel, question, answer, client)

    async def ask_in_turn(
        self, question: object, history: object = None, channel: str = "api", client: str = ""
    ) -> dict:
        """``ask`` for the event loop: engine-only answers wait their turn, first come first served, for one of
        ENGINE_CONCURRENCY threads; answers that wait on an LLM endpoint keep the wide thread pool."""
        if self.answerer.enabled:
            return await run_in_threadpool(self.ask, question, history, channel, client)
        return await self.in_turn(self.ask, question, history, channel, client)

    async def in_turn(self, work: Callable[..., T], *args: object) -> T:
        """``work(*args)`` on one of the ENGINE_CONCURRENCY engine threads, first come first served, for work that
        is mostly the engine's (a threading gate alone lets late arrivals overtake: a long tail under load)."""
        call = functools.partial(contextvars.copy_context().run, work, *args)
        return await asyncio.get_running_loop().run_in_executor(self._engine_threads, call)

    def ask_stream(
        self, question: object, history: object = None, channel: str = "api", client: str = ""
    ) -> Iterator[tuple[StreamEvent, dict | None]]:
        """(event, None) for each delta as the model writes, then (final event, the answer as JSON with its
        answer id); the final answer is logged like ``ask``.

        Validation and the engine's own answer happen here, before the first event, so bad input
        raises UserInputError (a 422) before a response has started. With no LLM configured, or for a
        refusal, the only event is the final one with the extractive answer.
        """
        question = self.question(question)
        history = self.check_history(history)
        events = self.answerer.stream(question, history)
        return self._logged(events, question, channel, client)

    def _logged(
        self, events: Iterator[StreamEvent], question: str, channel: str, client: str
    ) -> Iterator[tuple[StreamEvent, dict | None]]:
        try:
            for event in events:
                if event.kind == "final" and event.answer is not None:
                    # before the yield: a reader who goes away on the final event still gets it logged
                    yield event, self._logged_answer(channel, question, event.to_dict(), client)
                else:
                    yield event, None
        finally:
            close = getattr(events, "close", None)
            if close is not None:  # a reader gone mid-stream: stop the model call too
                close()

    def related_suggestions(self, question: str) -> list[suggestions.Suggestion]:
        """Starter chips for the projects a search finds for a refused question, else the first ones."""
        try:
            with self.gate:
                hits = self.assistant.search(question, k=5)
        except Exception:  # a suggestion is a nicety; never let it spoil the refusal
            log.exception("search for suggestions failed")
            hits = []
        return suggestions.related(self.projects, [h.project for h in hits])

    # ---------------------------------------------------------------- search and directory
    def search(
        self,
        query: object,
        k: int = 10,
        project: int | None = None,
        lead: str | None = None,
        distinct: bool = False,
        doc: str | None = None,
    ) -> list[dict]:
        """Ranked passages with their source line and original-text link; ``project``, ``lead`` and ``doc`` filter
        as ``Retriever.search`` does (a project is ``(doc, project)``: with several bulletins, pass both).

        ``distinct`` drops a passage that lies inside (or around) a better-ranked one, as a sentence
        and its whole field often both match; staff then see k different places, not repeats.
        """
        query = self.assistant.validate_question(clean(query, "请输入检索词。"))
        lead = optional(lead or "", "")
        with self.gate:
            passages = self.assistant.search(
                query, k=k * 3 if distinct else k, project=project or None, lead=lead or None, doc=doc
            )
        passages = self._literal_first(query, passages, project, lead, doc)
        if distinct:
            kept: list = []
            for p in passages:
                if not any(
                    p.doc == q.doc and (q.start <= p.start < p.end <= q.end or p.start <= q.start < q.end <= p.end)
                    for q in kept
                ):
                    kept.append(p)
            passages = kept
        passages = passages[:k]
        hits = []
        for passage in passages:
            hit = asdict(passage)
            hit["score"] = round(float(hit["score"]), 6)
            hit["source"] = source_line([hit], self.titles)
            hit["url"] = citation_url(hit)
            hits.append(hit)
        return hits

    def _literal_first(
        self, query: str, passages: list, project: int | None, lead: str | None, doc: str | None
    ) -> list:
        """Passages holding the query's figures or naming the department it shortens (``literal.py``) ahead of
        the ranking, in its order where it found them too; within the project, lead and bulletin filters."""
        corpus, retriever = self.assistant.corpus, self.assistant.retriever
        ranked = {(p.doc, p.start, p.end): p for p in passages}
        literal = [
            ranked.get((u.doc, u.start, u.end)) or retriever.passage(u)
            for u in literal_units(corpus, query)
            if (not project or u.project == project)
            and (doc is None or u.doc == doc)
            and (not lead or lead in corpus.document(u.doc).project(u.project).lead)
        ]
        if not literal:
            return passages
        order = list(ranked)
        literal.sort(
            key=lambda p: order.index((p.doc, p.start, p.end)) if (p.doc, p.start, p.end) in ranked else len(order)
        )
        first = {(p.doc, p.start, p.end) for p in literal}
        return literal + [p for p in passages if (p.doc, p.start, p.end) not in first]

    def leads(self) -> list[str]:
        """Each department once, also where one leads jointly: 区卫健局(区医保局) gives 区卫健局 and 区医保局
        (the search filter matches a lead that contains the name)."""
        names = [name for p in self.projects for name in re.split(r"[()（）、]", p.lead) if name.strip()]
        return list(dict.fromkeys(names))

    def directory(self) -> list[dict]:
        return directory_projects(self.assistant.corpus.documents)

    # ---------------------------------------------------------------- feedback
    def answer_id(self, signed: object) -> str:
        """The id this server minted for one of its answers, or UserInputError for anything else."""
        try:
            return self._answer_ids.unsign(str(signed)).decode()
        except (BadSignature, UnicodeDecodeError):
            raise UserInputError(NOT_OURS) from None

    def feedback(self, signed_id: str, rating: int, comment: str = "", client: str = "") -> int | None:
        """The stored row's id, ALREADY_RATED when that answer has its feedback, None when it was not stored."""
        comment = optional(comment, "")[:MAX_COMMENT_CHARS]
        return self.storage.add_feedback(self.answer_id(signed_id), rating, comment, self.client_id(client))

    async def feedback_async(self, signed_id: str, rating: int, comment: str = "", client: str = "") -> int | None:
        comment = optional(comment, "")[:MAX_COMMENT_CHARS]
        answer_id = self.answer_id(signed_id)
        return await self.storage.add_feedback_async(answer_id, rating, comment, self.client_id(client))

    def comment(self, feedback_id: int, comment: str) -> bool:
        return self.storage.add_comment(feedback_id, comment[:MAX_COMMENT_CHARS])

    def gaps(self) -> dict:
        return self.storage.gaps().to_dict()

    def health(self) -> dict:
        manifest = getattr(getattr(self.assistant.retriever, "index", None), "manifest", None) or {}
        degraded = bool(self.assistant.degraded)
        return {
            "status": "degraded" if degraded else "ok",
            "degraded": degraded,
            "reason": self.assistant.degraded_reason if degraded else "",
            "model": self.settings.model,
            "index": {"units": manifest.get("units"), "model": manifest.get("model")},
            "documents": len(self.assistant.corpus.documents),
            "projects": len(self.projects),
            "llm": self.llm_state(),
        }

    def llm_state(self) -> dict:
        """Whether LLM answers are on, and where: the endpoint's host name only (no path, user or key)."""
        if not self.answerer.enabled:
            return {"state": "disabled"}
        return {
            "state": "configured",
            "host": urlsplit(self.settings.llm_base_url).hostname or "",
            "model": self.settings.llm_model,
        }
