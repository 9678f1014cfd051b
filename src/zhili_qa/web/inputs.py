"""Text from outside, checked the same way on every route: no lone surrogates, something visible in it.

A lone surrogate cannot be encoded (logging it or writing it anywhere fails later with a traceback), and
text of only spaces, zero-width or control characters is no question at all; both are a Chinese 422.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import UserInputError

BAD_CHARACTERS = "文字中有无法识别的字符，请检查后重新输入。"
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"}


def has_visible(text: str) -> bool:
    return any(unicodedata.category(ch) not in _INVISIBLE for ch in text)


def clean(text: object, empty_message: str, *, required: bool = True) -> str:
    """``text`` unchanged when it is usable; UserInputError with ``empty_message`` when it shows nothing."""
    if not isinstance(text, str):
        raise UserInputError(empty_message)
    if _SURROGATE.search(text):
        raise UserInputError(BAD_CHARACTERS)
    if required and not has_visible(text):
        raise UserInputError(empty_message)
    return text


def optional(text: str, empty_message: str) -> str:
    """An optional field (a comment, history): empty is fine, but lone surrogates are not, and text of
    invisible characters only counts as empty."""
    clean(text, empty_message, required=False)
    return text if has_visible(text) else ""


def echoable(text: str) -> str:
    """``text`` safe to send back (into the question box): lone surrogates become U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)
