"""Narrower misreadings of a question, each a way a clause near the asked subject still answers another
question: a whole for a part, all of a list for one item, a loss averted for a loss suffered, those that
acted for all there are, a year for a day, a count by another act.

The answer check (check.py) runs them after its tests of type, subject, place and year.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import jieba.posseg

from ..figures import numbers_in, rounds_to
from ..text import dictionary_tag
from .intent import ASKS_HOW_MUCH, BULLETIN_KINDS, EXACT_DATE_Q, EXACT_DAY_Q, HOUR_Q, clauses_in
from .message import POINTS_TO_STORY_PLACE, without_story
from .question import SET_ASIDE, Question
from .values import DOCUMENT_TITLE, GENERAL_MEASURE, SUM, clauses_of, counts_in, dated_clauses, value_clauses

_LEADING_PREPOSITION = re.compile(r"^(?:在|对|向|从|于|为|把)")
# not 一共: 盘峙一共去了几次 is still one; nor 几个人, which asks a count
_WHOLE_OF_A_LIST = re.compile(r"这种|这些|那些|这类|[那这]几个|等|都")
# 避免群众财产损失5000余万元 states a loss that did not happen: it does not answer 损失了多少.
_AVERTED = re.compile(r"避免|防止|挽回")
_AVERTED_ASKED = re.compile(r"避免|防止|挽回|追回|挽损|省|拦下|少损失")
_AVERTED_REACH = 6  # characters between the averting verb and the word it averts
# The act a count is of, the character before 了/过 and the figure word (查 of 查过几家).
_COUNTING_ACT = re.compile(r"((?![有是能要会得了共])[\u4e00-\u9fff])(?:了|过)(?:多少|几)")
_MONTH = re.compile(r"\d{1,2}\s*月|月底|月初|春节")
_HOUR = re.compile(r"\d{1,2}\s*(?:[点时]|[:：]\d\d)|上午|下午|早上|晚上|全天|小时")
_DAY = re.compile(r"\d{1,2}\s*[日号]|月底|月初")
_PRECISIONS = ((HOUR_Q, _HOUR), (EXACT_DAY_Q, _DAY), (EXACT_DATE_Q, _MONTH))  # the finest asked decides
# Verbs of being and asking: a question holding no other verb asks how many there are.
_BEING_VERBS = frozenset("有 是 共有 还有 现有 拥有 请问 问 问问 想 想问 知道 告诉 查 查查 查一下 发生 出现".split())
# 发生了多少起: how many there were, which a count of those handled (研判案件800起) does not say.
_OCCURRED = re.compile(r"发生|出现")
_THERE_ARE = re.compile(r"\b(?:are|is) there\b|\bexist|\b(?:do|does)\b.*\bhave\b")  # how many staff does it have
# 对4家加油站, 其中1家, 首批300家, 检查加油站110家次: a count of what was acted on, not of all there are.
_ACTED_ON = re.compile(
    r"(?:其中|对|检查|列入|首批|培育|撤并|整合|抽查|组织)[^，,。；]{0,2}$"
    r"|(?:研判|核查|查处|打处|处置|劝阻|受理|办理|立案)[\u4e00-\u9fff]{0,4}$"  # 研判案件800起: cases handled
)
_ACTED_ON_REACH = 6  # characters before a count in which the act on it is looked for
_ACTION_REACH = 12  # characters after a count in which its noun and verb are looked for
# 一共有多少家: 其中1家 counts a part of the whole asked.
_TOTAL_ASKED = re.compile(r"一共|总共|共有|总数|合计|加起来|总计|总金额|总额")
_PER_UNIT_SUM = re.compile(r"平均|均价|人均|单颗|单价|每")
# 价格上限是多少: a cap asked, which an average or a level reached (降至900余元) does not state.
_CAP_ASKED = re.compile(r"上限|不超过|不得超过|封顶|限价|最高价")
_CAP_TEXT = re.compile(r"不超过|不得超过|上限|以内|控制在|封顶|限价|最高")
_ACTUAL_ASKED = re.compile(r"实际|平均|真正|到底")
_CAP_ONLY = re.compile(r"不超过|不得超过|上限|封顶|调控目标")
# 撤并以后还剩几家: what remains, which a count of those merged (撤并整合3家) does not say.
_REMAINING_ASKED = re.compile(r"还剩|剩下|剩余|剩了|还有几|还有多少")
_REMAINING_TEXT = re.compile(r"剩|余下|保留|现有|尚有|仍有|还有")
# 第1期, 第2批: one instance of what the bulletin may count only in all (已开展两期，共培训16人次).
_ORDINAL_PART = re.compile(r"第\d+(?:期|批|轮|届|场|次)")
# Kinds of owner a question may single out, each with the kinds that exclude it (民营诊所: 公立医疗机构 is another).
_OWNERS = {"民营": "公立|公办", "私立": "公立|公办", "私人": "公立|公办", "民办": "公办|公立", "公立": "民营|私立|民办"}
_LIST_OF_ITEMS = re.compile(r"(?:[\u4e00-\u9fff“”]{2,16}、)+[\u4e00-\u9fff“”]{2,16}(?=等)")


# 一百二十多万，具体是多少: the exact figure of one heard roughly, which the clause holding it does answer.
_EXACT_ASKED = re.compile(r"具体|精确|准确|确切|详细|小数|零头|来着")


def restates_the_rough(question: Question, text: str) -> bool:
    """追回来一千一百多万，那被骗了多少: is every value of the clause the figure the asker already stated roughly
    (1132.4万元 of 一千一百多万), when the question asks another figure, not that one exactly?"""
    asks = ASKS_HOW_MUCH.search(question.asking)
    # Stated before the question, not guessed after it (不超过多少钱？三千九百多？).
    stated = [r for r in question.rough if asks and 0 <= question.asking.find(r) < asks.start()]
    if not stated or _EXACT_ASKED.search(question.asking):
        return False
    values = value_clauses(text, question.answer_type, question.measure)
    return bool(values) and all(any(rounds_to(rough, numbers_in(value)) for rough in stated) for value in values)


def counts_by_the_act_asked(question: Question, text: str, says: Callable[[str, str], bool]) -> bool:
    """Does the text count by the act the question counts by (查 of 查过几家: 检查加油站110家次, not
    4家加油站的5次维修), in its word or the bulletin's (``says(phrase, text)``: 拦了 of 拦了多少人, 劝阻)?"""
    acts = _COUNTING_ACT.findall(question.asking)
    return bool(acts) and all(
        act in text or any(w.startswith(act) and says(w, text) for w in question.subject) for act in acts
    )


