"""Grounded LLM answers: the engine decides and retrieves, the model words, the verifier decides again.

``assistant.ask`` runs first and settles refusals; the model only ever sees the engine's passages,
numbered, and its draft is shown as final only after ``Verifier`` passes it. Anything else (a failed
check, an endpoint error, a timeout, a broken stream) ends in the extractive answer with a note.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..answering.dialogue import FOLLOW_UP
from ..answering.scope import INJECTION, MARKUP
from ..assistant import Assistant
from ..config import Settings
from ..errors import ZhiliError
from ..schema import Answer, Citation
from ..text import normalize
from .endpoint import Endpoint, EndpointError
from .prompts import Prompts
from .verify import Draft, Verifier, renumber, visible

log = logging.getLogger(__name__)

NOTE_UNVERIFIED = "（智能回答未通过核验，已显示原文摘录）"
NOTE_UNAVAILABLE = "（智能回答暂不可用，已显示原文摘录）"
NOTE_GENERATED = "（智能整理，请以引用原文为准）"
MAX_PASSAGES = 6  # numbered passages given to the model (more when the extractive answer cites more)
MAX_PROJECTS = 3  # projects searched for extra passages
MAX_ANSWER_CHARS = 300  # without markers
REWRITE_MAX_TOKENS = 120
_REWRITE_LABEL = re.compile(r"^(?:改写后的?问题|独立问题|问题)\s*[:：]\s*")
_QUOTES = "\"'“”‘’「」『』《》 "


@dataclass(frozen=True)
class StreamEvent:
    """``delta``: text to append, as it arrives. ``final``: the answer to show, once, at the end.

    Show ``answer.answer`` when the final event comes, whatever the deltas said: when ``replaced`` is
    true it is the extractive answer (or a renumbered text) and the streamed text must go.
    """

    kind: str  # "delta" or "final"
    text: str = ""
    answer: Answer | None = None
    source: str = ""  # final: "llm" or "extractive"
    replaced: bool = False

    def to_dict(self) -> dict:
        if self.kind == "delta":
            return {"text": self.text}
        return {**self.answer.to_dict(), "source": self.source, "replaced": self.replaced}

    def to_sse(self) -> str:
        """One server-sent event: ``event: delta|final`` and a JSON ``data:`` line."""
        return f"event: {self.kind}\ndata: {json.dumps(self.to_dict(), ensure_ascii=False)}\n\n"


class GroundedAnswerer:
    def __init__(
        self,
        assistant: Assistant,
        settings: Settings | None = None,
        *,
        max_passages: int = MAX_PASSAGES,
        max_chars: int = MAX_ANSWER_CHARS,
        engine_gate: contextlib.AbstractContextManager | None = None,
    ) -> None:
        """``engine_gate`` (e.g. a BoundedSemaphore) is held around engine calls only, never while the
        endpoint is working, so slow model calls do not hold up other people's questions."""
        self.assistant = assistant
        self._gate = engine_gate or contextlib.nullcontext()
        self.settings = settings or assistant.settings
        self.max_passages = max_passages
        self.endpoint: Endpoint | None = None
        if not self.settings.llm_base_url:
            return
        if not self.settings.llm_model:
            raise ZhiliError("已设置 ZHILI_LLM_BASE_URL，但未设置 ZHILI_LLM_MODEL（模型名称）。")
        self.prompts = Prompts.load(self.settings.prompts_dir)
        self.verifier = Verifier(self.prompts.system, max_chars)
        self.endpoint = Endpoint(self.settings)
        where = urlsplit(self.settings.llm_base_url)
        log.info(
            "LLM answers on: model %s at %s://%s (timeout %g s)",
            self.settings.llm_model,
            where.scheme,
            where.hostname or "",
            self.settings.llm_timeout,
        )

    @property
    def enabled(self) -> bool:
        return self.endpoint is not None

    # ---------------------------------------------------------------- the two ways to ask
    def answer(self, question: str, history: list[dict] | None = None) -> Answer:
        """The verified LLM answer, or the extractive one (refusals always come from the engine)."""
        with self._gate:
            extractive = self.assistant.ask(question, history)
        if not self.enabled or not extractive.found:
            return extractive
        try:
            standalone = self._standalone(question, history or [])
            passages = self.passages_for(standalone, extractive)
            reply = self.endpoint.complete(self.prompts.answer_messages(standalone, passages))
            draft = renumber(visible(reply.text).strip(), len(passages))
            problem = self.verifier.problem(draft, passages, reply.finish_reason)
        except EndpointError as error:
            return self._fallback(extractive, NOTE_UNAVAILABLE, f"endpoint: {error}")
        except Exception as error:  # a bug here must not cost the user the answer the engine has
            log.exception("LLM answering failed")
            return self._fallback(extractive, NOTE_UNAVAILABLE, f"internal error: {type(error).__name__}")
        if problem:
            return self._fallback(extractive, NOTE_UNVERIFIED, problem)
        return self._accepted(draft, passages, extractive)

    def stream(self, question: str, history: list[dict] | None = None) -> Iterator[StreamEvent]:
        """Deltas as the model writes, then one final event. Input errors raise here, before any event."""
        with self._gate:
            extractive = self.assistant.ask(question, history)
        if not self.enabled or not extractive.found:
            return iter([StreamEvent("final", answer=extractive, source="extractive")])
        return self._stream(question, history or [], extractive)

    def _stream(self, question: str, history: list[dict], extractive: Answer) -> Iterator[StreamEvent]:
        shown, raw, finish, problem = "", "", None, None
        try:
            standalone = self._standalone(question, history)
            passages = self.passages_for(standalone, extractive)
            replies = self.endpoint.stream(self.prompts.answer_messages(standalone, passages))
            try:
                for reply in replies:
                    raw += reply.text
                    finish = reply.finish_reason or finish
                    draft = renumber(visible(raw), len(passages))
                    problem = self.verifier.early_problem(draft, passages)
                    if problem:
                        break
                    if len(draft.text) > len(shown) and draft.text.startswith(shown):
                        yield StreamEvent("delta", draft.text[len(shown) :])
                        shown = draft.text
            finally:
                replies.close()  # stops the call when we break early or the consumer goes away
            if not problem:
                draft = renumber(visible(raw).strip(), len(passages))
                problem = self.verifier.problem(draft, passages, finish)
        except EndpointError as error:
            yield self._final_fallback(extractive, NOTE_UNAVAILABLE, f"endpoint: {error}", shown)
            return
        except Exception as error:
            log.exception("LLM streaming failed")
            yield self._final_fallback(extractive, NOTE_UNAVAILABLE, f"internal error: {type(error).__name__}", shown)
            return
        if problem:
            yield self._final_fallback(extractive, NOTE_UNVERIFIED, problem, shown)
            return
        answer = self._accepted(draft, passages, extractive)
        yield StreamEvent("final", answer=answer, source="llm", replaced=answer.answer != shown.strip())

    # ---------------------------------------------------------------- grounding
    def passages_for(self, question: str, extractive: Answer) -> list[Citation]:
        """The extractive answer's citations, then the best other passages of the same projects, as [1..N]."""
        chosen = list(extractive.citations)
        limit = max(self.max_passages, len(chosen))
        projects = list(dict.fromkeys((c.doc, c.project) for c in chosen))[:MAX_PROJECTS]
        for doc, number in projects:
            if len(chosen) >= limit:
                break
            try:
                with self._gate:
                    hits = self.assistant.search(question, k=limit, project=number)
            except ZhiliError as error:
                log.warning("no extra passages: %s", error)
                continue
            for passage in hits:
                if len(chosen) >= limit:
                    break
                if passage.doc == doc and not any(_overlap(c, passage.doc, passage.start, passage.end) for c in chosen):
                    chosen.append(Citation.of(0, passage))
        return [dataclasses.replace(c, n=i) for i, c in enumerate(chosen, 1)]

    def _standalone(self, question: str, history: list[dict]) -> str:
        """The question as it stands, or rewritten by the model when it leans on the conversation."""
        if not any(m.get("role") == "user" for m in history) or not FOLLOW_UP.search(normalize(question)):
            return question
        reply = self.endpoint.complete(self.prompts.rewrite_messages(question, history), REWRITE_MAX_TOKENS)
        lines = [line for line in visible(reply.text).strip().splitlines() if line.strip()]
        rewritten = _REWRITE_LABEL.sub("", lines[0].strip()).strip(_QUOTES) if lines else ""
        limit = min(self.settings.max_question_chars, 4 * len(question) + 80)
        if not rewritten or len(rewritten) > limit or INJECTION.search(rewritten) or MARKUP.search(rewritten):
            log.warning("follow-up rewrite not used (%d characters, unusable); asking as typed", len(rewritten))
            return question
        log.debug("follow-up rewritten for the model")
        return rewritten

    # ---------------------------------------------------------------- outcomes
    def _accepted(self, draft: Draft, passages: list[Citation], extractive: Answer) -> Answer:
        citations = [dataclasses.replace(passages[n - 1], n=i) for i, n in enumerate(draft.used, 1)]
        return Answer(
            draft.text.strip(),
            True,
            citations,
            extractive.confidence,
            extractive.degraded,
            _join(extractive.note, NOTE_GENERATED),
        )

    @staticmethod
    def _fallback(extractive: Answer, note: str, reason: str) -> Answer:
        log.warning("LLM answer not used, showing the extractive answer: %s", reason)
        return dataclasses.replace(extractive, note=_join(extractive.note, note))

    def _final_fallback(self, extractive: Answer, note: str, reason: str, shown: str) -> StreamEvent:
        return StreamEvent(
            "final", answer=self._fallback(extractive, note, reason), source="extractive", replaced=bool(shown)
        )


def _overlap(citation: Citation, doc: str, start: int, end: int) -> bool:
    return citation.doc == doc and citation.start < end and start < citation.end


def _join(*notes: str) -> str:
    return "".join(n for n in notes if n)
