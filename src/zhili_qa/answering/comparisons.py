"""Misreadings of a comparison: a rank, a percentage or a change, where a clause near the asked subject
states another (全市排名第二 for 第一是哪个区, 8个百分点 for 涨了百分之多少, 满意度提升 for 检查比去年多吗).

The answer check (check.py) runs them beside the other misreadings (misreadings.py).
"""

from __future__ import annotations

import re

from ..figures import chinese_to_int
from .intent import YES_NO_Q, clauses_in
from .question import Question
from .values import value_clauses, ways_moved

# 比去年多吗, 比以前便宜吗: set against an earlier time, which only a passage telling a change answers.
AGAINST_BEFORE = re.compile(r"比(?:去年|上年|上一年|前年|以前|之前|过去|原来|治理前|整治前)")

# 交付安置房、安排宅基地、支付补偿款解决的各多少户: figures asked of each thing listed.
_LISTED = re.compile(r"[\u4e00-\u9fff]{2,12}(?:、[\u4e00-\u9fff]{2,12})+")
_EACH = re.compile(r"分别|各(?:是|有|自|为)?(?:多少|几)")

# 涨了百分之多少 asks a percentage; 高出2022年8个百分点 is a difference between two of them.
_PERCENT_ASKED = re.compile(r"百分之|百分比|%|几成")
_POINTS = re.compile(r"\d+(?:\.\d+)?\s*个?百分点")


def points_for_a_percent(question: Question, text: str) -> bool:
    """A percentage asked (涨了百分之多少) of a clause whose every figure is a difference in points?"""
    if not _PERCENT_ASKED.search(question.asking) or "百分点" in question.asking:
        return False
    values = value_clauses(text, question.answer_type, question.measure)
    return bool(values) and all(_POINTS.search(v) and "%" not in v for v in values)


# 全市排第二，那第一是哪个区: a place in a ranking, by its ordinal (not 第9项, a project; not 第2期, one instance).
_RANK_ORDINAL = re.compile(r"第\s*(\d+|[一二两三四五六七八九十]+)(?!\s*[项个期批轮届场次])")
_ASKS = re.compile(r"哪|谁|什么|啥|多少|(?<!第)几")


def another_rank(question: Question, context: str) -> bool:
    """Does a clause that asks name a place in a ranking (那第一是哪个区) the passage does not, where it names
    another (全市排名第二)?"""
    asking = [c for c in clauses_in(question.asking) if _ASKS.search(c)]
    asked = {_ordinal(n) for clause in asking for n in _RANK_ORDINAL.findall(clause)}
    stated = {_ordinal(n) for n in _RANK_ORDINAL.findall(context)}
    return bool(asked and stated and asked - stated)


def _ordinal(numeral: str) -> int | None:
    return int(numeral) if numeral.isdigit() else chinese_to_int(numeral)


def no_change_told(question: Question, context: str, asked_words: list[str]) -> bool:
    """食堂检查比去年多吗: a yes or no asked against an earlier time meets no sentence telling a change of what
    is asked (``asked_words``: the subject beyond the project's topic); 满意度有较大提升 is no change of 检查."""
    confirming = question.answer_type == "yes_no" or (
        question.answer_type != "change" and YES_NO_Q.search(question.asking)
    )  # 检查次数比去年多吗 asks whether, though it names a count
    if not confirming or not AGAINST_BEFORE.search(question.asking):
        return False
    return not any(
        (ways_moved(sentence) or re.search(r"较|同比|相比|降幅|增幅", sentence))
        and (not asked_words or any(word in sentence for word in asked_words))
        for sentence in re.split(r"[。；;]", context)
    )


def one_of_the_listed(question: Question, context: str) -> bool:
    """A figure asked of each thing a question lists (交付安置房、安排宅基地、支付补偿款解决的各多少户) from a
    passage that does not name them all: its figures are of something else (3年以下…315户, 5-8年…217户)."""
    if not question.wants_value or not _EACH.search(question.asking):
        return False
    for listed in _LISTED.findall(question.asking):
        first, *middle, last = listed.split("、")
        # Where the list starts and ends is not marked: 对三甲 ends in 三甲, 二级及以下…设定的 starts with 二级.
        named = [
            any(first[i:] in context for i in range(len(first) - 1)),
            *(item in context for item in middle),
            any(last[:i] in context for i in range(2, len(last) + 1)),
        ]
        if not all(named):
            return True
    return False
