"""Inside the chosen project: which clause answers the question, and is a narrower aspect asked?

Within one project the topic words (食堂, 噪声) are everywhere and tell clauses apart no more than
the project title does; what separates 全省排名41 from 满意度总分88.16 is the rarer rest of the
question (全省, 排). So clauses are scored by the retrieval score of themselves and their sentence,
by whether they hold the kind of fact asked for, and by the question characters they share,
weighted by how rare each character is among the project's own clauses.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from ..corpus import RESULTS, Corpus, Project, Span
from ..figures import NUMBER, numbers_in
from ..retrieve import Ranking
from ..text import STOPWORDS, Thesaurus, Tokenizer
from .compose import is_first_sentence
from .intent import Intent
from .values import gives_name_of

NEIGHBOUR_SHARE = 0.8  # a neighbouring clause scoring this share of the best one joins the answer
RUN_LIMIT = 70  # characters a joined run of clauses may reach
SENTENCE_WEIGHT, FACT_WEIGHT, CHARACTER_WEIGHT = 0.5, 0.35, 0.5
RESULTS_PRIOR = 0.2  # what was done outranks what was planned (培育4个 over the goal's 培育3个)
NUMBER_WEIGHT = 0.5  # figures the question itself names (8年以上) single out their clause
HEADLINE_BODY_LIMIT = 80  # characters a headline with the start of its item's body may reach
_STOP_CHARACTERS = frozenset(
    "的了吗呢吧啊呀是在有和与及或多少几个什么哪谁怎么样么啥咋请问一下共总都也还就被把给对从到为以等"
)
_OVERVIEW_WORDS = frozenset(
    [
        "治理",
        "专项",
        "专项治理",
        "项目",
        "成果",
        "成效",
        "效果",
        "情况",
        "进展",
        "工作",
        "措施",
        "取得",
        "做",
        "干",
        "回事",
        "怎么回事",
        "有人",
        "人管",
        "介绍",
        "开展",
        "整治",
        "概况",
        "了解",
        "举措",
        "主要",
        "具体",
    ]
)


_ORDINAL = re.compile(r"第[一二三四五六七八九十\d]")
_RANKED = re.compile(r"排名|第[一二三四五六七八九十\d]|\d+名")
_QUOTED_NAME = r"[“「\"][^”」\"]{2,20}[”」\"]"
_DATE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月")


def fact_score(unit: Span, intent: Intent) -> float:
    """How much a span looks like the kind of fact asked for (a figure with the right unit, a date)."""
    score = 0.0
    if intent.figure:
        if NUMBER.search(unit.text) or _ORDINAL.search(unit.text):
            score += 1.0
        for measure in intent.measures:
            if re.search(r"\d(?:余|多)?\s*" + re.escape(measure), unit.text):
                score += 1.5
                break
        if intent.share and "%" in unit.text:
            score += 1.5
        if intent.rank and _RANKED.search(unit.text):
            score += 3.0  # a ranking is asked so rarely that a clause holding one is almost surely it
    if intent.when and _DATE.search(unit.text):
        score += 1.5
    if intent.names and re.search(_QUOTED_NAME, unit.text):
        named_kind = any(kind and gives_name_of(kind, unit.text) for kind in intent.names)
        score += 1.5 if named_kind else 0.75
    return score


class SpanSelector:
    def __init__(self, corpus: Corpus, tokenizer: Tokenizer, thesaurus: Thesaurus) -> None:
        self.corpus = corpus
        self.tokenizer = tokenizer
        self.thesaurus = thesaurus

    def scored_units(
        self, question: str, ranking: Ranking, project: Project, fields: set[str], intent: Intent
    ) -> list[tuple[float, Span]]:
        """Clauses (and sentences that have none) of a project, best answer first."""
        fused = {(u.start, u.end): score for u, score in ranking.units if u.doc == project.doc}
        sentences = [u for u in project.units if u.kind == "sentence" and u.field in fields]
        clauses = [u for u in project.units if u.kind == "clause" and u.field in fields]
        candidates = []
        for sentence in sentences:
            parts = [c for c in clauses if sentence.start <= c.start and c.end <= sentence.end] or [sentence]
            candidates += [(part, fused.get((sentence.start, sentence.end), 0.0)) for part in parts]
        overlap = self._character_overlap(question, project, [part for part, _ in candidates])
        asked_numbers = numbers_in(question)
        scored = [
            (
                fused.get((part.start, part.end), 0.0)
                + SENTENCE_WEIGHT * context
                + FACT_WEIGHT * fact_score(part, intent)
                + CHARACTER_WEIGHT * share
                + (RESULTS_PRIOR if part.field == RESULTS else 0.0)
                + NUMBER_WEIGHT
                * (len(asked_numbers & numbers_in(part.text)) / len(asked_numbers) if asked_numbers else 0),
                part,
            )
            for (part, context), share in zip(candidates, overlap, strict=True)
        ]
        return sorted(scored, key=lambda pair: -pair[0])

    def _character_overlap(self, question: str, project: Project, parts: list[Span]) -> list[float]:
        """Share of the question's informative characters each part contains, rarer ones weighing more."""
        asked = {c for c in question if c.strip() and c not in _STOP_CHARACTERS and c not in project.title}
        if not asked or not parts:
            return [0.0] * len(parts)
        frequency = Counter(c for part in parts for c in set(part.text))
        weight = {c: math.log(1 + len(parts) / (1 + frequency[c])) for c in asked}
        total = sum(weight.values())
        return [sum(w for c, w in weight.items() if c in part.text) / total for part in parts]

    def candidates(
        self, question: str, ranking: Ranking, project: Project, fields: set[str], intent: Intent, limit: int
    ) -> list[Span]:
        """Up to ``limit`` answers to try, best first: each a clause joined with close neighbours of its sentence."""
        scored = self.scored_units(question, ranking, project, fields, intent)
        spans: list[Span] = []
        for _, clause in scored:
            if len(spans) >= limit:
                break
            if any(s.start <= clause.start and clause.end <= s.end for s in spans):
                continue  # already quoted inside an earlier candidate's run
            spans.append(self._run_around(clause, scored, project, intent))
        return spans

    def _run_around(self, best: Span, scored: list[tuple[float, Span]], project: Project, intent: Intent) -> Span:
        best_score = next(score for score, unit in scored if unit is best)
        close = sorted(
            (
                u
                for s, u in scored
                if s >= NEIGHBOUR_SHARE * best_score and u.item == best.item and u.field == best.field
            ),
            key=lambda u: u.start,
        )
        run = [best]
        for direction in (-1, 1):
            position = close.index(best)
            while 0 <= position + direction < len(close):
                candidate = close[position + direction]
                if (
                    not self._adjacent(run, candidate)
                    or len(candidate.text) + sum(len(u.text) for u in run) > RUN_LIMIT
                ):
                    break
                run.append(candidate)
                position += direction
        start, end = min(u.start for u in run), max(u.end for u in run)
        if not (intent.figure or intent.when) and (headline := self._headline_around(project, start, end)):
            end = self._body_end(project, headline, start)
        if (start, end) == (best.start, best.end):
            return best
        text = self.corpus.document(best.doc).text
        return Span(best.doc, best.project, best.field, "clause", start, end, text[start:end], best.item)

    def sentence_of(self, project: Project, span: Span) -> Span:
        """The sentence holding the span (the span itself when it is a field or spans sentences)."""
        return next(
            (u for u in project.units if u.kind == "sentence" and u.start <= span.start and span.end <= u.end), span
        )

    def context_of(self, project: Project, span: Span) -> str:
        """What a clause is said in: its sentence and the one before it in the same item (8年以上0户 follows 过渡期…)."""
        sentence = self.sentence_of(project, span)
        before = [
            u
            for u in project.units
            if u.kind == "sentence"
            and u.end <= sentence.start
            and u.item == sentence.item
            and u.field == sentence.field
        ]
        return (before[-1].text + "。" if before else "") + sentence.text

    @staticmethod
    def _headline_around(project: Project, start: int, end: int) -> Span | None:
        """The results item's opening sentence holding [start, end), when it is a figure-free headline.

        Items open with a slogan (邀请社会参与，接受群众监督) whose substance is the next sentence
        (设立举报电话和意见箱……): quoting the slogan alone answers 怎么 with a restatement.
        """
        for unit in project.units:
            if (
                unit.kind == "sentence"
                and unit.field == RESULTS
                and unit.start <= start
                and end <= unit.end
                and not numbers_in(unit.text)
                and is_first_sentence(unit, project)
            ):
                return unit
        return None

    @staticmethod
    def _body_end(project: Project, headline: Span, start: int) -> int:
        """Where the answer ends once the item's next sentence, clause by clause, is added within the limit."""
        body = next(
            (u for u in project.units if u.kind == "sentence" and u.item == headline.item and u.start > headline.end),
            None,
        )
        if body is None or body.field != headline.field:
            return headline.end
        end = headline.end
        clauses = [u for u in project.units if u.kind == "clause" and body.start <= u.start and u.end <= body.end]
        for clause in clauses or [body]:
            if clause.end - start > HEADLINE_BODY_LIMIT:
                break
            end = clause.end
        return end

    def _adjacent(self, run: list[Span], candidate: Span) -> bool:
        text = self.corpus.document(candidate.doc).text
        first, last = min(u.start for u in run), max(u.end for u in run)
        gap = text[last : candidate.start] if candidate.start >= last else text[candidate.end : first]
        return gap.strip() in {",", "，", "、"}

    def has_aspect(self, question: str, project: Project) -> bool:
        """Does the question ask about something narrower than the project as a whole?

        Citizen words that merely name the project (噪音 for 噪声污染) and words of asking
        (成果, 怎么样) do not count; 伙食 in 敬老院的伙食怎么样 does.
        """
        for colloquial, targets in self.thesaurus.entries:
            if colloquial in question and any(t in project.title for t in targets):
                question = question.replace(colloquial, " ")
        tokens = self.tokenizer.tokens(question)
        return any(t not in project.title and t not in _OVERVIEW_WORDS and t not in STOPWORDS for t in tokens)
