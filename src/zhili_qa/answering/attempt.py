"""Answering from one project: the candidate clauses, the answer check over them, and the wording.

For a project chosen by retrieval, ``ProjectAnswerer.attempt`` decides what answers the question: the
lead or goal field for those questions, the overview for a general one, otherwise the best clause
that passes the answer check (check.py), narrowed to the part holding the value. No passing clause
means an abstention, with the closest clause kept as context.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..corpus import GOAL, LEAD, PREAMBLE_FIELD, RESULTS, TITLE, Corpus, Project, Span
from ..figures import numbers_in
from ..retrieve import Ranking
from .check import OPEN_SUBJECT_COVERAGE, AnswerCheck, Verdict
from .comparisons import AGAINST_BEFORE
from .compose import Composer, fact_answer, fact_fields, goal_answer, handled_answer, lead_answer, overview_answer
from .intent import COLLOQUIAL_LEAD, COMPLETION_Q, COMPLETION_TEXT, LEVELS, MEMBER_Q, answer_type, asks_the_plan
from .misreadings import counts_by_the_act_asked, owners_asked, tells_owners_apart
from .question import Question
from .selection import SpanSelector
from .values import counted_measures, counts_alike, ways_moved

CANDIDATES = 8  # clauses of a project the answer check may try before the engine abstains
YES_NO_SENTENCE = 80  # characters up to which a yes/no answer quotes the whole sentence
NARROW_FROM = 50  # characters from which a value's quote is cut to the clauses that hold it
GOAL_CLAUSES = 4  # best-scoring goal clauses quoted when a part of the goal is asked
# Nouns the bulletin never uses from which an open question (社区医院可以吗) is not about the project as a whole;
# two are often a citizen's words for its topic (老房子…房子还没分下来).
UNKNOWN_NOUNS = 3
_RANK_ASKED = re.compile(r"排|名次|第几|第一")  # 是不是排第一: a rank asked, though no figure is


@dataclass(frozen=True)
class Attempt:
    """What answering one project gave: the quoted span, or why not and the closest passage."""

    span: Span | None
    verdict: Verdict
    context: Span | None = None


class ProjectAnswerer:
    def __init__(
        self,
        corpus: Corpus,
        selector: SpanSelector,
        check: AnswerCheck,
        names_projects: Callable[[str], tuple[Project, ...]],
    ) -> None:
        """``names_projects(text)``: the projects a question names (ProjectFinder.named)."""
        self.corpus = corpus
        self.selector = selector
        self.check = check
        self.names_projects = names_projects

    def attempt(self, asked: Question, project: Project, ranking: Ranking) -> Attempt:
        """The first candidate clause of the project that passes the answer check (None: abstain)."""
        intent, fields = asked.intent, fact_fields(project)
        # Judged on the subject words: an elliptical question (那噪声治理呢) carries the earlier one's text.
        aspect = self.selector.has_aspect(" ".join(asked.subject), project)
        looked_up = bool(asked.given & numbers_in(project.text))
        overview = project.fields[TITLE if project.number else PREAMBLE_FIELD]
        if asked.answer_type == "organisation" and COLLOQUIAL_LEAD.search(asked.text) and aspect:
            asked = dataclasses.replace(asked, answer_type="fact")  # 零花钱有人克扣有人管吗 asks about 零花钱
        if asked.answer_type == "organisation":
            # 开展…培训25人次，这是哪个单位牵头的: a figure that finds the project, whose lead is asked.
            if project.number and (not looked_up or "牵头" in asked.asking):
                return Attempt(project.fields[LEAD], Verdict(True))
            # Who ran the whole campaign (the preamble names it, whatever the wording), or
            # 约谈的那4个人是哪个单位的: only a name in the text answers.
            asked = dataclasses.replace(asked, answer_type="organiser", subject=asked.subject if project.number else ())
        if asked.answer_type == "reason" and project.number and not aspect:
            return Attempt(project.fields.get(GOAL), Verdict(GOAL in project.fields))  # 为什么搞这个治理: its goal
        if asked.answer_type == "goal" and project.number:
            if not (intent.figure or intent.when):
                return Attempt(project.fields.get(GOAL), Verdict(GOAL in project.fields))
            # 原本计划培育几个: the figure the goal set, checked like any other; 打算什么时候建好 may be
            # answered by the results when the goal gives no date.
            # The value's own type, as if no goal were asked (调控目标的价格上限: a sum).
            value_type = answer_type(asked.asking, dataclasses.replace(intent, goal=False))
            # 目标是解决几年以上的: counted in the measure asked (5年以上), which a goal question did not keep.
            measure = asked.measure or next((m for m in intent.measures if m != "分"), "")
            asked = (
                dataclasses.replace(
                    asked,
                    answer_type=value_type
                    if value_type not in ("goal", "fact")
                    else ("count" if measure else "number"),
                    measure=measure if value_type in ("count", "goal", "fact") else asked.measure,
                )
                if intent.figure
                else dataclasses.replace(asked, answer_type="date")
            )
            planned = self.attempt_fields(asked, project, ranking, {GOAL})
            if planned.span is not None or intent.figure:
                return planned
        if asked.wants_value and GOAL in project.fields and asks_the_plan(asked.asking):
            # 原计划培育几个: the goal's figure or none; 计划几时弄好 is told by a deadline in the results too.
            planned = self.attempt_fields(asked, project, ranking, {GOAL})
            if planned.span is not None or asked.answer_type != "date":
                return planned
        if asked.answer_type in ("overview", "fact") and not (looked_up or aspect):
            return Attempt(overview, Verdict(True))
        if asked.answer_type == "list":
            fields -= {GOAL}  # 查出了哪些违规情况 asks what was found; the goal lists what was to be tackled
        return self.attempt_fields(asked, project, ranking, fields)

    def attempt_fields(self, asked: Question, project: Project, ranking: Ranking, fields: set[str]) -> Attempt:
        """The best candidate clause of these fields that passes the answer check (None: abstain)."""
        intent = asked.intent
        overview = project.fields[TITLE if project.number else PREAMBLE_FIELD]
        open_question = asked.answer_type in ("overview", "fact", "yes_no")
        limit = CANDIDATES if asked.subject else len(project.units)
        candidates = self.selector.candidates(asked.text, ranking, project, fields, intent, limit)
        topic = project.naming
        passing: list[tuple[tuple, Span]] = []  # (preference, the part that would be quoted)
        first: Verdict | None = None
        # 民营诊所种一颗多少钱: where the project tells owners apart (it caps 公立 hospitals' prices and only guides
        # 民营 ones), only a sentence naming the owner asked answers; a district-wide figure is no clinic's price.
        owners = owners_asked(asked)
        owners = owners if owners and tells_owners_apart(project.text) else ()
        for rank, span in enumerate(candidates):
            sentence = self.selector.sentence_of(project, span)
            context = self.selector.context_of(project, span)
            verdict = self.check.verdict(asked, span, context, topic)
            if verdict.answers and owners and not any(owner in sentence.text for owner in owners):
                verdict = Verdict(False, "subject")
            # The value may sit in another clause of the same sentence (2023年6月底，……挂牌运行).
            if (
                not verdict.answers
                and verdict.reason in ("type", "precision")
                and sentence is not span
                and self.check.verdict(asked, sentence, context, topic).answers
            ):
                span, verdict = sentence, Verdict(True)
            if verdict.answers:
                quoted = self._narrowed(asked, project, span)
                passing.append((self._preference(asked, project, span, quoted, rank, topic), quoted))
            first = first or verdict
            if verdict.reason == "precision" and not passing:
                break  # 哪一天投入使用: the clause dating the thing asked gives only the month; others date other things
        if passing:
            best = max(passing, key=lambda pair: pair[0])[1]
            if asked.answer_type == "yes_no":
                # 是不是已经独立运行了: the whole sentence says yes and when (2023年6月底，……挂牌独立运行).
                sentence = self.selector.sentence_of(project, best)
                best = sentence if len(sentence.text) <= YES_NO_SENTENCE else best
            return Attempt(best, Verdict(True))
        text = project.text
        if (
            open_question
            and project.number
            and not (asked.places or asked.years or asked.given or AGAINST_BEFORE.search(asked.asking))
            and not MEMBER_Q.search(asked.asking)  # 我家那幢在不在里面: whether one thing is among, no overview says
            and not (asked.answer_type == "fact" and self.check.names_a_detail(asked, text, topic))
            and self.check.speaks_of_the_act(asked, text)
            and len(self.check.unknown_nouns(asked)) < UNKNOWN_NOUNS  # 宝宝水痘疫苗…社区医院可以吗: of no project
            # 机场有没有直达公交: a question that neither names the project nor uses its words is not asked of it.
            and (
                project in self.names_projects(asked.text)
                or self.check.subject_coverage(asked, f"{text} {topic}", "") >= OPEN_SUBJECT_COVERAGE
            )
        ):
            # 工地太吵政府管不管: no clause matches the wording, but the project is the one asked about
            # (热线是不是24小时有人接 asks a figure no clause holds, 那些投诉反映的是什么问题 a detail of 投诉,
            # 医保能不能报销 an act the bulletin never names: none is asked about the project as a whole).
            return Attempt(overview, Verdict(True))
        return Attempt(None, first or Verdict(False, "type"), candidates[0] if candidates else None)

    def _preference(self, asked: Question, project: Project, span: Span, quoted: Span, rank: int, topic: str) -> tuple:
        """How well a passing clause answers, judged on ``quoted``, the part of it that would be quoted.

        The one repeating the question's figures (8年以上0户 over 5-8年…217户), counting by the act asked
        (查过几家: 检查加油站110家次, not 4家加油站的5次维修), counting the way asked
        (110家次 for 多少家次, over 300家), counting the thing asked (问题 of 多少问题), a rank of the level asked
        (全市 over 全省), that itself and then whose sentence speaks most of the subject, whose subject leads to
        its figure (检查加油站110家次, not 11次……监督检查), counting in the very measure asked (家次 over 次), whose context speaks most of it,
        what was done over what was planned, then the selection's order (which weighs the question's rarer
        characters). A yes/no is settled by what was done first, then by the clause sharing most of its words.
        """
        check = self.check
        # 是不是只培育了3个: a yes/no is settled by what was done (培育4个), not by the plan that repeats it.
        settled = span.field == RESULTS if asked.answer_type == "yes_no" else True
        # 都处理好了吗: the clause saying all was done (全部化解) settles it.
        completed = bool(COMPLETION_Q.search(asked.asking) and COMPLETION_TEXT.search(quoted.text))
        return (
            settled,
            completed,
            check.repeats_figures(asked, quoted.text),
            counts_by_the_act_asked(asked, quoted.text, check.thesaurus_says),
            bool(asked.measure) and counts_alike(quoted.text, asked.measure),
            check.counts_the_asked_thing(asked, quoted.text),
            # 舟山全市是不是排第一: the rank of the level asked (全市排名第二), not another's (全省排名41).
            bool(_RANK_ASKED.search(asked.asking))
            and any(level in asked.asking and level in quoted.text for level in LEVELS),
            check.words_in(asked, quoted.text, topic),
            # 有没有人去查过: the clause telling of the act asked (检查38次), not of another (设立举报电话).
            check.shared_characters(asked, quoted.text, topic) if asked.answer_type == "yes_no" else 0,
            check.subject_coverage(asked, self.selector.sentence_of(project, span).text, topic),
            check.subject_leads_to_value(asked, quoted.text, topic),
            bool(asked.measure) and asked.measure in counted_measures(quoted.text, asked.measure),
            check.subject_coverage(asked, self.selector.context_of(project, span), topic),
            span.field == RESULTS,
            -rank,
        )

    def _narrowed(self, asked: Question, project: Project, span: Span) -> Span:
        """A long run quoted for a value, cut to the clauses that hold it beside the subject (and, for a
        date, the clause it dates): 3935元 is answered without the goal's preamble."""
        if not asked.wants_value or len(span.text) <= NARROW_FROM:
            return span
        clauses = [u for u in project.units if u.kind == "clause" and span.start <= u.start and u.end <= span.end]
        topic = project.naming
        # A date opens the clause it dates (2023年6月底，定海区医疗急救站正式挂牌): judge the two together.
        following = [c.text for c in clauses[1:]] + [""] if asked.answer_type == "date" else [""] * len(clauses)
        holding = [
            i
            for i, (u, after) in enumerate(zip(clauses, following, strict=True))
            if self.check.answers_alone(asked, u.text, after, topic)
        ]
        if not holding:
            return span
        # The clause that holds most of the subject (订单配送 of two lists of islands), then one telling the way
        # asked a figure moved (降到多少: 价格降至900余元, not 采购…960套), else the first.
        moved = ways_moved(asked.asking)
        first = max(
            holding,
            key=lambda i: (
                self.check.words_in(asked, clauses[i].text, topic),
                bool(moved & ways_moved(clauses[i].text)),
                -i,
            ),
        )
        last = first + 1 if asked.answer_type == "date" and first + 1 < len(clauses) else first
        # 有几件，都化解了没: the clause after the count that says all was done answers the rest.
        if (
            COMPLETION_Q.search(asked.text)
            and last + 1 < len(clauses)
            and COMPLETION_TEXT.search(clauses[last + 1].text)
        ):
            last += 1
        start, end = clauses[first].start, clauses[last].end
        text = self.corpus.document(span.doc).text
        return Span(span.doc, span.project, span.field, "clause", start, end, text[start:end], span.item)

    @staticmethod
    def _asks_about_a_figure(asked: Question, project: Project) -> bool:
        """旧改约谈的那4个人是哪个单位的: a figure of the project in a who-question asks about those people."""
        return bool(asked.given & numbers_in(project.text))

    def wording(self, composer: Composer, asked: Question, project: Project, ranking: Ranking, span: Span) -> str:
        """The attempt's span decides the wording: a whole field is answered as such, a clause is quoted."""
        if span.kind == "field" and span.field == LEAD:
            return lead_answer(composer, project)
        if span.kind == "field" and span.field == GOAL:
            clauses = [u for u in project.units if u.field == GOAL and u.kind in ("clause", "sentence")]
            if self.selector.has_aspect(" ".join(asked.subject), project):  # 目标里提到了什么机制: the clauses asked
                ranked = self.selector.scored_units(asked.text, ranking, project, {GOAL}, asked.intent)
                return goal_answer(composer, project, [unit for _, unit in ranked[:GOAL_CLAUSES]])
            # 目标是什么: the goal as it opens, where the bulletin states its main aim.
            first = [
                u
                for u in clauses
                if u.kind == "clause"
                or not any(c.kind == "clause" and u.start <= c.start and c.end <= u.end for c in clauses)
            ]
            return goal_answer(composer, project, sorted(first, key=lambda u: u.start))
        if span.kind == "field" and span.field in (TITLE, PREAMBLE_FIELD):
            return overview_answer(composer, project, confirming=asked.answer_type == "yes_no")
        if COLLOQUIAL_LEAD.search(asked.text) and project.number:
            return handled_answer(composer, project, [span])
        return fact_answer(composer, project, [span])
