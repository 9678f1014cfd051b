"""Checks a model's draft against the numbered passages it was given, before it may be final.

The draft's citation markers are normalised (``［1］``, ``【1】``, ``[1,2]`` -> ``[1]``, ``[1][2]``) and
renumbered in order of first use, so that the answer's citations are exactly the passages it uses.
The same functions run on every streamed prefix: a prefix's rendering is a prefix of the whole's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..answering.scope import INJECTION, MARKUP
from ..figures import unsupported_figures
from ..schema import Citation

# A model writes its markers loosely ([1,2], ［1］, 【1】); they are read here and rewritten as schema.MARKER.
_LOOSE_MARKER = re.compile(r"[\[［【]\s*(\d{1,3}(?:\s*[,，、]\s*\d{1,3})*)\s*[\]］】]")
_OPEN_MARKER_AT_END = re.compile(r"[\[［【][\d\s,，、]{0,12}$")
_THINK = re.compile(r"^\s*<think>.*?</think>\s*", re.DOTALL)
_URL = re.compile(r"(?:https?|ftp)://|www\.", re.IGNORECASE)
# What an echoed instruction looks like, beyond the engine's own injection cues.
_ECHO = re.compile(
    r"忽略|无视|指令|提示词|系统提示|规则如下|我的设定|新的身份|已切换|system prompt|instruction", re.IGNORECASE
)
_DECLINE = re.compile(r"公告中没有相关内容|材料中没有|没有提到相关|无法根据.{0,8}回答|无法回答")
ECHO_WINDOW = 16  # characters of the system prompt that, found in a draft, mean it is being recited


@dataclass(frozen=True)
class Draft:
    """A model's text as it may be shown: markers renumbered, with what they point at."""

    text: str
    used: list[int]  # passage numbers (1-based, as given to the model) in order of first use
    invalid: list[int]  # marker numbers outside 1..N


def visible(raw: str) -> str:
    """The part of a (possibly partial) reply that may be shown: no reasoning block, no half marker."""
    stripped = raw.lstrip()
    if stripped.startswith("<think>"):
        match = _THINK.match(stripped)
        if not match:
            return ""
        stripped = stripped[match.end() :]
    elif "<think>".startswith(stripped[:7]) and stripped:
        return ""  # "<thi..." may still become a reasoning block
    open_marker = _OPEN_MARKER_AT_END.search(stripped)
    return stripped[: open_marker.start()] if open_marker else stripped


def renumber(text: str, passages: int) -> Draft:
    """Markers rewritten as [1], [2] ... in order of first use; numbers outside 1..N kept as written."""
    order: dict[int, int] = {}
    invalid: list[int] = []

    def replace(match: re.Match) -> str:
        out = []
        for part in re.split(r"[,，、]", match.group(1)):
            number = int(part)
            if 1 <= number <= passages:
                order.setdefault(number, len(order) + 1)
                out.append(f"[{order[number]}]")
            else:
                invalid.append(number)
                out.append(f"[{number}]")
        return "".join(dict.fromkeys(out))

    return Draft(_LOOSE_MARKER.sub(replace, text), list(order), list(dict.fromkeys(invalid)))


def plain(text: str) -> str:
    return _LOOSE_MARKER.sub("", text).strip()


class Verifier:
    def __init__(self, system_prompt: str, max_chars: int) -> None:
        self.max_chars = max_chars
        prompt = _squash(system_prompt)
        self._prompt_windows = {prompt[i : i + ECHO_WINDOW] for i in range(max(0, len(prompt) - ECHO_WINDOW + 1))}

    def early_problem(self, draft: Draft, passages: list[Citation]) -> str | None:
        """What already rules a partial draft out (checked while streaming)."""
        if draft.invalid:
            return f"cites {_markers(draft.invalid)} but only {len(passages)} passages were given"
        body = plain(draft.text)
        if len(body) > self.max_chars:
            return f"answer longer than {self.max_chars} characters"
        if MARKUP.search(body) or _URL.search(body):
            return "answer contains markup or a link"
        quoted = "".join(p.quote for p in passages)
        echoed = [m.group(0) for rx in (INJECTION, _ECHO) for m in rx.finditer(body) if m.group(0) not in quoted]
        if echoed:
            return f"answer echoes instructions ({'、'.join(dict.fromkeys(echoed))})"
        squashed, quoted = _squash(body), _squash(quoted)
        windows = {squashed[i : i + ECHO_WINDOW] for i in range(max(0, len(squashed) - ECHO_WINDOW + 1))}
        if any(w not in quoted for w in windows & self._prompt_windows):
            return "answer recites the system prompt"
        return None

    def problem(self, draft: Draft, passages: list[Citation], finish_reason: str | None) -> str | None:
        """Why the complete draft may not be shown, or None when it passes every check."""
        body = plain(draft.text)
        if not body:
            return "empty answer"
        if finish_reason == "length":
            return "answer cut off at the token limit"
        if _DECLINE.search(body):
            return "model declined to answer from the passages"
        early = self.early_problem(draft, passages)
        if early:
            return early
        if not draft.used:
            return "answer cites no passage"
        cited = [passages[n - 1].quote for n in draft.used]
        missing = unsupported_figures(draft.text, cited)
        if missing:
            return f"figures not in the cited passages: {'、'.join(missing)}"
        return None


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", unicodedata.normalize("NFKC", text)).lower()


def _markers(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)
