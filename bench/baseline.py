"""The plain baseline every figure is compared with: BM25 (bm25s) over jieba tokens, one document
per bulletin field, and the best field returned whole as the answer."""

from __future__ import annotations

import bm25s
import jieba

from zhili_qa.corpus import Corpus, Span
from zhili_qa.schema import Answer, Citation, Passage


class PlainBM25:
    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.fields: list[Span] = [f for p in corpus.projects for f in p.fields.values()]
        self.bm25 = bm25s.BM25()
        self.bm25.index([self._tokens(f.text) for f in self.fields], show_progress=False)

    @staticmethod
    def _tokens(text: str) -> list[str]:
        return [t for t in jieba.lcut_for_search(text) if t.strip()]

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        scores = self.bm25.get_scores(self._tokens(question))
        best = self.fields[int(scores.argmax())]
        project = self.corpus.document(best.doc).project(best.project)
        passage = Passage(best.doc, best.project, project.title, best.field, best.text, best.start, best.end)
        return Answer(best.text, True, [Citation.of(1, passage)])
