"""Question chips built from the corpus: one starter per project, follow-ups for the project in focus."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..corpus import GOAL, LEAD, RESULTS

# What each chip asks, by the field it is about; starters cycle through them so citizens see the range.
TEMPLATES = {
    RESULTS: "{topic}治理取得了哪些成果？",
    LEAD: "{topic}治理由哪个部门牵头？",
    GOAL: "{topic}治理的目标是什么？",
}
STARTER_ORDER = (RESULTS, LEAD, GOAL)
MAX_FOLLOW_UPS = 3


@dataclass(frozen=True)
class Suggestion:
    project: int
    field: str
    question: str


def topic(title: str) -> str:
    """The project title without its trailing 专项治理, to read naturally inside a question."""
    return title.removesuffix("专项治理") or title


def ask_about(project: int, title: str, field: str) -> Suggestion:
    return Suggestion(project, field, TEMPLATES[field].format(topic=topic(title)))


def starters(projects) -> list[Suggestion]:
    """One question per project (``projects`` as from ``Assistant.projects()``)."""
    return [ask_about(p.number, p.title, STARTER_ORDER[i % len(STARTER_ORDER)]) for i, p in enumerate(projects)]


def follow_ups(projects, answer: dict, asked: str = "") -> list[Suggestion]:
    """Questions about the project the answer cites most, minus the field it mainly answered."""
    cited = [c for c in answer.get("citations", []) if c.get("project")]
    if not answer.get("found") or not cited:
        return []
    number = Counter(c["project"] for c in cited).most_common(1)[0][0]
    title = next((p.title for p in projects if p.number == number), "")
    if not title:
        return []
    fields = Counter(c["field"] for c in cited if c["project"] == number)
    main = RESULTS if fields.get(RESULTS) else fields.most_common(1)[0][0]
    chips = [ask_about(number, title, f) for f in STARTER_ORDER if f != main]
    return [c for c in chips if c.question != asked][:MAX_FOLLOW_UPS]


def related(projects, project_numbers: list[int], limit: int = 3) -> list[Suggestion]:
    """Starters for the given projects first (e.g. what search found for a refused question), then others."""
    chips = {s.project: s for s in starters(projects)}
    ordered = list(dict.fromkeys([n for n in project_numbers if n in chips] + list(chips)))
    return [chips[n] for n in ordered[:limit]]
