"""Wording: chosen spans become short, cited answers, and abstentions say what the bulletin does not state.

Everything stated comes from quoted spans: the wording around them adds no facts, and the number
guard refuses to let a figure through that none of the cited quotes contains.
"""

from __future__ import annotations

import dataclasses
import logging
import re

from ..corpus import GOAL, LEAD, PREAMBLE_FIELD, RESULTS, TITLE, Project, Span
from ..figures import close_spaced_figures, strip_markers, unsupported_figures
from ..schema import MARKER, Answer, Citation

log = logging.getLogger(__name__)

ANSWER_LIMIT = 110  # characters without markers; hotline staff read it aloud, citizens read it on a phone
# 4275 元, 3-5 年: a figure read together with its unit, as the bulletin writes it elsewhere (4275元).
# Said instead of an answer that would state a figure no quote holds (a defect: logged, never shown).
UNSUPPORTED = "抱歉，这个问题我没能从公告原文中找到可靠的答案，请换个说法再问，或查看项目目录。"
PARTLY_ANSWERED = "公告只回答了这个问题的一部分（以下仅供参考）："
WHICH_NAMED = 3  # projects named when asking which one a question that names none is about
RESTATED_LIMIT = 30  # characters of the question an abstention repeats
_LEADING_FILLER = re.compile(
    r"^(?:你好|您好|请问|我想问一下|我想问问|想问一下|想问问|想问下|问一下|问下|那么|那(?![些个种边里块样])|我就想问问|就想问问)[，,\s]*"
)
_TRAILING = re.compile(r"[\s?？!！。.，,~～]*(?:吗|呢|啊|呀|吧|(?<![什怎])么|嘛|伐|哦|了吗)?[\s?？!！。.，,~～]*$")
_LAST_CLAUSE = re.compile(r"[^，,。！!？?；;\s]+[，,]?[^，,。！!？?；;\s]*$")


class Composer:
    """Builds the answer text and its numbered citations from spans of one or more projects."""

    def __init__(self, passage_of) -> None:
        self._passage_of = passage_of
        self.citations: list[Citation] = []
        self._numbers: dict[tuple[str, int, int], int] = {}

    def cite(self, unit: Span) -> str:
        key = (unit.doc, unit.start, unit.end)
        if key not in self._numbers:
            self._numbers[key] = len(self.citations) + 1
            self.citations.append(Citation.of(self._numbers[key], self._passage_of(unit)))
        return f"[{self._numbers[key]}]"

    def finish(self, text: str, confidence: float, degraded: bool, *, found: bool = True, restated: str = "") -> Answer:
        """The answer; ``restated`` is question text an abstention repeats, whose own figures it may state."""
        bad = unsupported_figures(text.replace(restated, "") if restated else text, [c.quote for c in self.citations])
        if bad:  # never reached by construction; the last line of defence
            log.error("answer withheld, it states figures not in its quotes: %s: %s", bad, text)
            return Answer(UNSUPPORTED, False, [], 0.0, degraded)
        return Answer(close_spaced_figures(text), found, self.citations, confidence, degraded)


def restate(question: str) -> str:
    """The question in its own terms, for 公告没有写……: fillers, particles and chatter before it removed."""
    text = _TRAILING.sub("", _LEADING_FILLER.sub("", question.strip()))
    if len(text) > RESTATED_LIMIT:
        last = _LAST_CLAUSE.search(text)
        text = last.group(0) if last else text[-RESTATED_LIMIT:]
    return text.strip("，, “”「」")  # a quotation cut at its end (…”那个入选…) leaves its mark


def abstention(composer: Composer, restated: str, context: Span | None, home: str = "", place: str = "") -> str:
    """What the bulletin does not state, in the question's terms; then the closest passage, labelled as context."""
    asked = f"“{restated}”" if restated else "这个问题"
    if place and home:
        text = f"公告只公布了{home}的情况，没有写{place}的，所以无法回答{asked}。"
    elif place:  # 马岙街道: a place inside the district, whose figures are told for the district as a whole
        text = f"公告没有单独写{place}的情况，所以无法回答{asked}。"
    elif restated:
        text = f"公告里没有写“{restated}”。"
    else:
        text = "公告里没有写这一点。"
    if context is not None:
        text += f"公告中相关的内容是（仅供参考，不是对这个问题的回答）：{context.text}{composer.cite(context)}。"
    return text


def which_project(projects: list[Project]) -> str:
    """Asked of no project, and several answer it: which one is meant, rather than one picked for the asker."""
    named = "、".join(p.topic for p in projects[:WHICH_NAMED])
    more = "等" if len(projects) > WHICH_NAMED else ""
    return f"公告里有{len(projects)}个项目都写到了这一点，比如{named}{more}。请问您问的是哪一个项目？带上项目名称再问一次就好。"


def lead_answer(composer: Composer, project: Project) -> str:
    return f"{project.title}的牵头单位是{project.lead}{composer.cite(project.fields[LEAD])}。"


def handled_answer(composer: Composer, project: Project, units: list[Span]) -> str:
    """有人管吗: yes, who leads it, then what the bulletin says of the matter asked."""
    lead = composer.cite(project.fields[LEAD])
    body = "；".join(unit.text + composer.cite(unit) for unit in units)
    return f"有。{project.title}由{project.lead}牵头{lead}。公告提到：{body}。"


