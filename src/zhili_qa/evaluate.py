"""Scoring answers against a gold set (format of eval/dev.jsonl).

A refusal is ``found: false`` (related citations are allowed, and must still be exact spans). The
misleading rate, the share of all questions answered with ``found: true`` that are wrong, is the first
figure to read: a confident wrong figure costs more than an honest "the bulletin does not say".
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import Corpus
from .errors import UserInputError
from .figures import close_spaced_figures, strip_markers
from .schema import Answer

CONCISE_LIMIT = 120


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as error:
                raise UserInputError(f"{path}:{number}: 不是合法的 JSON (invalid JSON: {error})") from error
    return rows


def questions_of(row: dict) -> list[str]:
    if "turns" in row:
        return [str(t) for t in row["turns"]]
    return [str(row["question"])]


def ask_conversation(ask: Callable[[str, list[dict]], Answer], questions: list[str]) -> Answer:
    """Ask the turns in order, each earlier turn becoming history; return the last answer."""
    history: list[dict] = []
    answer = None
    for question in questions:
        answer = ask(question, history)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]
    return answer


def citation_is_valid(corpus: Corpus, citation: dict) -> bool:
    try:
        document = corpus.document(citation["doc"])
        project = document.project(citation["project"])
    except KeyError:
        return False
    start, end = citation["start"], citation["end"]
    inside = any(s.start <= start and end <= s.end and s.field == citation["field"] for s in project.fields.values())
    return document.text[start:end] == citation["quote"] and inside and project.title == citation["title"]


@dataclass
class Report:
    total: int = 0
    correct: int = 0
    concise: int = 0
    hit: int = 0
    answerable: int = 0
    refusals_expected: int = 0
    refused_right: int = 0
    refused_wrongly: int = 0
    citations: int = 0
    valid_citations: int = 0
    misleading: int = 0  # answered with found: true, and wrong
    failures: list[dict] = field(default_factory=list)
    kind_total: Counter = field(default_factory=Counter)
    kind_correct: Counter = field(default_factory=Counter)

    @property
    def false_refusal(self) -> float:
        return self.refused_wrongly / self.answerable if self.answerable else 0.0

    def metrics(self) -> dict[str, float]:
        return {
            "answer_acc": self.correct / self.total if self.total else 0.0,
            "concise_acc": self.concise / self.total if self.total else 0.0,
            "citation_hit": self.hit / self.answerable if self.answerable else 0.0,
            # Over the questions that should be refused, as the baseline figures count it;
            # refusing answerable questions shows in answer_acc and in false_refusal.
            "refusal_acc": self.refused_right / self.refusals_expected if self.refusals_expected else 1.0,
            "citation_valid": self.valid_citations / self.citations if self.citations else 1.0,
            "misleading": self.misleading / self.total if self.total else 0.0,
        }

    def by_kind(self) -> dict[str, tuple[int, int]]:
        """(correct, total) per kind of question, where the gold file names the kind."""
        return {kind: (self.kind_correct[kind], total) for kind, total in sorted(self.kind_total.items())}


def judge(row: dict, answer: dict) -> tuple[bool, bool, bool, bool]:
    """(correct, concise, citation hit, refusal right) for one gold row and one answer dict."""
    expect = row["expect"]
    text = strip_markers(answer["answer"])
    refusal_right = answer["found"] != bool(expect.get("refuse"))
    if expect.get("refuse"):
        return refusal_right, refusal_right, False, refusal_right
    cited = {c["project"] for c in answer["citations"]}
    gold = set(expect.get("projects", []))
    hit = bool(answer["citations"]) and (not gold or answer["citations"][0]["project"] in gold)
    # The gold copies the bulletin verbatim (3-5 年); answers close its stray spaces (3-5年).
    must = [close_spaced_figures(m) for m in expect.get("must", [])]
    must_any = [close_spaced_figures(m) for m in expect.get("must_any", [])]
    # Several bulletins: "docs" must each be cited; "once" is said exactly once (a list names a project once).
    docs = set(expect.get("docs", []))
    correct = (
        answer["found"]
        and all(m in text for m in must)
        and (not must_any or any(m in text for m in must_any))
        and (not gold or bool(cited & gold))
        and docs <= {c["doc"] for c in answer["citations"]}
        and all(text.count(m) == 1 for m in expect.get("once", []))
    )
    return correct, correct and len(text) <= CONCISE_LIMIT, hit, refusal_right


def evaluate(rows: Iterable[dict], answers: Iterable[dict], corpus: Corpus) -> Report:
    report = Report()
    for row, answer in zip(rows, answers, strict=True):
        correct, concise, hit, refusal_right = judge(row, answer)
        report.total += 1
        report.correct += correct
        report.concise += concise
        report.misleading += bool(answer["found"]) and not correct
        if row.get("kind"):
            report.kind_total[row["kind"]] += 1
            report.kind_correct[row["kind"]] += correct
        if row["expect"].get("refuse"):
            report.refusals_expected += 1
            report.refused_right += refusal_right
        else:
            report.answerable += 1
            report.hit += hit
            report.refused_wrongly += not answer["found"]
        for citation in answer["citations"]:
            report.citations += 1
            report.valid_citations += citation_is_valid(corpus, citation)
        if not (correct and concise):
            report.failures.append(
                {
                    "id": row.get("id"),
                    "question": questions_of(row)[-1],
                    "expect": row["expect"],
                    "answer": answer["answer"],
                    "found": answer["found"],
                }
            )
    return report
