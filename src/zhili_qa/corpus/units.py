"""A field cut into the units retrieval and answers work with: numbered items (1. or 一是), sentences and
clauses, split outside quotes and brackets, each trimmed to its words."""

from __future__ import annotations

import re

from .model import GOAL, RESULTS, Span

CHUNKER_VERSION = "4"
_ARABIC_ITEM = re.compile(r"(\d{1,2})\s*[\.．、]")
_CHINESE_ITEM = re.compile(r"([一二三四五六七八九十]{1,3})\s*(?:是|、)")
_CHINESE_DIGITS = "一二三四五六七八九十"
_SENTENCE_END = "。！？；;!?"
_CLAUSE_END = "，,：:"
_OPENERS = "“‘《（(【「"
_CLOSERS = "”’》）)】」"


def trimmed(text: str, start: int, end: int, strip: str = "") -> tuple[int, int]:
    """Shrink [start, end) past whitespace (and the given punctuation) on both sides."""
    junk = " \t\r\n\u3000\ufeff" + strip  # a byte-order mark is no part of a passage
    while start < end and text[start] in junk:
        start += 1
    while end > start and text[end - 1] in junk:
        end -= 1
    return start, end


def _split_top_level(text: str, start: int, end: int, enders: str) -> list[tuple[int, int]]:
    """Split text[start:end] after each ender that is not inside quotes or brackets."""
    pieces, depth, piece_start = [], 0, start
    for i in range(start, end):
        ch = text[i]
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(0, depth - 1)
        elif ch in enders and depth == 0:
            pieces.append((piece_start, i + 1))
            piece_start = i + 1
    pieces.append((piece_start, end))
    spans = (trimmed(text, s, e, _SENTENCE_END + _CLAUSE_END) for s, e in pieces)
    return [(s, e) for s, e in spans if e > s]


def _chinese_number(numeral: str) -> int:
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + _CHINESE_DIGITS.index(numeral[1]) + 1
    if numeral.endswith("十"):
        return (_CHINESE_DIGITS.index(numeral[0]) + 1) * 10
    if "十" in numeral:
        tens, ones = numeral.split("十")
        return (_CHINESE_DIGITS.index(tens) + 1) * 10 + _CHINESE_DIGITS.index(ones) + 1
    return _CHINESE_DIGITS.index(numeral) + 1


def _item_markers(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(marker start, body start) of numbered items 1., 2., ... or 一是, 二是, ... in order.

    A marker counts only at the field start or right after a sentence end and only when it is
    the next number in sequence, so decimals such as 8.69 are never taken for items.
    """
    body = text[start:end]
    for pattern, to_int in ((_ARABIC_ITEM, int), (_CHINESE_ITEM, _chinese_number)):
        first = pattern.match(body)
        if not first or to_int(first.group(1)) != 1:
            continue
        markers, expected, position = [], 1, 0
        while True:
            found = None
            for match in pattern.finditer(body, position):
                before = body[: match.start()].rstrip()
                if (not before or before[-1] in _SENTENCE_END) and to_int(match.group(1)) == expected:
                    found = match
                    break
            if not found:
                return markers
            markers.append((start + found.start(), start + found.end()))
            expected, position = expected + 1, found.end()
    return []


def sentence_and_clause_units(
    doc: str, text: str, project: int, field_name: str, start: int, end: int, item: int | None
) -> list[Span]:
    units = []
    for s_start, s_end in _split_top_level(text, start, end, _SENTENCE_END):
        units.append(Span(doc, project, field_name, "sentence", s_start, s_end, text[s_start:s_end], item))
        clauses = _split_top_level(text, s_start, s_end, _CLAUSE_END)
        if len(clauses) > 1:
            units.extend(
                Span(doc, project, field_name, "clause", c_start, c_end, text[c_start:c_end], item)
                for c_start, c_end in clauses
            )
    return units


def field_units(doc: str, text: str, project: int, field_span: Span) -> list[Span]:
    units = [field_span]
    start, end = field_span.start, field_span.end
    markers = _item_markers(text, start, end) if field_span.field in (RESULTS, GOAL) else []
    if not markers:
        return units + sentence_and_clause_units(doc, text, project, field_span.field, start, end, None)
    bounds = [m[0] for m in markers[1:]] + [end]
    for number, ((_, body_start), item_end) in enumerate(zip(markers, bounds, strict=True), start=1):
        i_start, i_end = trimmed(text, body_start, item_end)
        if i_end <= i_start:
            continue
        units.append(Span(doc, project, field_span.field, "item", i_start, i_end, text[i_start:i_end], number))
        units.extend(sentence_and_clause_units(doc, text, project, field_span.field, i_start, i_end, number))
    return units
