"""What a bulletin is made of: documents of projects, projects of fields, fields of items, sentences and
clauses, each a span with exact character offsets (``document.text[start:end] == span.text``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .meta import DocumentMeta

PREAMBLE_FIELD = "总体情况"
TITLE, LEAD, GOAL, RESULTS = "治理项目", "牵头单位", "治理目标", "治理成果"
FIELDS = (TITLE, LEAD, GOAL, RESULTS)
_TITLE_TAIL = re.compile(r"(?:领域)?(?:突出)?(?:问题)?专项治理$")


def without_title_tail(title: str) -> str:
    """A title without its boilerplate tail: 噪声污染 for 噪声污染专项治理."""
    return _TITLE_TAIL.sub("", title) or title


_CAMPAIGN = re.compile(r"开展([^，,。；;]{2,30}?专项治理)")  # 深入开展漠视侵害群众利益问题专项治理


@dataclass(frozen=True)
class Span:
    """A piece of one document's text with its exact character offsets."""

    doc: str
    project: int
    field: str
    kind: str  # "field", "item", "sentence" or "clause"
    start: int
    end: int
    text: str
    item: int | None = None


@dataclass
class Project:
    doc: str
    number: int  # 0 is the preamble
    title: str
    fields: dict[str, Span] = field(default_factory=dict)
    units: list[Span] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The project's fields, joined: where a figure or a word of it is looked for."""
        return " ".join(u.text for u in self.units if u.kind == "field")

    @property
    def topic(self) -> str:
        """The title without its boilerplate tail: 噪声污染 for 噪声污染专项治理."""
        return without_title_tail(self.title)

    @property
    def naming(self) -> str:
        """Words that name the project, which ask nothing of it: its title and lead; for the preamble, also
        the campaign it opens with (本次漠视侵害群众利益问题专项治理中…多少次 asks of the totals)."""
        return " ".join(filter(None, (self.title, self.lead, self.campaign)))

    @property
    def campaign(self) -> str:
        """The campaign a preamble opens with (漠视侵害群众利益问题专项治理); "" for a project."""
        preamble = self.fields.get(PREAMBLE_FIELD)
        found = _CAMPAIGN.search(preamble.text) if preamble else None
        return found[1] if found else ""

    @property
    def lead(self) -> str:
        return self.fields[LEAD].text if LEAD in self.fields else ""

    @property
    def span(self) -> tuple[int, int]:
        starts = [s.start for s in self.fields.values()]
        ends = [s.end for s in self.fields.values()]
        return min(starts), max(ends)


@dataclass
class Document:
    id: str
    title: str
    path: str
    text: str
    projects: list[Project]
    meta: DocumentMeta = field(default_factory=DocumentMeta)

    @property
    def label(self) -> str:
        """The bulletin as people name it: its stated title, else the one read from its text."""
        return self.meta.title or self.title

    def project(self, number: int) -> Project:
        return self._by_number[number]

    @cached_property
    def _by_number(self) -> dict[int, Project]:
        return {p.number: p for p in self.projects}

    @cached_property
    def units(self) -> list[Span]:
        return [unit for project in self.projects for unit in project.units]


@dataclass
class Corpus:
    documents: list[Document]

    def document(self, doc_id: str) -> Document:
        return self._by_id[doc_id]

    # Parsed once and never changed afterwards, so lookups and flat lists are computed once.
    @cached_property
    def _by_id(self) -> dict[str, Document]:
        return {d.id: d for d in self.documents}

    @cached_property
    def projects(self) -> list[Project]:
        return [p for d in self.documents for p in d.projects]

    @cached_property
    def units(self) -> list[Span]:
        return [unit for document in self.documents for unit in document.units]
