"""The OpenAI-compatible endpoint, behind two calls that either deliver text or raise EndpointError.

Whatever goes wrong on the wire (status, timeout, refused connection, malformed JSON, a stream cut
off, a reply of the wrong shape) becomes one ``EndpointError`` whose reason is fit to log: the API
key is masked out of it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass

import openai

from ..config import Settings

log = logging.getLogger(__name__)
STREAM_DEADLINE_FACTOR = 3  # a streamed answer may take this many timeouts in all
REASON_CHARS = 300


class EndpointError(Exception):
    """The endpoint did not deliver a usable reply; ``str(error)`` says why (no secrets)."""


@dataclass(frozen=True)
class Reply:
    text: str
    finish_reason: str | None


class Endpoint:
    def __init__(self, settings: Settings) -> None:
        self.model = settings.llm_model
        self.max_tokens = settings.llm_max_tokens
        self.timeout = settings.llm_timeout
        self._secret = settings.llm_api_key
        # No retries: a retry doubles the wait, and the extractive answer is ready meanwhile.
        self.client = openai.OpenAI(
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "EMPTY",  # servers without keys accept any; never OPENAI_API_KEY
            timeout=openai.Timeout(settings.llm_timeout),
            max_retries=0,
        )

    def complete(self, messages: list[dict], max_tokens: int | None = None) -> Reply:
        try:
            completion = self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                max_tokens=max_tokens or self.max_tokens,
                temperature=0,
            )
            choice = completion.choices[0]
            text = choice.message.content
            if not isinstance(text, str):
                raise TypeError(f"message content is {type(text).__name__}")
            return Reply(text, choice.finish_reason)
        except Exception as error:
            raise EndpointError(self._reason(error)) from None

    def stream(self, messages: list[dict], max_tokens: int | None = None) -> Iterator[Reply]:
        """Text deltas as they arrive; the last one carries the finish reason. Closing stops the call."""
        deadline = time.monotonic() + STREAM_DEADLINE_FACTOR * self.timeout
        try:
            with self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                max_tokens=max_tokens or self.max_tokens,
                temperature=0,
                stream=True,
            ) as chunks:
                finished = False
                for chunk in chunks:
                    if not chunk.choices:  # a usage-only chunk
                        continue
                    choice = chunk.choices[0]
                    delta = choice.delta.content if choice.delta is not None else None
                    if delta is not None and not isinstance(delta, str):
                        raise TypeError(f"delta content is {type(delta).__name__}")
                    finished = finished or choice.finish_reason is not None
                    yield Reply(delta or "", choice.finish_reason)
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"stream still running after {STREAM_DEADLINE_FACTOR * self.timeout:g} s")
                if not finished:
                    raise ConnectionError("stream ended without a finish reason")
        except Exception as error:  # GeneratorExit is not one: closing the generator just closes the call
            raise EndpointError(self._reason(error)) from None

    def _reason(self, error: BaseException) -> str:
        if isinstance(error, openai.APITimeoutError):
            reason = f"timed out after {self.timeout:g} s"
        elif isinstance(error, openai.APIStatusError):
            reason = f"HTTP {error.status_code}: {error.message}"
        else:
            reason = f"{type(error).__name__}: {error}"
            cause = error.__cause__ or error.__context__
            if cause is not None and str(cause) not in reason:
                reason += f" ({type(cause).__name__}: {cause})"
        if self._secret:
            reason = reason.replace(self._secret, "***")
        return reason[:REASON_CHARS]
