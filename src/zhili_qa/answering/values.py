"""What counts as a value of each answer type in bulletin text.

The answer check asks "does this clause hold a value of the type the question expects?"; the patterns
for that live here: measure words and what they count alike, sums, moves, rates, ranks, dates, names.
"""

from __future__ import annotations

import re
from itertools import pairwise

from ..figures import NUMBER, numbers_in

_CN_NUMERAL = "零〇一二两三四五六七八九十百千"

_TIMES = frozenset("次 家次 人次 回 趟 遍".split())
# Measure words that count the same thing: 检查了几家 is answered by 110家次, 多少人 by 25人次 or 327名
# (but 多少名护理员 asks for heads, which 25人次 of training does not count).
MEASURE_FAMILIES = (
    frozenset("人 名 个人 位".split()),
    frozenset("人 人次".split()),
    frozenset("家 家次 所 间".split()),  # 几多间中小学: 间 counts schools and shops as 所 and 家 do
    _TIMES,
    frozenset("件 起 条".split()),
    frozenset("条 篇 部 期".split()),  # pieces of publicity: 多少条视频 is answered by 宣传视频36篇
    frozenset("条 项".split()),  # items of a list: 多少条指标 is answered by 33项查纠指标
    frozenset("幢 栋".split()),
    frozenset("元 万元 万 亿元".split()),
)
# 个 is Chinese's general classifier: 几个 is answered by a count of things, not of people, times or money.
GENERAL_MEASURE = "个"
_THING_MEASURES = "个 项 处 所 家 条 件 起 套 类 种 批 期 标段 区块 幢 栋 份 篇 颗 台 辆 块 张 间 座 艘 箱".split()


def measures_like(measure: str) -> frozenset[str]:
    """The measure words that answer a question counted in ``measure``."""
    family = {measure}
    for members in MEASURE_FAMILIES:
        # 多少人次 counts people's turns: 95次 of deliveries, or 110家次 of inspections, does not answer it.
        if measure in members and not (measure == "人次" and members is _TIMES):
            family |= members
    return frozenset(family)


def _measure_words(measure: str) -> str:
    """A group matching the measure words that count like ``measure`` (any thing's for the general 个)."""
    family = measures_like(measure)
    # 几个 counts things, and 110家次 counts visits to them, not 110家.
    words = [f"{m}(?!次)" for m in _THING_MEASURES] if measure == GENERAL_MEASURE else [re.escape(m) for m in family]
    # 25人次 is no count in 名: 人 then stands alone.
    words = [w if w != "人" or "人次" in family else "人(?!次)" for w in words]
    return "(" + "|".join(sorted(words, key=len, reverse=True)) + ")"


def counted_measures(text: str, measure: str, exclude: set[str] = frozenset()) -> list[str]:
    """The measure words with which the text counts in ``measure`` or a like word (figures not in ``exclude``)."""
    pattern = rf"(\d+(?:\.\d+)?|[{_CN_NUMERAL}]+)\s*(?:余|多)?\s*(?:万|千|亿)?{_measure_words(measure)}"
    return [m.group(2) for m in re.finditer(pattern, text) if m.group(1) not in exclude]


def counts_in(text: str, measure: str) -> list[re.Match]:
    """Each count in the measure, where it stands (32所 of 32所中小学完成自纠自查)."""
    return list(re.finditer(rf"\d+(?:\.\d+)?\s*(?:余|多)?\s*(?:万|千|亿)?{_measure_words(measure)}", text))


def counted(text: str, measure: str, exclude: set[str] = frozenset()) -> bool:
    return bool(counted_measures(text, measure, exclude))


def counts_alike(text: str, measure: str) -> bool:
    """Does the text count per visit when the question does (检查了多少家次: 110家次, not 300家), or not?"""
    return any(("次" in found) == ("次" in measure) for found in counted_measures(text, measure))


