"""The typed results every stage hands on: passages found, citations, answers."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

# [1], [2]: where an answer's text cites its n-th citation. One pattern for every stage that writes or reads it.
MARKER = re.compile(r"\[(\d{1,3})\]")


@dataclass(frozen=True)
class Passage:
    """A ranked piece of a bulletin: what search returns and what answers cite."""

    doc: str
    project: int
    title: str  # the project's title
    field: str  # 治理项目 / 牵头单位 / 治理目标 / 治理成果 / 总体情况
    text: str  # exactly document.text[start:end]
    start: int
    end: int
    score: float = 0.0
    item: int | None = None
    # The bulletin it is from (its metadata file's values; None where unknown).
    doc_title: str | None = None
    published: str | None = None
    period: str | None = None


@dataclass(frozen=True)
class Citation:
    n: int
    doc: str
    project: int
    title: str
    field: str
    quote: str
    start: int
    end: int
    doc_title: str | None = None
    published: str | None = None
    period: str | None = None

    @classmethod
    def of(cls, n: int, passage: Passage) -> Citation:
        return cls(
            n,
            passage.doc,
            passage.project,
            passage.title,
            passage.field,
            passage.text,
            passage.start,
            passage.end,
            passage.doc_title,
            passage.published,
            passage.period,
        )


@dataclass
class Answer:
    answer: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    # Not part of the public JSON contract's required keys, but useful to callers and the gap report.
    confidence: float = 0.0
    degraded: bool = False
    note: str = ""

    def to_dict(self) -> dict:
        return {
            "answer": self.answer,
            "found": self.found,
            "citations": [asdict(c) for c in self.citations],
            "confidence": round(self.confidence, 4),
            "degraded": self.degraded,
            "note": self.note,
        }
