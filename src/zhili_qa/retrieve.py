"""Hybrid retrieval: BM25 over jieba tokens and dense vectors, fused by rank, rolled up to projects."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .corpus import Corpus, Span
from .embed import Encoder
from .fusion import reciprocal_rank_fusion
from .index import SearchIndex
from .schema import Passage
from .text import Thesaurus, Tokenizer, normalize

ProjectKey = tuple[str, int]  # (document id, project number)
# Dense similarity carries more of the colloquial questions, BM25 more of the exact figures.
BM25_WEIGHT, DENSE_WEIGHT = 1.0, 1.0


@dataclass(frozen=True)
class Query:
    text: str  # normalised question
    expansions: tuple[str, ...]  # bulletin terms the thesaurus added
    tokens: tuple[str, ...]  # lexical tokens of question and expansions

    @property
    def expanded(self) -> str:
        return " ".join((self.text, *self.expansions))


@dataclass
class Ranking:
    """Units ranked for one query, with the raw signals kept for confidence decisions."""

    units: list[tuple[Span, float]]
    bm25_max: float = 0.0
    dense_max: float = 0.0
    projects: list[tuple[ProjectKey, float]] = field(default_factory=list)


class Retriever:
    def __init__(self, corpus: Corpus, index: SearchIndex, tokenizer: Tokenizer, thesaurus: Thesaurus,
                 encoder: Encoder | None) -> None:
        self.corpus = corpus
        self.index = index
        self.tokenizer = tokenizer
        self.thesaurus = thesaurus
        self.encoder = encoder
        self._position = {(u.doc, u.start, u.end): i for i, u in enumerate(index.units)}

    @property
    def degraded(self) -> bool:
        return self.encoder is None or self.index.dense is None

    def prepare(self, question: str, context: str = "") -> Query:
        text = normalize(question)
        expansions = tuple(self.thesaurus.expansions(text))
        tokens = self.tokenizer.tokens(" ".join((context, text, *expansions)))
        return Query(text, expansions, tuple(tokens))

    def rank(self, query: Query, projects: set[ProjectKey] | None = None, dense_text: str = "") -> Ranking:
        """Rank all units (optionally only those of some projects) by fused BM25 and dense rank."""
        units = self.index.units
        allowed = np.ones(len(units), dtype=bool)
        if projects is not None:
            allowed = np.array([(u.doc, u.project) in projects for u in units], dtype=bool)
        bm25 = self.index.bm25_scores(list(query.tokens))
        bm25_order = [int(i) for i in np.argsort(-bm25) if bm25[i] > 0 and allowed[i]]
        rankings, weights = [bm25_order], [BM25_WEIGHT]
        dense_max = 0.0
        if not self.degraded:
            vector = self.encoder.encode_queries([dense_text or query.expanded])[0]
            scores, ids = self.index.dense_search(vector, len(units))
            dense_order = [int(i) for i in ids if allowed[i]]
            rankings.append(dense_order)
            weights.append(DENSE_WEIGHT)
            dense_max = float(scores[0]) if len(scores) else 0.0
        fused = reciprocal_rank_fusion(rankings, weights)
        ordered = sorted(fused.items(), key=lambda kv: -kv[1])
        ranking = Ranking([(units[i], s) for i, s in ordered], float(bm25.max(initial=0.0)), dense_max)
        ranking.projects = self._roll_up(ranking.units)
        return ranking

    @staticmethod
    def _roll_up(scored: list[tuple[Span, float]]) -> list[tuple[ProjectKey, float]]:
        """A project's score: its best units, each counting half as much as the one before."""
        per_project: dict[ProjectKey, list[float]] = defaultdict(list)
        for unit, score in scored:
            bucket = per_project[(unit.doc, unit.project)]
            if len(bucket) < 4:
                bucket.append(score)
        totals = {key: sum(s * 0.5**i for i, s in enumerate(scores)) for key, scores in per_project.items()}
        return sorted(totals.items(), key=lambda kv: -kv[1])

    def passage(self, unit: Span, score: float = 0.0) -> Passage:
        project = self.corpus.document(unit.doc).project(unit.project)
        return Passage(unit.doc, unit.project, project.title, unit.field, unit.text, unit.start, unit.end,
                       score, unit.item)

    def search(self, query_text: str, k: int = 10, project: int | None = None,
               lead: str | None = None) -> list[Passage]:
        """Ranked sentences and short fields for staff search (no clause fragments, no duplicates)."""
        query = self.prepare(query_text)
        keys = None
        if project is not None or lead:
            keys = {(d.id, p.number) for d, p in self.corpus.projects
                    if (project is None or p.number == project) and (not lead or lead in p.lead)}
        ranking = self.rank(query, keys)
        hits = [(u, s) for u, s in ranking.units if u.kind in ("sentence", "field")]
        return [self.passage(u, s) for u, s in hits[:k]]
