"""Questions across projects: a department's projects, projects by number, several projects named in one
question, and the bulletin as a whole. Each project's part is answered and checked on its own.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from ..corpus import Corpus, Project, Span
from ..retrieve import Retriever
from ..schema import Answer
from .attempt import Attempt, ProjectAnswerer
from .check import Verdict
from .compose import Composer, bulletin_answer, fact_answer, project_list_answer, titles_answer
from .intent import PER_UNIT_Q, REFERS_BACK, WHICH_PROJECT_Q, WHICH_Q, asks_which_of_the_world
from .message import CLAUSES, QUESTION_WORD
from .projects import ProjectFinder
from .question import Question, QuestionReader
from .scope import WHOLE_BULLETIN
from .values import counted_measures, holds_value

NOT_STATED = "公告没有写这一点"
_WHICH_MORE = re.compile(r"(?:哪个|哪项|哪一项|哪一个|谁)(?:的)?(?:更|最|比较)?(?:多|少|高|低|大|小|长|短)")


_ASKED_OF_EACH = re.compile(r"(?:各|分别)(?:自)?(?:是|有|为)?(?:多少|几)[^，,。？?\s]*")
_ASKS_WHO_LEADS = re.compile(r"管|负责|牵头|主管|归")  # 是不是都归卫健局管: a yes or no of who leads
FIGURE_TYPES = ("count", "money", "rate", "number", "score", "rank", "change")


def states_the_figure(asked: Question, text: str) -> bool:
    """哪些专项提到了培训的人次: a clause listed for a figure asked states one, counted in the very measure."""
    if asked.answer_type not in FIGURE_TYPES:
        return True
    if asked.answer_type == "count" and asked.measure:
        return asked.measure in counted_measures(text, asked.measure)
    return holds_value(text, asked.answer_type, asked.measure, set(asked.given))


class AcrossProjects:
    def __init__(
        self,
        corpus: Corpus,
        retriever: Retriever,
        reader: QuestionReader,
        finder: ProjectFinder,
        answerer: ProjectAnswerer,
        abstain: Callable[[Composer, Question, Attempt], Answer],
    ) -> None:
        """``abstain`` words an abstention as the single-project path does."""
        self.corpus = corpus
        self.retriever = retriever
        self.reader = reader
        self.finder = finder
        self.answerer = answerer
        self.abstain = abstain

    def answer(self, asked: Question, text: str) -> Answer | None:
        """The answer when the question asks across projects; None when it asks of one project. ``text``
        is the question as read, before an elided one took the earlier question's words."""
        # Who and which projects are asked about, read from the part that asks: a long message's story
        # names projects it does not ask about.
        intent = asked.intent
        departments = self.finder.departments_in(asked.asking)
        names_project = self.finder.mentions_project(asked.subject)
        # 区民政局管哪些项目 lists its projects; 去区民政局办低保要带哪些材料 asks something else of it.
        # 回迁安置这项，牵头的是资规部门还是住建局: a choice of the named project's lead, not 住建局's projects.
        choosing = names_project and "还是" in asked.asking
        if (
            departments
            and not choosing
            and asked.answer_type != "person"  # 区人力社保局的局长是谁 asks a name, not the bureau's projects
            and not asks_which_of_the_world(text)
            # 卫健局查出来的问题整改了没有 asks whether something was done, not what the bureau leads.
            and (
                intent.project_list
                or WHICH_Q.search(text)
                or not (
                    names_project
                    or intent.figure
                    or (asked.answer_type == "yes_no" and not _ASKS_WHO_LEADS.search(text))
                )
            )
        ):
            return self.project_list(departments)
        numbered = self.finder.numbered(asked.asking)
        if numbered and WHICH_PROJECT_Q.search(asked.asking) and not (intent.lead or intent.goal or intent.figure):
            composer = Composer(self.retriever.passage)
            projects = [self.corpus.document(doc).project(number) for doc, number in sorted(numbered)]
            return composer.finish(titles_answer(composer, projects), 1.0, self.retriever.degraded)
        if WHOLE_BULLETIN.search(asked.asking) and not intent.lead and not departments:
            # 哪些项目成立了工作专班 asks every project; 公告讲了什么 or 一共几个项目, the bulletin as a whole.
            having = self.finder.with_property(asked.subject, lambda text: states_the_figure(asked, text))
            if len(having) >= 2 or not names_project:
                return self.whole_bulletin(asked, having)
        # 这两个专项治理分别是谁牵头的: the projects are named in the story before the question (东岠、大猫这几个
        # 海岛 points at the places it names, not at projects).
        points_back = REFERS_BACK.search(asked.asking) and not any(place.local for place in asked.places)
        several = self.finder.several_named(asked.asking) or (points_back and self.finder.several_named(asked.text))
        return self.several(asked, several) if several else None

    def several(self, asked: Question, projects: tuple[Project, ...]) -> Answer:
        """One cited line per project named; a comparison states each figure and adds none."""
        composer = Composer(self.retriever.passage)
        parts = self.finder.parts(asked.asking, projects)
        # 护理员培训、业务培训、小班化培训，各是多少人次: the question after the list is asked of each (哪个最多
        # compares them, which the figures do without a word added).
        shared = "，".join(
            c
            for c in CLAUSES.findall(asked.asking)
            if QUESTION_WORD.search(c) and not self.finder.named(c) and not _WHICH_MORE.search(c)
        ) or next(iter(_ASKED_OF_EACH.findall(asked.asking)), "")  # 加油站罚的钱和培训追回的违规资金 各是多少
        lines = []
        for project in projects:
            # 加油站罚没款和技能培训追回的违规资金: 违规资金 is not asked of 加油站.
            part = parts.get(project.number, asked.asking)
            part = part if QUESTION_WORD.search(part) or not shared else f"{part}，{shared}"
            ranking = self.retriever.rank(self.retriever.prepare(part), {(project.doc, project.number)})
            others = {(p.doc, p.number) for p in projects if p is not project}
            subject = tuple(
                w
                for w in self.reader.read(part).subject
                if not {(p.doc, p.number) for p in self.finder.named(w)} & others
            )
            # 三个专项…各多少人次？哪个最多: which is most compares the projects, it asks no one unit's figure.
            own = dataclasses.replace(
                asked, asking=part, subject=subject, per_unit=bool(PER_UNIT_Q.search(_WHICH_MORE.sub("", part)))
            )
            attempt = self.answerer.attempt(own, project, ranking)
            if attempt.span is None:
                lines.append(f"{project.title}：{NOT_STATED}")
            else:
                lines.append(self.answerer.wording(composer, asked, project, ranking, attempt.span).rstrip("。"))
        if not composer.citations:
            return self.abstain(composer, asked, Attempt(None, Verdict(False, "subject")))
        # Found only when every project named is answered: one of two figures is not the answer asked for.
        answered = not any(line.endswith(NOT_STATED) for line in lines)
        return composer.finish("；".join(lines) + "。", 1.0, self.retriever.degraded, found=answered)

    def whole_bulletin(self, asked: Question, having: list[tuple[Project, Span]]) -> Answer:
        """公告讲了什么 lists every project; 一共几个项目 is the preamble's figure; 哪些项目成立了专班 asks a property."""
        composer = Composer(self.retriever.passage)
        degraded = self.retriever.degraded
        if len(having) >= 2:
            lines = [f"{p.title}：{span.text}{composer.cite(span)}" for p, span in having]
            return composer.finish("；".join(lines) + "。", 1.0, degraded)
        preamble = next((p for p in self.corpus.projects if p.number == 0), None)
        if asked.wants_value and preamble is not None:
            ranking = self.retriever.rank(self.retriever.prepare(asked.text), {(preamble.doc, 0)})
            attempt = self.answerer.attempt(asked, preamble, ranking)
            if attempt.span is not None:
                return composer.finish(fact_answer(composer, preamble, [attempt.span]), 1.0, degraded)
        projects = [p for p in self.corpus.projects if p.number]
        return composer.finish(bulletin_answer(composer, projects), 1.0, degraded)

    def project_list(self, departments: list[str]) -> Answer:
        composer = Composer(self.retriever.passage)
        parts = [project_list_answer(composer, d, self.finder.led_by(d)) for d in departments]
        return composer.finish("".join(parts), 1.0, self.retriever.degraded)
