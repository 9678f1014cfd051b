"""Turning chosen spans into short, cited answers: question intent, clause choice, wording, guard.

Everything stated comes from quoted spans: the wording around them adds no facts, and the number
guard refuses to let a figure through that none of the cited quotes contains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .corpus import GOAL, LEAD, PREAMBLE_FIELD, RESULTS, TITLE, Project, Span
from .schema import Answer, Citation

LEAD_Q = re.compile(
    r"牵头|谁负责|哪个部门|哪些部门|哪个单位|哪家单位|什么单位|什么部门|哪个机构|归哪|归谁|谁管|谁来管|有人管|"
    r"负责单位|主管|谁抓|哪里管|负责部门|由谁"
)
LIST_Q = re.compile(
    r"哪个项目|哪些项目|哪几个项目|哪项|哪几项|什么项目|哪个治理|哪些治理|哪些专项|负责什么|管什么|负责哪|牵头了什么|"
    r"牵头的是|牵头哪|牵头负责"
)
GOAL_Q = re.compile(r"目标|目的|想达到|要达到|为了什么|打算")
OVERVIEW_Q = re.compile(
    r"成果|成效|效果|做了什么|做了哪些|干了什么|怎么样|咋样|有没有治理|有没有管|治理了吗|情况|进展|介绍|"
    r"哪些工作|哪些措施|采取了|措施|是怎么回事|怎么回事|有没有|概况"
)
FIGURE_Q = re.compile(r"多少|几|多大|多高|多长|多久|比例|百分|降幅|增长|排名|第几|金额|几成|涨|降了")
WHEN_Q = re.compile(r"什么时候|何时|哪年|哪一年|几月|几号|什么时间|多久能|啥时候")
MEASURE = re.compile(
    r"(?:多少|几)(个人|名|个|家次|家|期|条|件|份|次|人次|人|户|处|篇|套|项|分|元|万元|起|所|年|天|月|颗|"
    r"平方米|亩|岁|倍|名|辆|座|场|批|轮)"
)
RANK_Q = re.compile(r"排第几|排名|第几名|排多少|名次|排在")
_ORDINAL = re.compile(r"第[一二三四五六七八九十\d]")
_RANKED = re.compile(r"排名|第[一二三四五六七八九十\d]|\d+名")
# 用的什么平台 / 叫什么: the answer is a name, which the bulletin puts in quotes (“浙农经管”应用).
NAME_Q = re.compile(r"(?:什么|哪个|啥)[^，,。？?]{0,4}?(应用|平台|系统|机制|理念|活动|方案|模式|程序|软件|名字|名称|口号)|叫什么")
_QUOTED_NAME = r"[“「\"][^”」\"]{2,20}[”」\"]"
SHARE_Q = re.compile(r"降幅|增幅|比例|百分|率|幅度|几成")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DATE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月")
ANSWER_LIMIT = 110  # characters without markers; hotline staff read it aloud, citizens read it on a phone


@dataclass(frozen=True)
class Intent:
    lead: bool
    project_list: bool
    goal: bool
    overview: bool
    figure: bool
    when: bool
    measures: tuple[str, ...]
    share: bool = False  # asks for a rate or percentage
    rank: bool = False  # asks for a place in a ranking
    names: tuple[str, ...] = ()  # asks for the name of a kind of thing (应用, 平台); "" when just 叫什么

    @property
    def wants_fact(self) -> bool:
        return self.figure or self.when or not (self.lead or self.goal or self.overview or self.project_list)


def detect_intent(text: str) -> Intent:
    measures = tuple("人" if m == "个人" else m for m in MEASURE.findall(text))
    lead = bool(LEAD_Q.search(text))
    return Intent(
        lead=lead,
        project_list=bool(LIST_Q.search(text)),
        goal=bool(GOAL_Q.search(text)),
        overview=bool(OVERVIEW_Q.search(text)) and not FIGURE_Q.search(text),
        figure=bool(FIGURE_Q.search(text)) and not lead,
        when=bool(WHEN_Q.search(text)),
        measures=measures,
        share=bool(SHARE_Q.search(text)),
        rank=bool(RANK_Q.search(text)),
        names=tuple(NAME_Q.findall(text)),
    )


def numbers_in(text: str) -> set[str]:
    return set(_NUMBER.findall(text))


def unsupported_numbers(answer: str, quotes: list[str]) -> set[str]:
    """Figures in the answer text (markers removed) that no cited quote contains."""
    plain = strip_markers(answer)
    quoted = set().union(*(numbers_in(q) for q in quotes)) if quotes else set()
    return {n for n in numbers_in(plain) if n not in quoted}


def strip_markers(answer: str) -> str:
    return re.sub(r"\[\d+\]", "", answer)


def fact_score(unit: Span, intent: Intent) -> float:
    """How much a span looks like the kind of fact asked for (a figure with the right unit, a date)."""
    score = 0.0
    if intent.figure:
        if _NUMBER.search(unit.text) or _ORDINAL.search(unit.text):
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
        named_kind = any(kind and re.search(_QUOTED_NAME + r"[^,，。；]{0,6}" + kind, unit.text) for kind in intent.names)
        score += 1.5 if named_kind else 0.75
    return score


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

    def finish(self, text: str, confidence: float, degraded: bool) -> Answer:
        bad = unsupported_numbers(text, [c.quote for c in self.citations])
        if bad:  # never reached by construction; kept as the last line of defence
            raise AssertionError(f"answer states figures not in its quotes: {sorted(bad)}")
        return Answer(text, True, self.citations, confidence, degraded)


def lead_answer(composer: Composer, project: Project) -> str:
    return f"{project.title}的牵头单位是{project.lead}{composer.cite(project.fields[LEAD])}。"


def goal_answer(composer: Composer, project: Project, goal_units: list[Span]) -> str:
    text = f"{project.title}的治理目标："
    for unit in goal_units:
        if len(text) + len(unit.text) > ANSWER_LIMIT and unit is not goal_units[0]:
            break
        text += unit.text + composer.cite(unit) + "；"
    return text.rstrip("；") + "。"


def overview_answer(composer: Composer, project: Project) -> str:
    """Who led it and the headline of each result item, as far as fits the length budget."""
    if project.number == 0:
        sentences = [u for u in project.units if u.kind == "sentence"]
        return "".join(u.text + composer.cite(u) + "。" for u in sentences[1:3]) or sentences[0].text
    text = f"有。{project.title}由{project.lead}牵头{composer.cite(project.fields[LEAD])}。"
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


def bulletin_answer(composer: Composer, projects: list[Project]) -> str:
    """What the bulletin covers: every project's topic, each cited to its title."""
    return (
        "公告公布了以下专项治理项目的成果："
        + "、".join(p.topic + composer.cite(p.fields[TITLE]) for p in projects)
        + "。"
    )


def project_list_answer(composer: Composer, department: str, projects: list[Project]) -> str:
    items = "；".join(p.title + composer.cite(p.fields[LEAD]) for p in projects)
    return f"{department}牵头的项目：{items}。"


def fact_fields(project: Project) -> set[str]:
    return {GOAL, RESULTS, PREAMBLE_FIELD} if project.number else {PREAMBLE_FIELD}