# A sum: a figure in 元, or a bare figure right after a price word (均价在3500左右), never a rate.
SUM = re.compile(r"\d+(?:\.\d+)?\s*(?:余|多)?\s*(?:千|百|万|亿)*\s*元")  # 5000余万元, 4275 元
_MONEY = re.compile(
    SUM.pattern
    + r"|(?:价|费|款|资金|金额|收入|损失)[^，,。；\d]{0,6}\d+(?:\.\d+)?(?![\d.]*\s*(?:%|个百分点|名|次|个|家|人|项|年|月))"
)
# How far a figure moved: 降幅达55%, 提升3.09分, 高出2022年8个百分点 (降至900余元 is where it stands).
_MOVES = "下降|降低|减少|提升|提高|上升|增加|增长|高出|节约|节省"
_CHANGE = re.compile(rf"(?:降幅|增幅|幅度|{_MOVES})(?![至到])(?:了|达|约|近|超|为)?(?:\d{{4}}年)?(\d+(?:\.\d+)?)")
# Types that ask where a figure stands: a move of it (提升27名, 高出8个百分点) does not answer them; a
# 降幅 is itself a rate.
_MOVED = re.compile(rf"(?:{_MOVES})(?![至到])(?:了|达|约|近|超|为)?(?:\d{{4}}年)?(\d+(?:\.\d+)?)")
_LEVEL_TYPES = ("money", "rate", "rank", "score")
_RATE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|个百分点)|百分之")
_RANK = re.compile(r"排名\s*第?\s*[\d一二三四五六七八九十]+|第[\d一二三四五六七八九十]+名?|\d+\s*名(?!\w)")
_SCORE = re.compile(r"\d+(?:\.\d+)?\s*分(?!钟|之|局|院|别)|分\s*\d")
_DATE = re.compile(r"\d{4}\s*年|\d{1,2}\s*月|春节|伏休期|年底|月底|上半年|下半年")
_PHONE = re.compile(r"\d{5,}[^，,。；\d]{0,6}(?:热线|电话)|(?:热线|电话)[^，,。；\d]{0,6}\d{5,}")
_ADDRESS = re.compile(r"\d+\s*号|[路街巷弄]\s*\d|地址")
_PERSON = re.compile(
    r"(?:局长|站长|主任|(?<!总)书记|院长|负责人|校长)\s*[\u4e00-\u9fff]{2,3}|[\u4e00-\u9fff](?:某|先生|女士)"
)
# A firm or institution by its own name: 浙江定海医院(上海瑞金医院舟山分院) gives a hospital's other name.
_ENTITY = re.compile(r"[（(][\u4e00-\u9fff]{4,16}(?:医院|分院|公司|中心)[)）]")
# The body that does what the clause says: named at its start (区纪委区监委深入贯彻…), not cited in it (根据…市纪委).
_ORGANISER = re.compile(r"(?:^|[，,])\s*[区市县省][\u4e00-\u9fff]{0,8}?(?:纪委|监委|委员会|局|办公室|政府)")
DOCUMENT_TITLE = re.compile(r"《[^》]*》")  # 《…工作方案》: a document named, its words no value of the text
# A name quoted, or a system called by its own name (浙江省药械招采平台 of 通过什么平台采购).
_QUOTED = r"[“「《\"][^”」》\"]{2,40}[”」》\"]"  # “浙农经管”, 《…工作方案》
_QUOTED_NAME = re.compile(
    _QUOTED + r"|[\u4e00-\u9fff]{4,12}(?:平台|系统|小程序|公众号|软件)(?![\u4e00-\u9fff]{0,2}(?:建设|开发))"
)
# Names listed (盘峙、小盘峙, 各市场监管所、白泉分局): the first item opens at a break, not inside words after a
# bracket (…对加油站(供应站)的暗访、监督检查 lists acts, no names).
_ENUMERATION = re.compile(r"(?<![\u4e00-\u9fff“”)）])[\u4e00-\u9fff“”]{1,20}、[\u4e00-\u9fff“”]{1,12}")
_OWN_NAME = "(?:浙江|舟山|定海)"  # a system called by its own name starts with where it runs (浙江省药械招采平台)
# One kind as citizens name it: 那个系统 may be a 平台.
_DIGITAL = frozenset("应用 平台 系统 程序 软件 app APP App".split())