def goal_answer(composer: Composer, project: Project, goal_units: list[Span]) -> str:
    """The given goal clauses, as far as they fit the length budget."""
    text = f"{project.title}的治理目标："
    for unit in goal_units:
        if len(text) + len(unit.text) > ANSWER_LIMIT and unit is not goal_units[0]:
            break
        text += unit.text + composer.cite(unit) + "；"
    return text.rstrip("；") + "。"


def overview_answer(composer: Composer, project: Project, confirming: bool = False) -> str:
    """Who led it and the headline of each result item, as far as fits the length budget; 有。first when the
    question asked whether anything was done."""
    if project.number == 0:
        sentences = [u for u in project.units if u.kind == "sentence"]
        return "".join(u.text + composer.cite(u) + "。" for u in sentences[1:3]) or sentences[0].text
    text = f"{'有。' if confirming else ''}{project.title}由{project.lead}牵头{composer.cite(project.fields[LEAD])}。"
    headlines = [
        u
        for u in project.units
        if u.kind == "sentence" and u.field == RESULTS and u.item is not None and is_first_sentence(u, project)
    ]
    parts = []
    for unit in headlines:
        if len(strip_markers(text)) + sum(len(p) for p in parts) + len(unit.text) > ANSWER_LIMIT:
            break
        parts.append(unit.text + composer.cite(unit))
    if parts:
        text += "主要成果：" + "；".join(parts) + "。"
    return text


def is_first_sentence(unit: Span, project: Project) -> bool:
    """Does this sentence open its item (the item's headline)?"""
    for item in project.units:
        if item.kind == "item" and item.item == unit.item and item.field == unit.field:
            return item.start == unit.start
    return False


def fact_answer(composer: Composer, project: Project, units: list[Span]) -> str:
    body = "，".join(unit.text + composer.cite(unit) for unit in units)
    if project.number == 0:
        return f"专项治理总体情况：{body}。"
    return f"{project.title}：{body}。"


def titles_answer(composer: Composer, projects: list[Project]) -> str:
    """第9项是什么: each project's title and lead, cited."""
    return (
        "；".join(
            f"{p.title}{composer.cite(p.fields[TITLE])}（牵头单位：{p.lead}{composer.cite(p.fields[LEAD])}）"
            for p in projects
        )
        + "。"
    )


def bulletin_answer(composer: Composer, projects: list[Project]) -> str:
    """What the bulletin covers: every project's topic, each cited to its title."""
    return (
        "公告公布了以下专项治理项目的成果："
        + "、".join(p.topic + composer.cite(p.fields[TITLE]) for p in projects)
        + "。"
    )


def project_list_answer(composer: Composer, department: str, projects: list[Project]) -> str:
    items = "；".join(f"{p.title}（{p.lead}）{composer.cite(p.fields[LEAD])}" for p in projects)
    return f"{department}牵头的项目：{items}。"


def fact_fields(project: Project) -> set[str]:
    return {GOAL, RESULTS, PREAMBLE_FIELD} if project.number else {PREAMBLE_FIELD}


def joined_answer(answers: list[Answer], degraded: bool) -> Answer:
    """The answers to the parts of a compound question as one: markers renumbered, a project's name and a
    clause another part quotes said once, found only when every part is (half an answer would mislead)."""
    text, citations, heading = "", [], ""
    for i, answer in enumerate(answers):
        if _said_by_another(i, answers) or answer.answer in (a.answer for a in answers[:i]):
            continue  # 发现并整改问题36个 answers 都整改了吗 too; two parts refused alike are refused once
        offset = len(citations)
        body = MARKER.sub(lambda m, o=offset: f"[{int(m.group(1)) + o}]", answer.answer)
        if heading and body.startswith(heading):
            body = body[len(heading) :]
        heading = body.split("：", 1)[0] + "：" if "：" in body[:40] else ""
        text += body
        citations += [dataclasses.replace(c, n=c.n + offset) for c in answer.citations]
    found = all(a.found for a in answers)
    if not found and any(a.found for a in answers):
        # 牵头单位多少，种植牙多少: the part answered is quoted, and read as what it is, part of an answer.
        text = PARTLY_ANSWERED + text
    return Answer(text, found, citations, min(a.confidence for a in answers), degraded)


def _said_by_another(i: int, answers: list[Answer]) -> bool:
    """Does another found answer quote all answer ``i`` quotes (检查14次 within 检查14次,发现并整改问题42个)?
    Of two quoting the same, the first is kept."""
    mine = answers[i].citations
    if not (answers[i].found and mine):
        return False
    for j, other in enumerate(answers):
        if j == i or not other.found or not all(_quoted_within(c, other.citations) for c in mine):
            continue
        same = all(_quoted_within(c, mine) for c in other.citations)
        if not same or j < i:
            return True
    return False


def _quoted_within(citation: Citation, quoted: list[Citation]) -> bool:
    return any(
        q.doc == citation.doc and q.project == citation.project and q.start <= citation.start and citation.end <= q.end
        for q in quoted
    )
