"""Optional LLM answers through an OpenAI-compatible endpoint, grounded in the engine's passages and
verified before they are final; the extractive answer is the fallback.

    answerer = GroundedAnswerer(assistant, settings)   # no endpoint when ZHILI_LLM_BASE_URL is unset
    answerer.answer(question, history) -> Answer
    answerer.stream(question, history) -> Iterator[StreamEvent]   # deltas, then one final event
"""

from .answerer import (
    NOTE_GENERATED,
    NOTE_UNAVAILABLE,
    NOTE_UNVERIFIED,
    GroundedAnswerer,
    StreamEvent,
)
from .endpoint import EndpointError
from .prompts import PromptError, Prompts

__all__ = [
    "NOTE_GENERATED",
    "NOTE_UNAVAILABLE",
    "NOTE_UNVERIFIED",
    "EndpointError",
    "GroundedAnswerer",
    "PromptError",
    "Prompts",
    "StreamEvent",
]