def another_act_on_the_stated(question: Question, text: str) -> bool:
    """Of a stated count, how many were acted on (800起案件…破了多少起): a clause not naming the act counts
    something else (核查线索325条)."""
    # 改了55个区块，那一共分成了几个标段: a count of another thing (标段) is not of the stated 55个区块.
    stated = [
        m[2]
        for m in re.finditer(r"(\d+)\s*([\u4e00-\u9fff])([\u4e00-\u9fff]{0,4})", question.asking)
        if m[1] in question.given and not (question.counted and question.counted not in m[3])
    ]
    if not question.measure or not any(question.measure.startswith(s) for s in stated):
        return False
    acts = _COUNTING_ACT.findall(question.asking)
    return bool(acts) and not all(act in text for act in acts)


def a_part_for_the_whole(question: Question, text: str) -> bool:
    """A total asked (一共有多少家) and every count the clause holds a part of it (其中1家), or a total sum
    asked (采购总金额一共多少) and every sum one unit's (种植体平均价格降至900余元)?"""
    if not _TOTAL_ASKED.search(question.asking):
        return False
    if question.answer_type == "money":
        if question.per_unit:
            return False  # 种牙一颗一共要多少钱: one unit's total is asked
        values = value_clauses(text, "money", "")
        return bool(values) and all(_PER_UNIT_SUM.search(v) for v in values)
    if question.answer_type != "count":
        return False
    counts = counts_in(text, question.measure or GENERAL_MEASURE)
    return bool(counts) and all(text[: count.start()].endswith("其中") for count in counts)


def mismatched_cap(question: Question, text: str) -> bool:
    """A cap asked (价格上限) of a clause that states no cap, or what is actually charged (实际平均收费) of one that
    states only a cap (不超过4105元)?"""
    if _CAP_ASKED.search(question.asking):
        return not _CAP_TEXT.search(text)
    return bool(_ACTUAL_ASKED.search(question.asking)) and bool(_CAP_ONLY.search(text))


