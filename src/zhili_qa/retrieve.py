"""Hybrid retrieval: BM25 over jieba tokens and dense vectors, fused by rank, rolled up to projects."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .corpus import Corpus, Span
from .embedding.encoders import Encoder
from .fusion import convex_fusion
from .index import SearchIndex
from .schema import Passage
from .text import Thesaurus, Tokenizer, normalize

ProjectKey = tuple[str, int]  # (document id, project number)
# Dense similarity carries more of the colloquial questions, BM25 more of the exact figures.
LEXICAL_WEIGHT = 0.5
ROLL_UP_WEIGHTS = (1.0, 0.25, 0.1)
EXPANSION_WEIGHT = 0.5
# Bounds that keep a query's cost flat as the archive grows; the one bulletin fits within both whole.
DENSE_CANDIDATES = 2048  # nearest units asked of FAISS
RANKED_UNITS = 2048  # units a ranking keeps
QUERY_CACHE_SIZE = 4096  # query vectors kept (1.5 KB each)


@dataclass(frozen=True)
class Query:
    text: str  # normalised question
    expansions: tuple[str, ...]  # bulletin terms the thesaurus added
    tokens: tuple[str, ...]  # lexical tokens of the question (and of the conversation's context)
    expansion_tokens: tuple[str, ...] = ()  # lexical tokens only the expansions brought


@dataclass
class Ranking:
    """Units ranked for one query, with the raw signals kept for confidence decisions."""

    units: list[tuple[Span, float]]
    bm25_max: float = 0.0
    dense_max: float = 0.0
    projects: list[tuple[ProjectKey, float]] = field(default_factory=list)


class Retriever:
    def __init__(
        self, corpus: Corpus, index: SearchIndex, tokenizer: Tokenizer, thesaurus: Thesaurus, encoder: Encoder | None
    ) -> None:
        self.corpus = corpus
        self.index = index
        self.tokenizer = tokenizer
        self.thesaurus = thesaurus
        self.encoder = encoder
        keys = list(dict.fromkeys((u.doc, u.project) for u in index.units))
        self._key_number = {key: number for number, key in enumerate(keys)}
        self._unit_project = np.array([self._key_number[(u.doc, u.project)] for u in index.units], dtype=np.int32)
        # Citizens tap the same starter questions over and over; the encoding is most of an answer's cost.
        self._query_vector = lru_cache(maxsize=QUERY_CACHE_SIZE)(self._encode_query)

    def forget_queries(self) -> None:
        """Empty the query-vector cache (benchmarks time uncached questions with it)."""
        self._query_vector.cache_clear()

    def _encode_query(self, text: str) -> np.ndarray:
        vector = self.encoder.encode_queries([text])[0]
        vector.setflags(write=False)  # shared by every later hit of the cache
        return vector

    @property
    def degraded(self) -> bool:
        return self.encoder is None or self.index.dense is None

    def prepare(self, question: str, context: str = "") -> Query:
        text = normalize(question)
        expansions = tuple(self.thesaurus.expansions(text))
        tokens = tuple(dict.fromkeys(self.tokenizer.tokens(f"{context} {text}")))
        added = tuple(t for t in dict.fromkeys(self.tokenizer.tokens(" ".join(expansions))) if t not in tokens)
        return Query(text, expansions, tokens, added)

    def rank(self, query: Query, projects: set[ProjectKey] | None = None) -> Ranking:
        """Rank all units (optionally only those of some projects) by fused BM25 and dense scores."""
        units = self.index.units
        # What the person typed counts more than what the thesaurus inferred from it.
        bm25 = self.index.bm25_scores(list(query.tokens))
        if query.expansion_tokens:
            bm25 = bm25 + EXPANSION_WEIGHT * self.index.bm25_scores(list(query.expansion_tokens))
        cosine = None
        if not self.degraded:
            # The question as typed: thesaurus terms already reach BM25, and a longer text costs encoding time.
            vector = self._query_vector(query.text)
            scores, ids = self.index.dense_search(vector, DENSE_CANDIDATES)
            cosine = np.full(len(units), np.nan, dtype=np.float32)  # nan: not among the nearest
            cosine[ids] = scores
        fused = convex_fusion(bm25, cosine, LEXICAL_WEIGHT)
        if projects is not None:
            wanted = [self._key_number[key] for key in projects if key in self._key_number]
            fused = np.where(np.isin(self._unit_project, wanted), fused, 0.0)
        kept = (
            np.argpartition(-fused, RANKED_UNITS)[:RANKED_UNITS] if len(fused) > RANKED_UNITS else np.arange(len(fused))
        )
        order = kept[np.argsort(-fused[kept], kind="stable")]
        order = order[fused[order] > 0]
        dense_max = float(np.nanmax(cosine)) if cosine is not None else 0.0
        ranking = Ranking([(units[i], float(fused[i])) for i in order], float(bm25.max(initial=0.0)), dense_max)
        ranking.projects = self._roll_up(ranking.units)
        return ranking

    @staticmethod
    def _roll_up(scored: list[tuple[Span, float]]) -> list[tuple[ProjectKey, float]]:
        """A project's score: its best unit, plus a little for further matching units."""
        per_project: dict[ProjectKey, list[float]] = defaultdict(list)
        for unit, score in scored:
            bucket = per_project[(unit.doc, unit.project)]
            if len(bucket) < len(ROLL_UP_WEIGHTS):
                bucket.append(score)
        totals = {
            key: sum(w * s for w, s in zip(ROLL_UP_WEIGHTS, scores, strict=False))
            for key, scores in per_project.items()
        }
        return sorted(totals.items(), key=lambda kv: -kv[1])

    def passage(self, unit: Span, score: float = 0.0) -> Passage:
        document = self.corpus.document(unit.doc)
        project = document.project(unit.project)
        meta = document.meta
        return Passage(
            unit.doc,
            unit.project,
            project.title,
            unit.field,
            unit.text,
            unit.start,
            unit.end,
            score,
            unit.item,
            document.label,
            meta.published,
            meta.period,
        )

    def search(
        self, query_text: str, k: int = 10, project: int | None = None, lead: str | None = None, doc: str | None = None
    ) -> list[Passage]:
        """Ranked sentences and short fields for staff search (no clause fragments, no duplicates); ``project``,
        ``lead`` and ``doc`` keep those of one project number, one lead, one bulletin (together: project
        ``(doc, project)``; a number alone matches it in every bulletin)."""
        query = self.prepare(query_text)
        keys = None
        if project is not None or lead or doc is not None:
            keys = {
                (p.doc, p.number)
                for p in self.corpus.projects
                if (project is None or p.number == project)
                and (not lead or lead in p.lead)
                and (doc is None or p.doc == doc)
            }
        ranking = self.rank(query, keys)
        hits = [(u, s) for u, s in ranking.units if u.kind in ("sentence", "field")]
        return [self.passage(u, s) for u, s in hits[:k]]
