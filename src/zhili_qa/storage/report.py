"""The gap report: refused, shaky and thumbs-down questions, grouped by question, counted by distinct client."""

from __future__ import annotations

from dataclasses import dataclass, field

LOW_CONFIDENCE = 0.2  # answers below this margin between the best two projects count as shaky in the gap report


@dataclass
class Gap:
    """One question citizens asked that the bulletin answered badly or not at all."""

    question: str
    kinds: set[str] = field(default_factory=set)  # "refused", "low_confidence", "thumbs_down"
    askers: set[str] = field(default_factory=set)  # keyed hashes of the clients that got it refused or shaky
    downers: set[str] = field(default_factory=set)  # ... and that gave it a thumbs-down
    last: float = 0.0
    comments: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "kinds": sorted(self.kinds),
            "asked": len(self.askers),
            "down": len(self.downers),
            "clients": len(self.askers | self.downers),
            "last": self.last,
            "comments": self.comments,
        }


@dataclass
class GapReport:
    refused: int = 0
    low_confidence: int = 0
    thumbs_down: int = 0
    gaps: list[Gap] = field(default_factory=list)
    available: bool = True

    def to_dict(self) -> dict:
        return {
            "counts": {"refused": self.refused, "low_confidence": self.low_confidence, "thumbs_down": self.thumbs_down},
            "available": self.available,
            "gaps": [g.to_dict() for g in self.gaps],
        }


def build_report(asked: list[tuple], down: list[tuple], limit: int) -> GapReport:
    """``asked``: (row id, question, found, client, asked_at); ``down``: (row id, question, comment, client,
    given_at, the rated answer's question row id and client, both None when that row is not logged).

    A rated answer was asked for: its asker counts as asking, also when the answer was found and sure (a chip's
    question rated down would otherwise read "asked 0 times, 1 thumbs-down").

    A client is counted once per question however often it asks or rates (a row without a client, from
    before clients were recorded, counts as its own); the report's totals are rows."""
    report = GapReport()
    grouped: dict[str, Gap] = {}
    for row_id, question, found, client, asked_at in asked:
        kind = "low_confidence" if found else "refused"
        setattr(report, kind, getattr(report, kind) + 1)
        _add(grouped, question, kind, asked_at).askers.add(client or f"q{row_id}")
    for row_id, question, comment, client, given_at, asked_row, asker in down:
        report.thumbs_down += 1
        gap = _add(grouped, question, "thumbs_down", given_at)
        gap.downers.add(client or f"f{row_id}")
        if asked_row is not None:
            gap.askers.add(asker or f"q{asked_row}")
        if comment and comment not in gap.comments:
            gap.comments.append(comment)
    report.gaps = sorted(grouped.values(), key=lambda g: -g.last)[:limit]
    return report


def _add(grouped: dict[str, Gap], question: str, kind: str, when: float) -> Gap:
    key = " ".join(question.split())
    gap = grouped.setdefault(key, Gap(key))
    gap.kinds.add(kind)
    gap.last = max(gap.last, when)
    return gap