def another_reading_of(question: Question, text: str) -> bool:
    """What remains asked of a count of those acted on; one instance (第1期) of a clause that does not name it."""
    if _REMAINING_ASKED.search(question.asking) and not _REMAINING_TEXT.search(text):
        return True
    return any(part not in text for part in _ORDINAL_PART.findall(question.asking))


def of_another_owner(question: Question, context: str) -> bool:
    """Does the question single out one kind of owner (民营诊所) and the passage speak only of another (公立)?"""
    return any(
        owner in question.asking and owner not in context and re.search(others, context)
        for owner, others in _OWNERS.items()
    )


def owners_asked(question: Question) -> tuple[str, ...]:
    """The kinds of owner a question singles out (民营 of 民营诊所种一颗多少钱)."""
    return tuple(owner for owner in _OWNERS if owner in question.asking)


def tells_owners_apart(text: str) -> bool:
    """Does the text speak of kinds of owner (公立医疗机构…民营医疗机构)?"""
    return any(owner in text for owner in _OWNERS)


def as_precise_as_asked(question: Question, text: str) -> bool:
    """A time of day for 几点开门, a date to the day for 哪天, to the month for 几月, and never from a document's
    title."""
    text = DOCUMENT_TITLE.sub("", text)
    precision = next((told for asked, told in _PRECISIONS if asked.search(question.asking)), None)
    if precision is None:
        return True
    # 2023年6月底，…急救站挂牌，同年11月完成…急救点设置: the date of the clause that speaks most of the asked
    # subject, a time with the clause it opens.
    speaking = {clause: sum(word in clause for word in question.subject) for clause in dated_clauses(text)}
    most = max(speaking.values(), default=0)
    return any(
        precision.search(clause) for clause in ([c for c, n in speaking.items() if n == most] if most else [text])
    )


def names_the_part(question: Question, text: str) -> bool:
    """Does a clause holding the value, or the clause just before it, name the part asked (公务员 of
    公务员领取的有多少; 滞留境外重点人员 of ……劝返滞留境外重点人员15名,劝返率达93.75%)?"""
    if not question.part:
        return True
    clauses = clauses_of(text)
    for clause in value_clauses(text, question.answer_type, question.measure, set(question.given)):
        at = next((i for i, c in enumerate(clauses) if clause in c), None)
        near = clause if not at else f"{clauses[at - 1]}，{clause}"
        if all(word in near for word in question.part):
            return True
    return False


def counts_none_there_are(question: Question, text: str) -> bool:
    """Does a question of how many there are (一共有多少所中小学, how many petrol stations are there) meet
    only counts of those that did or had something done: the subject of another verb (32所中小学完成自纠自查),
    the object of one (对4家加油站的…维修, 首批300家), a part (其中1家), or visits (检查加油站110家次)?"""
    if not _asks_how_many_there_are(question):
        return False
    counts = counts_in(text, question.measure or GENERAL_MEASURE)
    there_are = [
        count
        for count in counts
        if not _ACTED_ON.search(text[max(0, count.start() - _ACTED_ON_REACH) : count.start()])
        and not (count.group(0).endswith("次") and not question.measure.endswith("次"))
        and not _noun_phrase_acting(text[count.end() :], ("n", "j", "a"))  # 32所中小学完成…
    ]
    return bool(counts) and not there_are


def _asks_how_many_there_are(question: Question) -> bool:
    """一共有多少所中小学, how many … are there: a count of what exists, asked with no verb of doing."""
    if question.english:
        return bool(question.measure) and bool(_THERE_ARE.search(question.typed.lower()))
    # The clause that counts: a story beside it (我天天跑加油站 定海一共有多少个加油站) does no counting.
    # 住进定点供养机构的，现在有多少人: a clause of …的 before it says whom it counts, by what they did.
    clauses = clauses_in(question.asking)
    counting = "".join(
        c
        for i, c in enumerate(clauses)
        if ASKS_HOW_MUCH.search(c)
        or (c.endswith("的") and any(ASKS_HOW_MUCH.search(d) for d in clauses[i + 1 : i + 2]))
    )
    if "有" not in counting and not _OCCURRED.search(counting):
        return False  # 会同了几家 asks of an act, not of a stock
    return not any(
        tag.startswith("v")
        and word not in _BEING_VERBS
        and word != question.measure
        and not (tag == "vn" and word in question.counted)  # 诈骗 of 电信诈骗案子 names what is counted
        for word, tag in ((word, dictionary_tag(word, flag)) for word, flag in question.tags)
        if word in counting
    )