def gives_name_of(kind: str, text: str) -> bool:
    """Does the text give the name of a thing of this kind: quoted just before it (“浙农经管”应用, “家校共管”机制),
    holding it (“校园食堂数字化管理平台”), or called by it (浙江省药械招采平台)? 系统“震慑”, 谋划系统布局 name no
    system."""
    kind = "|".join(sorted(_DIGITAL)) if kind in _DIGITAL else re.escape(kind)
    return bool(
        re.search(
            rf"{_QUOTED}[^，,。；]{{0,6}}(?:{kind})|[“「《\"][^”」》\"]*(?:{kind})[”」》\"]|{_OWN_NAME}[\u4e00-\u9fff]{{2,10}}(?:{kind})",
            text,
        )
    )


# 两月一期, 每季度: how often something is done (not 常态化, which says only that it goes on).
_FREQUENCY = re.compile(
    r"[一两二三四五六\d]+个?(?:月|周|星期|年|天|季度)一[期次回轮]|每(?:个)?(?:月|周|星期|年|季度|天|日)"
)
VALUE_PATTERNS = {
    "frequency": _FREQUENCY,
    "money": _MONEY,
    "change": _CHANGE,
    "rate": _RATE,
    "rank": _RANK,
    "score": _SCORE,
    "date": _DATE,
    "phone": _PHONE,
    "address": _ADDRESS,
    "person": _PERSON,
    "entity": _ENTITY,
    "name": _QUOTED_NAME,
    "organiser": _ORGANISER,
    "list": _ENUMERATION,
    "reason": re.compile(r"为了|因为|由于|旨在|以便|原因"),
    "number": NUMBER,
}


_CLAUSE_BREAK = re.compile(r"[，,；;。]")


def clauses_of(text: str) -> list[str]:
    """The text's clauses, split at commas, semicolons and full stops."""
    return [c for c in _CLAUSE_BREAK.split(text) if c.strip()]


def value_clauses(text: str, answer_type: str, measure: str = "", given: set[str] = frozenset()) -> list[str]:
    """The clauses of a passage that hold a value of the type (where the subject must stand too)."""
    return [c for c in clauses_of(text) if holds_value(c, answer_type, measure, given)]


def dated_clauses(text: str) -> list[str]:
    """Each clause holding a date, with the clause after it, which a time opening it dates (2023年6月底，定海区医疗
    急救站正式挂牌)."""
    dates = value_clauses(text, "date")
    return [a + b for a, b in pairwise([*clauses_of(text), ""]) if a in dates]


def holds_value(text: str, answer_type: str, measure: str = "", given: set[str] = frozenset()) -> bool:
    """Does the text hold a value of the answer type (a count in the measure, a sum of money, a date...)?

    ``given`` are the figures the question itself states: 19个问题里腐败问题几个 is not answered by 19个.
    """
    if answer_type == "count":
        return counted(text, measure or GENERAL_MEASURE, given)
    pattern = VALUE_PATTERNS.get(answer_type)
    if pattern is None:
        return True
    if answer_type == "date":
        text = DOCUMENT_TITLE.sub("", text)  # 《定海区2023年…工作方案》 names a document, not when anything happened
    values = list(pattern.finditer(text))
    if answer_type == "change" and measure:  # 提升了几名 is not answered by 提升3.09分
        units = "|".join(re.escape(m) for m in sorted(measures_like(measure), key=len, reverse=True))
        values = [v for v in values if re.match(rf"\s*(?:{units})", text[v.end() :])]
    if answer_type in _LEVEL_TYPES:
        moved = [m.span(1) for m in _MOVED.finditer(text)]
        values = [v for v in values if not any(start < v.end() and v.start() < end for start, end in moved)]
    if answer_type in ("money", "number", "score") and given:
        return any(not (numbers_in(v.group(0)) <= given) for v in values)
    return bool(values)


_UP = re.compile(r"往前|前进|进步|上升|提高|提升|升|涨|增")
_DOWN = re.compile(r"往后|后退|下降|降低|降|减少|便宜|跌")


def ways_moved(text: str) -> set[str]:
    """Which way a text says a figure moved (往前进了多少名, 较去年提升27名: up), in whatever words."""
    return {way for way, words in (("up", _UP), ("down", _DOWN)) if words.search(text)}
