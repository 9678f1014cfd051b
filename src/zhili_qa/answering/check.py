"""The answer check: does this clause answer what was asked, or only stand near it?

A clause answers only if it holds a value of the expected type (a sum for 多少钱, a count in 家 for
几家, a date for 什么时候), speaks of the asked subject (in the clause or its sentence), and fits the
place, year and unit asked (每家, 最多的一家). Otherwise the engine abstains rather than quote a figure
from the right project that answers another question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise, takewhile

from ..corpus import Span
from ..figures import arabic_numerals, long_figures, numbers_in, rounds_to
from ..text import Thesaurus
from .comparisons import another_rank, no_change_told, one_of_the_listed, points_for_a_percent
from .intent import (
    ABLE_Q,
    BEFORE_Q,
    BEFORE_TEXT,
    BULLETIN_KINDS,
    LEVELS,
    LIST_KIND,
    MEMBER_Q,
    NAME_WORDS,
    VALUE_OF,
    WHICH_KIND,
    per_unit_text,
)
from .misreadings import (
    a_part_for_the_whole,
    another_act_on_the_stated,
    another_reading_of,
    as_precise_as_asked,
    averted,
    counts_another_thing,
    counts_none_there_are,
    mismatched_cap,
    names_the_part,
    of_another_owner,
    one_of_a_list,
    restates_the_rough,
)
from .places import Places
from .question import Question
from .subject import STOP_CHARACTERS, SubjectMatch
from .values import (
    GENERAL_MEASURE,
    clauses_of,
    dated_clauses,
    gives_name_of,
    holds_value,
    value_clauses,
    ways_moved,
)

# Share of the subject's weight that the clause's context must cover: for a value (a figure, a date)
# the subject must be there; an open question (有没有人管) is phrased far from the bulletin's words.
SUBJECT_COVERAGE = 0.5
OPEN_SUBJECT_COVERAGE = 0.3
RARE_TERM = 1  # projects at most that use a term for it to name one act (立案, not 检查)
_QUALIFYING_FIGURE = re.compile(
    r"\d+(?:[-~至到]\d+)?\s*(?:[年月日岁](?:以上|以下|以内)?|以上|以下|以内)|\d+[-~至到]\d+\s*[个户人次家名项件]?"
)
_UNIT_OF = re.compile(r"(?:单|每[一1]?)([家个次颗人户所件位名套])")  # 单家, 每户: the unit a figure is per
_ENUMERATION = re.compile(r"(?P<items>(?:[^、，,。]+、)+[^、，,。]+?)等")
_WHAT_IT_IS = re.compile(r"是(?:什么|啥|哪)|(?:什么|啥|哪个)数|指(?:的是)?(?:什么|啥|哪)|代表|什么意思|干(?:嘛|什么)的")
DISTINCT_DIGITS = 3  # digits from which a figure stated names the one clause stating it (1132.4, 96110)
_PHRASE_ENDS = frozenset("了 的 过 着 多少 几 ， , 。 ？ ?".split())
_COMPLEMENTS = frozenset("回来 回去 出来 出去 起来 过来 下来 上来 进来 进去".split())  # 劝返回来: 劝返 is the act
# Values a per-unit question (每家, 一颗) asks per unit: a name or a date is no figure of one unit (…平台叫什么名字，
# 我想看看孩子每天吃的啥).
_FIGURES = frozenset("money count rate number score change".split())
_PLACE_KINDS = frozenset("区县 县区 国家 城市 街道 乡镇".split())


def _stated_figures(question: Question) -> set[str]:
    """The figures a question states, less a bare year (2023满意度…: the reader drops only years written with 年)."""
    return {g for g in question.given if not re.fullmatch(r"(?:19|20)\d\d", g)}


def _what_the_figure_is(question: Question, text: str) -> bool:
    """一千一百三十二点四万是反诈哪个数: a long figure the question states and asks what it is; the clause stating
    it is the answer, whatever words the asker puts around it."""
    long = long_figures(_stated_figures(question), DISTINCT_DIGITS)
    return (
        question.answer_type == "fact"
        and bool(long)
        and bool(_WHAT_IT_IS.search(question.asking))
        and long <= numbers_in(arabic_numerals(text))
    )


def _kinds_named(question: Question) -> list[str]:
    """The kinds of thing whose name is asked (应用 of 那个数字应用叫啥; none of 叫什么名字)."""
    return [kind for kind in question.intent.names if kind and kind not in NAME_WORDS]


def _kinds_listed(question: Question) -> list[str]:
    """What a list question asks the things of (机构 of 哪些培训机构, 岛 of 哪几个岛)."""
    return [kind[-2:] for kind in LIST_KIND.findall(question.asking) if set(kind) - STOP_CHARACTERS]


def _one_of_the_items(head: str, clause: str) -> bool:
    """Does the clause name the kind asked only as one item of a list of others (反诈公交、…、反诈菜场等12处反诈阵地
    lists no 菜场), not as what its items are (盘峙、小盘峙…等4个海岛)?"""
    listed = _ENUMERATION.search(clause)
    return bool(listed) and head in listed.group("items") and head not in clause[listed.end() :]


@dataclass(frozen=True)
class Verdict:
    answers: bool
    reason: str = ""  # why not: "type", "precision", "subject", "place", "year", "unit"


class AnswerCheck(SubjectMatch):
    def __init__(
        self, thesaurus: Thesaurus, places: Places, period: int | None, word_projects: Callable[[str], int]
    ) -> None:
        """``word_projects(word)`` tells in how many projects a word occurs (rarer words weigh more)."""
        super().__init__(thesaurus, word_projects)
        self.places = places
        self._generic = places.generic
        self.period = period

    def verdict(self, question: Question, clause: Span, context: str, topic: str) -> Verdict:
        """Does ``clause`` answer ``question``? ``context`` is its sentence (or item); ``topic`` the project's title."""
        # Another place or year first: that is what an abstention then tells the asker.
        for place in question.places:
            if not self.places.covers(place, context):
                return Verdict(False, "place")
        for year in question.years:
            # 2023年…同比高出2022年8个百分点 is 2023's figure: a clause naming the period speaks of it.
            if year != self.period and (str(year) not in context or (self.period and str(self.period) in clause.text)):
                return Verdict(False, "year")
        if question.wants_value and not holds_value(
            clause.text, question.answer_type, question.measure, set(question.given)
        ):
            return Verdict(False, "type")
        if question.answer_type == "name" and not all(gives_name_of(k, clause.text) for k in _kinds_named(question)):
            return Verdict(False, "type")  # 那个监管系统叫啥: 系统“震慑” names no system
        if question.wants_value and not self._value_beside_subject(question, clause.text, topic, context):
            return Verdict(False, "subject")  # 整改问题56个 does not answer 腐败问题几个
        # 单颗…不超过4275元 states one unit's price; 960套，种植体平均价格… does not make 960 one unit's.
        at = context.find(clause.text)
        values = value_clauses(clause.text, question.answer_type, question.measure, set(question.given))
        end = clause.text.find(values[0]) + len(values[0]) if values else len(clause.text)
        before = context[context.rfind("。", 0, at) + 1 : at + end] if at >= 0 else clause.text
        if question.per_unit and question.answer_type in _FIGURES and not self._per_the_unit_asked(question, before):
            return Verdict(False, "unit")
        reason = self._misreading(question, clause.text, context, topic, before)
        if reason:
            return Verdict(False, reason)
        if question.answer_type == "yes_no" and _stated_figures(question) and not re.search(r"\d", clause.text):
            return Verdict(False, "type")  # 满意度是不是超过了90%: 满意度有较大提升 says no figure to hold it to
        confirming = question.answer_type in ("phone", "yes_no")  # 是不是只培育了3个: the bulletin may say 4
        if not self._holds_the_given(question, clause.text) and not confirming:
            return Verdict(False, "subject")  # 8年以上没安置的 is not answered by 3年以下的……315户
        # A clause repeating the question's figures with their words (3-5年未安置…) needs less of the rest.
        # So does one giving a name of the very kind asked (“浙农经管”应用 of 那个数字应用叫啥).
        floor = (
            SUBJECT_COVERAGE
            if question.wants_value
            and not self.repeats_figures(question, clause.text)
            and not (question.answer_type == "name" and _kinds_named(question))
            else (OPEN_SUBJECT_COVERAGE)
        )
        if self.subject_coverage(question, context, topic) < floor and not _what_the_figure_is(question, clause.text):
            return Verdict(False, "subject")
        return Verdict(True)

    def _misreading(self, question: Question, text: str, context: str, topic: str, before: str) -> str:
        """Why a clause with a value beside the subject still answers another question ("" when it does not):
        it counts another thing, a whole for a part, those that acted for all there are, the state after a
        change for the one before (``before``: its sentence up to the value), another owner's figure..."""
        if MEMBER_Q.search(question.asking) and self.unknown_nouns(question):
            return "subject"  # 定海五中在不在那32所里面: the bulletin names no school it counts
        if question.wants_value and not self._counts_what_is_asked(question, text, topic):
            return "subject"  # 几名村干部受到了处分: 培训224人次 counts no 村干部
        if question.wants_value and not names_the_part(question, text):
            return "unit"  # 违规资金里公务员领取的有多少: 追回违规资金8.69万元 is the whole
        if counts_another_thing(question, text):
            return "subject"  # 多少个问题: 11项具体监督指标 counts 指标
        if question.answer_type == "count" and counts_none_there_are(question, text):
            return "subject"  # 全区一共有多少所中小学: 32所中小学完成自纠自查 counts those that did
        if question.answer_type == "date" and not as_precise_as_asked(question, text):
            return "precision"  # 几月几号印发的: 2023年 alone does not say
        if question.answer_type == "count" and not self._suffers_the_act(question, text):
            return "subject"  # 多少人被电话诈骗骗走了钱: 排查高危企业374家3155人 counts no one defrauded
        if question.answer_type == "count" and self._counted_by_an_unnamed_act(question):
            return "subject"  # 判刑的有几个: the bulletin never speaks of sentencing
        if question.answer_type == "count" and not self._names_what_is_numbered(question, context):
            return "subject"  # 立案数是多少: 研判案件800起 counts cases studied, not cases filed
        if not self._names_the_kind_asked(question, context):
            return "subject"  # 之前待在哪个国家: no country is named
        if question.answer_type in ("yes_no", "money", "rate") and not self.speaks_of_the_act(question, context):
            return "subject"  # 医保能不能报销, 能报销多少: nothing says anything of 报销
        # 比治理前便宜了多少 compares with before, it does not ask the state before.
        if (
            question.wants_value
            and question.answer_type != "change"
            and BEFORE_Q.search(question.asking)
            and not BEFORE_TEXT.search(before)
        ):
            return "year"  # 降价之前多少钱: 降至900余元 is the price after
        if not self._of_what_is_asked(question, context):
            return "subject"  # 医保能报销多少比例: 价格调控响应率 is another rate
        if question.wants_value and averted(question, context):
            return "subject"
        if question.wants_value and one_of_a_list(question, context):
            return "unit"  # 盘峙的流动集市办了几次: 9次 is for 盘峙、小盘峙、富翅、里钓
        if a_part_for_the_whole(question, text) or another_act_on_the_stated(question, text):
            return "unit"
        if question.wants_value and another_reading_of(question, text):
            return "unit"  # 撤并以后还剩几家: 撤并整合3家 counts those merged
        if question.wants_value and any(self._speaks_of(word, text) == 1.0 for word in question.set_aside):
            return "subject"  # 被骗了多少钱，不是追回来的那个: 追赃挽损1132.4万元 is what was set aside
        if question.wants_value and mismatched_cap(question, text):
            return "type"
        if question.wants_value and points_for_a_percent(question, text):
            return "unit"  # 涨了百分之多少: 高出2022年8个百分点 is a difference of two rates
        if question.wants_value and restates_the_rough(question, text):
            return "subject"  # 追回来一千一百多万，那被骗了多少: the figure stated answers no other
        if another_rank(question, context):
            return "subject"  # 全市排第二，那第一是哪个区: the passage tells only its own place
        if of_another_owner(question, context):
            return "subject"  # 民营诊所的价格上限: the caps are set for 公立医疗机构
        if no_change_told(question, context, [w for w in question.subject if not self._names_topic(w, topic)]):
            return "subject"  # 检查比去年多吗: 满意度有较大提升 tells another change
        if one_of_the_listed(question, context):
            return "subject"
        return ""

    @staticmethod
    def _per_the_unit_asked(question: Question, before: str) -> bool:
        """A figure per unit, and per the unit asked where both name theirs (单家 is not 单颗)."""
        asked, stated = set(_UNIT_OF.findall(question.asking)), set(_UNIT_OF.findall(before))
        return per_unit_text(before) and (not asked or not stated or bool(asked & stated))

    @staticmethod
    def _holds_the_given(question: Question, text: str) -> bool:
        """Does the clause hold the figures the question states, a rough one (120多万) to its rounding?"""
        numbers = numbers_in(arabic_numerals(text))
        exact = question.given - question.rough
        return exact <= numbers and all(rounds_to(rough, numbers) for rough in question.rough)

    def _names_what_is_numbered(self, question: Question, context: str) -> bool:
        """A count named by what it numbers (立案 of 立案数, 立案了多少起) is answered only where the passage names
        that."""
        numbered = [
            w for (w, flag), (after, _) in pairwise(question.tags) if after == "数" and len(w) >= 2 and flag != "m"
        ]  # not 两个 of 两个数都要
        # 立案了多少起, 立案多少起: a term of one project done (立案), as 立案数 names it; not 检查了多少次, said of
        # every project, nor verbs, which are said in many ways.
        tags = question.tags
        numbered += [
            w
            for (w, flag), (done, _), (then, _) in zip(tags, tags[1:], [*tags[2:], ("", "")], strict=False)
            if flag.startswith("n")
            and len(w) >= 2
            and (done.startswith(("多少", "几")) or (done in ("了", "过") and then.startswith(("多少", "几"))))
            and self._word_projects(w) <= RARE_TERM
        ]
        return all(w in context or self.thesaurus_says(w, context) for w in numbered)

    def _suffers_the_act(self, question: Question, text: str) -> bool:
        """A count of those something was done to (多少人被骗, 几家被约谈) is answered only by a clause naming that
        act."""
        words = [word for word, _ in question.tags]
        if "被" not in words:
            return True
        # The last verb of the phrase (骗走 of 被电话诈骗骗走了钱, whose 诈骗 says by whom), or a bulletin term (劝返).
        last = len(words) - words[::-1].index("被")  # 被省里评为…的大案，有几个人被判刑: the last one is asked
        phrase = takewhile(lambda pair: pair[0] not in _PHRASE_ENDS, question.tags[last:])
        acts = [w for w, flag in phrase if (flag.startswith("v") or flag == "nz") and w not in _COMPLEMENTS]
        act = acts[-1] if acts else ""
        return not act or self._speaks_of(act, text) > 0

    def _counted_by_an_unnamed_act(self, question: Question) -> bool:
        """Are those counted singled out by an act the bulletin never names, in no word of its own nor a thesaurus
        term (判刑的有几个)?"""
        tags = [(word, flag) for word, flag in question.tags if word not in _COMPLEMENTS]
        for (word, flag), (then, _), (after, _) in zip(tags, tags[1:], [*tags[2:], ("", "")], strict=False):
            asks = after in ("有", "是") or after.startswith(("多少", "几"))
            # Two characters at least: 定 of 目标定的 is no act.
            if then == "的" and flag.startswith("v") and asks and len(word) >= 2 and self.never_said(word):
                return True
        return False

    def _names_the_kind_asked(self, question: Question, context: str) -> bool:
        """哪个国家 is answered by a passage naming a 国家; 哪个部门, 哪个项目 are asked of the bulletin itself."""
        if question.answer_type not in ("fact", "list", "entity"):
            return True
        kinds = [k for k in WHICH_KIND.findall(question.asking) if k not in BULLETIN_KINDS]
        # 哪个区县 is answered by a place of that kind named as such (定海区 is the bulletin's own, no answer).
        return all(
            (kind in context or self.thesaurus_says(kind, context))
            if kind in _PLACE_KINDS
            else self._speaks_of(kind, context)
            for kind in kinds
        )

    def speaks_of_the_act(self, question: Question, context: str) -> bool:
        """能不能报销: an act the bulletin never names (no word of it, no thesaurus term) is not confirmed."""
        acts = [a for a in ABLE_Q.findall(question.asking) if self.never_said(a)]
        return all(act in context for act in acts)

    def _of_what_is_asked(self, question: Question, context: str) -> bool:
        """Does the passage speak of what the asked rate or sum is of (劝回来 of 劝回来的比例: 劝返率;
        报销 of 医保能报销多少: no total price says that)?"""
        pattern = VALUE_OF.get(question.answer_type)
        if pattern is None:
            return True
        of = "".join(pattern.findall(question.asking))
        words = [w for w in question.subject if w in of]
        return all(self._speaks_of(word, context) for word in words)

    def _counts_what_is_asked(self, question: Question, text: str, topic: str) -> bool:
        """When the question names what it counts (村干部, 特困老人), a clause holding the count names it too;
        a generic noun (问题, 项目) or a counted thing the bulletin words otherwise does not bind."""
        noun = question.counted
        if question.answer_type != "count" or len(noun) < 2 or noun in self._generic:
            return True
        head = next((w for w, flag in question.tags if noun.endswith(w) and flag == "n" and len(w) >= 2), "")
        if head and head != noun and self._names_topic(noun[: -len(head)], topic):
            # 电信诈骗案子: the topic's words and what is counted of it (案子), which a clause must count.
            noun = head
            if noun in self._generic or self._names_topic(noun, topic):
                return True
        elif noun in topic:  # 职业技能培训一共涉及多少人: the project itself, whose figure is asked
            return True
        if question.measure in ("家次", "人次"):
            return True  # 检查了多少家次医疗机构: visits are counted, the places visited need not be named
        clauses = value_clauses(text, question.answer_type, question.measure, set(question.given))
        if noun != question.counted:
            return any(noun in clause or self.thesaurus_says(noun, clause) for clause in clauses)
        return any(
            self.counts_the_asked_thing(question, clause) or self.thesaurus_says(noun, clause) for clause in clauses
        )

    def answers_alone(self, question: Question, clause: str, after: str, topic: str) -> bool:
        """Does this one clause hold the value beside the subject (the part of a run worth quoting)?
        ``after`` is the clause that follows, which a date opening a sentence belongs to."""
        return holds_value(clause, question.answer_type, question.measure, set(question.given)) and (
            self._value_beside_subject(question, f"{clause}，{after}" if after else clause, topic)
        )

    @staticmethod
    def repeats_figures(question: Question, text: str) -> bool:
        """Does the passage repeat the question's figures with their words (8年以上, 5-8年)?"""
        # Ranges and spans qualify what is asked (5-8年, 8年以上); a count of another thing (督导检查194次) is context.
        phrases = _QUALIFYING_FIGURE.findall(question.asking)
        phrases = [p for p in phrases if p not in ("1", "1个")]
        text = text.replace(" ", "")
        return bool(phrases) and all(phrase in text for phrase in phrases)

    def _value_beside_subject(self, question: Question, text: str, topic: str, context: str = "") -> bool:
        """Some clause holding the value shares a telling character with the question (罚 of 罚了多少钱).

        整改问题56个 does not answer 腐败问题几个, though both hold a count in 个 and stand in one sentence.
        """
        # The subject's characters too: a follow-up (比上一年涨了多少) carries its subject from before.
        asked = {c for c in question.asking + "".join(question.subject) if "\u4e00" <= c <= "\u9fff"} - STOP_CHARACTERS
        if not asked or question.answer_type == "phone":  # a phone number is its own evidence (96110反诈热线)
            return True
        clauses = value_clauses(text, question.answer_type, question.measure, set(question.given))
        if question.answer_type == "count" and question.measure != GENERAL_MEASURE and len(clauses) == 1:
            return True  # 改造55个区块,…,涉及居民7327户: the one count in 户 belongs to the sentence's subject
        heads = _kinds_listed(question) if question.answer_type == "list" else []
        for head in heads:
            naming = [clause for clause in clauses if head in clause]
            if naming and all(_one_of_the_items(head, clause) for clause in naming):
                return False  # 哪几个菜场: 反诈公交、…、反诈菜场等12处反诈阵地 names the kind as one item of a list
        if question.given and any(question.given <= numbers_in(clause) for clause in clauses):
            return True  # 5-8年的家庭为217户 answers 5-8年未安置的有多少户 by the figures it repeats
        if any(self.counts_the_asked_thing(question, clause) for clause in clauses):
            return True  # 发现并整改问题36个 answers 查出来多少问题 by the thing it counts
        if question.answer_type == "list":
            # 立案的那5件分别是哪几家: an enumeration of something else (各市场监管所、白泉分局) does not answer;
            # nor does one of other things than those asked (反诈公交是哪几路车: 反诈公交、警银反诈驿站 are not buses).
            words = [w for w in question.subject if not self._names_topic(w, topic)]
            return (not words or any(self._speaks_of(w, clause) for clause in clauses for w in words)) and all(
                any(head in clause for clause in clauses)
                for head in heads  # 机构 of 培训机构, 岛 of 哪几个岛
            )
        if question.answer_type == "date":
            clauses = dated_clauses(text)  # 2023年6月底，定海区医疗急救站正式挂牌: a time opens the clause it dates
        if question.answer_type == "change" and context:
            # 满意度总分88.16，较去年提升3.09分: a move is told of what the clause before it names, and of
            # nothing else (全省排名41，较去年提升27名 is no move of the 全市 ranking).
            clauses = [a + b for a, b in pairwise(["", *clauses_of(context)]) if b in clauses]
            asked_levels = {level for level in LEVELS if level in question.asking}
            if asked_levels:
                clauses = [
                    c
                    for c in clauses
                    if asked_levels & {lv for lv in LEVELS if lv in c} or not any(lv in c for lv in LEVELS)
                ]
            # 往前进了多少名, 便宜了多少: the way a figure moved, said in other words than the bulletin's.
            return any(asked & set(clause) or ways_moved(question.asking) & ways_moved(clause) for clause in clauses)
        return any(asked & set(clause) for clause in clauses)