def averted(question: Question, text: str) -> bool:
    """Does the passage say the asked thing was averted (避免…损失, 挽回…损失), which the question did not ask?"""
    if _AVERTED_ASKED.search(SET_ASIDE.sub("", question.asking)):
        return False  # 追回的损失, 省了多少: the question asks what was averted (不是追回来的那个 sets it aside)
    # 避免群众财产损失5000余万元 answers no 骗走了多少钱: every sum the passage holds is one averted.
    sums = list(SUM.finditer(text))
    if (
        question.answer_type == "money"
        and sums
        and all(_AVERTED.search(text[max(0, m.start() - 10) : m.start()]) for m in sums)
    ):
        return True
    # 挽回受害人损失: 损失 is what was averted, 受害人 whose it was.
    return any(
        all(
            _AVERTED.search(text[max(0, at - _AVERTED_REACH) : at])
            and re.match(r"[，,。；;\d]|$", text[at + len(word) :])
            for at in _positions(word, text)
        )
        for word in question.subject
        if word in text
    )


def one_of_a_list(question: Question, text: str) -> bool:
    """Does the question name one item of a list the passage (a clause or its sentence) gives a figure for all of
    (超龄领取…的几个人: 涉及人数88人 counts 同一本证书…、超龄领取…、公务员享受… together)?"""
    # 我表妹住在东岠岛上…一共送了多少次: an item the asker's story names is not the one asked of, unless the
    # question points back at it (我住盘峙岛，我们岛上搞了几次).
    pointed = POINTS_TO_STORY_PLACE.search(question.asking)
    asked = question.asking if pointed else without_story(question.asking)
    for listed in _LIST_OF_ITEMS.finditer(text):
        items = [_LEADING_PREPOSITION.sub("", i.strip("“”等")) for i in re.split(r"[、和]", listed.group(0))]
        named = [i for i in items if len(i) >= 2 and i in asked]
        # 东岠大猫那几个小岛一共送了多少次 names items of the whole; 盘峙岛上办了几次 names one.
        if len(items) >= 2 and len(named) == 1 and not _WHOLE_OF_A_LIST.search(question.asking):
            return True
    return False


def counts_another_thing(question: Question, text: str) -> bool:
    """Does every count the clause holds name, right after it, another thing than the one asked
    (多少个问题: 11项具体监督指标开展检查 counts 指标)?"""
    noun = question.counted
    if question.answer_type != "count" or len(noun) < 2 or noun in BULLETIN_KINDS:
        return False  # 选了几个项目: the bulletin's projects go by other names (12个…问题)
    counts = counts_in(text, question.measure or GENERAL_MEASURE)
    # 12个群众感受最直接…问题 counts 问题: the asked noun (or its characters: 示范…站点) later in the clause
    # heads what is counted.
    rests = [clauses_of(text[count.end() :] + "，")[0] if text[count.end() :] else "" for count in counts]
    named = ["" if set(noun) <= set(rest) else _noun_phrase_acting(rest, ("n", "a", "vn")) for rest in rests]
    return bool(counts) and all(thing and not _overlaps(noun, thing) for thing in named)


def _overlaps(noun: str, thing: str) -> bool:
    """Could ``thing`` be the asked noun in other words (特困人员 for 特困老人, 诚信计量 of 诚信计量示范加油站)?"""
    return noun in thing or thing in noun or 2 * len(set(noun) & set(thing)) >= min(len(noun), len(thing))


def _noun_phrase_acting(rest: str, noun_tags: tuple[str, ...]) -> str:
    """The noun phrase opening ``rest`` (words tagged ``noun_tags``) when a verb follows it, else ""
    (中小学 of 中小学完成…; 具体监督指标 of 具体监督指标开展…)."""
    phrase = ""
    for pair in jieba.posseg.cut(rest[:_ACTION_REACH]):
        if pair.flag.startswith(noun_tags) and pair.flag != "ad":
            phrase += pair.word
        else:
            return phrase if pair.flag == "v" else ""
    return ""


def _positions(word: str, text: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(word), text)]
