"""Exact strings in the terse lookups hotline staff type: figures and shortened department names.

Search ranks by words (BM25 over jieba tokens) and meaning (the embedding model). Neither finds a bare figure
("96110", "8.69", "194": numbers are not index terms) nor a department shortened the way people say it
("人社局" for 区人力社保局). Both are exact strings, so they are looked up as such, in the corpus's own
sentences and lead fields, and put ahead of what the ranking found. Used by staff search only: the citizen
answers (and their retrieval) do not change.
"""

from __future__ import annotations

import re

from .corpus import LEAD, Corpus, Span
from .text import normalize

# A figure as written: 96110, 8.69, 93.75%; never part of a longer number (96 is not found inside 96110).
FIGURE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?%?(?![\d.]?\d)")
SHORT_NAME = re.compile(r"[\u4e00-\u9fff]{3,}")
SPREAD = 3  # a shortened name's characters lie within 3x its length of each other in the full name
UNIT_KINDS = ("sentence", "field")  # what staff search shows (no clause fragments)


def figures(query: str) -> list[str]:
    return FIGURE.findall(normalize(query))


def _within(short: str, name: str) -> bool:
    """``short``'s characters in order inside ``name``, not too far apart: 人社局 in 区人力社保局."""
    position, first = -1, None
    for ch in short:
        position = name.find(ch, position + 1)
        if position < 0:
            return False
        first = position if first is None else first
    return position - first < SPREAD * len(short)


def holds(text: str, figure: str) -> bool:
    return any(m.group(0) == figure for m in FIGURE.finditer(text))


def literal_units(corpus: Corpus, query: str) -> list[Span]:
    """Sentences holding every figure of the query, then lead fields of departments the query names shortly,
    in document order."""
    wanted = figures(query)
    found = []
    if wanted:
        found += [
            u
            for u in corpus.units
            if u.kind in UNIT_KINDS and u.field != LEAD and all(holds(u.text, f) for f in wanted)
        ]
    words = SHORT_NAME.findall(normalize(query))
    for project in corpus.projects:
        if project.number and any(_within(w, project.lead) for w in words):
            found += [u for u in project.units if u.field == LEAD and u.kind == "field"]
    return found
