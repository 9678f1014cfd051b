"""Question analysis: what a question asks for, about what, where and when.

From the typed text (and nothing else) it reads the expected answer type (a sum of money, a count in
家 or 户, a rate, a rank, a date, a department, a phone number, a name, a list, yes/no, a goal, an
overview), the asked subject's words, the places and years named, and whether the question wants a
per-unit figure (每家, 一颗, 最多的一家). The answer check later holds a clause against all of it.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass

from ..figures import arabic_numerals, numbers_in
from ..text import STOPWORDS, Homophones, Thesaurus, Tokenizer, dictionary_tag, normalize
from .english import gloss, is_english, names_written_back
from .intent import (
    ACTUALLY_Q,
    ASKS_HOW_MUCH,
    BARE_COUNT,
    CONFIRM_Q,
    MEASURE,
    MONEY_Q,
    OFFERED_Q,
    ORDINAL,
    PER_UNIT_Q,
    Intent,
    answer_type,
    detect_intent,
)
from .message import (
    CLAUSES,
    HOW_MANY,
    POINTS_TO_STORY_PLACE,
    QUESTION_WORD,
    asking_part,
    sentence_asking,
    stated_clauses,
    without_pleasantries,
    without_story,
)
from .places import Place, Places, years_asked
from .scope import GENERIC_NOUNS

_ASKING = frozenset(
    "多少 几 几个 多少钱 什么 什么样 怎么 怎样 如何 哪些 哪个 哪几 哪家 哪里 哪儿 啥 咋 吗 呢 啊 呀 吧 么 伐 "
    "是不是 有没有 是否 了没 没有 一共 总共 共 累计 大概 大约 现在 目前 到底 究竟 具体 分别 都 一下 请问 想 问问 "
    "知道 告诉 了解 一些 这个 那个 这些 那些 那 这 它 他们 它们 她们 其中 我 你 我们 你们 阿拉 人家 政府 区里 "
    "时候 时间 什么时候 辰光 啥辰光 号码 名字 名称 全称 叫 叫什么 谁 排 第几 老几 情况 问题 事 事情 这块 那块 方面 "
    "搞 弄 做 干 办 管 有人 有人管 人管 有 是 在 能 会 要 去 来 给 得 得了 到 了 那边 这边 那里 这里 "
    "牵头 负责 主管 管不管 怎么办 有没有人 去年 今年 明年 上年 上一年 前年 往年 现在 目前 最新 以前 之前 单位 部门 这次 本次 这回 此次 整个 便宜 贵 另外 此外 以及 实际 大家 我们 咱们 老百姓 是在 成果 成效 效果 进展 工作 措施 举措 办法 做法 方式 途径 渠道 手段 介绍 概况 "
    "取得 想要 达到 实现 计划 要达到 目标 目的 那种 这种 那样 这样 那么 这么 那块儿 这块儿 "
    "钞票 块钱 题目 标题 比例 一点 时间段 时间点 到底 期间 当时 过程中 后来 前后 那次 一直 一句 各自 达成 "
    "老娘 老妈 我妈 我爸 老爸 老公 老婆 爸妈 父母 儿子 女儿 小孩 孩子 娃 老人家 家里人 家人 亲戚 邻居 同事 "
    "阿婆 阿公 奶奶 爷爷 外婆 外公 孙子 孙女 外孙 外孙女 孙儿 形式 类型 种类 "
    "以上 以下 以内 下来 出来 起来 "
    "我家 我们家 事儿 这事 那事 原本 本来 原来 当初 最初 金额 数额 数目 总数 总额 数字 数量".split()
)


_ASKING_PART = re.compile(
    r"几|多少|百分|什么|怎么|哪|啥|以后|之后|以来|有没有|是不是|\d|^最|^[次人户家件项]数$"
    r"|^[一二两三四五六七八九十]+[个项家次件名位]$"  # 两个, 三项: counting words, not a subject
    r"|^更?[多少高低大小早晚快慢][一]?[点些]?$"  # 哪个多一点: the comparison, not a subject
)


# 这两项, 那几个, 三四年: pointing at things already named or guessing, not naming anything.
_POINTING_COUNT = re.compile(r"[这那]?(?:\d+|[两几一二三四五六七八九十]+)(?:项|个|件|家|次|位|样|年|月|天|户|人)?")
_COMPARED = re.compile(r"哪(?:个|一?项)(?:项目|专项|治理)?((?:(?!的)[\u4e00-\u9fff]){2,4}?)的?(?:次|人|户|家|件|项)数")
_NUMBER_OF = re.compile(r"(?P<what>[\u4e00-\u9fff]{0,6}?)的?(?:数量|数目)")  # 整改的问题数量: as 多少问题 asks
_ASIDE = re.compile(r"[（(](?:并|或|及|以及|包括|含|即|也就是)[^()（）]{1,20}[)）]")
_VERSUS = re.compile(r"\s*(?<![A-Za-z])(?:vs|VS|Vs|v\.s)\.?(?![A-Za-z])\s*")
_THAT_YEAR = re.compile(r"那年|那一年|当年|同年|那时候?")
_YEARS = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年")
# 12个专项治理加起来…: a count of the bulletin's projects describes the whole, it qualifies nothing asked.
_PROJECT_COUNT = re.compile(r"\d+\s*(?:个|项)\s*(?:专项|治理|项目)")
# X里/中，Y的有多少: a part of a whole (a place said colloquially, 村里财务, is no whole).
_PART_OF = re.compile(
    r"(?P<whole>[^，,。？?\s]{2,20}?)(?:里面|(?<![村镇乡家店城区市县])里|当中|之中|其中|中(?=[，,\s]))[，,\s]*(?:因为?|由于)?(?P<part>[^，,。？?]{2,14}?)的?(?:有|占|是)?"
    + HOW_MANY
    # 5-8年的217户，有多少户是用宅基地方式安置的: a part of a figure the question states
    + r"|(?P<whole2>\d+[^，,。？?\s]{0,3}|[^，,。？?\s]{2,20}?(?:里面|里|当中|之中|其中|(?<=[员人者户家])中))[，,\s]*(?:其中)?有?"
    + HOW_MANY
    + r"[^，,。？?]{0,2}(?:是|为|属于|被)(?P<part2>[^，,。？?]{2,14})"
    # 其中最后被判刑的有多少人: a part of the whole the answer before gave, which the question does not name.
    + r"|^(?:那|那么)?(?:其中|这里面|那里面|这当中|这些[^，,。？?\d]{0,3}?里)[，,\s]*(?P<part3>[^，,。？?]{2,14}?)的?(?:有|占|是)?"
    + HOW_MANY
)
# 不是追回来的那个, 不要增长率: what the asker says is not asked (not 是不是, 要不要, nor 不是搞过培训吗, which
# recalls a fact).
SET_ASIDE = re.compile(
    r"(?:(?<![是要])不是|(?<!要)不要|不算|不含|不包括|并非)(?![^，,。？?！!]*[吗嘛么])(?P<what>[\u4e00-\u9fff]{2,8}?)"
    r"(?:的|这种|那种|那个|(?=[，,。？?！!\s)）]|$))"
)
_LOCATOR = re.compile(r"[^，,。？?\s“”]{1,10}?(?:里面|里|中|上)(?:提到|说到|讲到|提及|写到|说|写)的")
_FIELD_WORDS = ("目标", "成果", "成效")
_PROJECT_WORDS = ("专项治理", "专项")  # 电信网络诈骗专项治理中，…的数量: the project is asked of, no whole of it
_PROJECTS = re.compile(r"[两几二三四五]项(?:专项治理|治理|专项|项目)?$")  # 卫健局牵头的两项治理里，口腔种植那项…
_THE_BULLETIN = frozenset("公告 通报 文件 公告上 上面 这上面 专项治理 专项 治理 这次专项治理 治理成果".split())
_ROUGH_ASK = re.compile(r"\d+几|几十|几百")
# 一百二十多万，具体是多少: a figure the asker heard roughly, which the exact one (124.839742万元) rounds to.
_ROUGH_STATED = re.compile(r"(\d+)\s*(?:多|余|来)(?![少久])")
# A year said by its last two digits, where a question opens or a clause does (23年老旧小区…).
_SHORT_YEAR = re.compile(r"(^|[，,。\s])([12]\d)年(?![代级以来内多前后底初中])")
# Inside a clause (就想问问23年…, …没安置的23年解决了…) two digits are a year only near the bulletin's own
# period, and not a span (住了15年, 近10年, 10年以上).
_SHORT_YEAR_INSIDE = re.compile(
    r"(?<![\d.\-~到至了达满近快超过有约共每第长])([12]\d)年(?![代级以来内多前后底初中间半])"
)
NEAR_PERIOD = 5  # years either side of the bulletin's period in which 23年 inside a clause means 2023
_COMPLEMENT = re.compile(r"(?:掉|完|好|出来|下来|起来|过来)$")
_RANGE = re.compile(r"(\d+)\s*(?:到|至|~|～|－)\s*(\d+)")  # 3到5年 as the bulletin writes it: 3-5年
_MORE_THAN = re.compile(r"(?:超过|多于|大于|高于)(\d+(?:\.\d+)?\s*[年月天个户人次家岁名项件]?)")
_LESS_THAN = re.compile(r"(?:不到|少于|小于|低于|不足)(\d+(?:\.\d+)?\s*[年月天个户人次家岁名项件]?)")
_NOUN_PHRASE_TAGS = ("n", "a", "b", "j", "l", "vn")  # 特困(a)老人(n), 违规(vn)资金(n)
_PEOPLE_NOUN = re.compile(r"(?:公务员|干部|人员|老人|学生|家长|居民|嫌疑人|护理员|监督员|民警)$")
_TIMES = frozenset("次 回 趟 遍 家次 人次".split())  # 食堂检查了几次 counts visits, not 食堂
_HOW_MANY = re.compile(r"(?:多少|几)(?:个|名|家|户|件|项|位)?$")
# 劝返回来几个, 处分了几个: acts done to people, whose 几个 counts people when no noun says what.
_ACTS_ON_PEOPLE = re.compile(r"劝返|劝回|逮捕|处分|问责|惩戒|入住|住进|救治")
_PEOPLE = re.compile(r"人员|人|者|名|老人|群众|居民|学生|家长|干部")


@dataclass(frozen=True)
class Question:
    text: str  # what the later stages read: normalised, numerals as digits, typos mended, English glossed
    typed: str  # normalised, as typed
    asking: str  # the part of ``text`` that asks (a long message's last clauses)
    intent: Intent
    answer_type: str
    measure: str  # the measure word of a count (家, 户, 人次); "" otherwise
    subject: tuple[str, ...]  # content words: what is asked about, question words removed
    places: tuple[Place, ...]  # places named that are not the bulletin's own district
    years: tuple[int, ...]
    per_unit: bool  # asks for one unit's figure (每家, 一颗, 最多的一家)
    given: frozenset[str]  # figures the question itself states
    rough: frozenset[str] = frozenset()  # those of them stated roughly (120 of 120多万)
    english: bool = False
    tags: tuple[tuple[str, str], ...] = ()  # jieba part-of-speech tag of each subject word
    counted: str = ""  # what 多少/几个 counts, when named after it (多少问题 -> 问题)
    part: tuple[str, ...] = ()  # words of a part asked of a whole (追回的违规资金里，公务员领取的有多少 -> 公务员 领取)
    set_aside: tuple[str, ...] = ()  # words of what the asker says is not asked (不是追回来的那个 -> 追回)
    earlier: str = ""  # the earlier question an elliptical one (那菜篮子那块呢) asks again

    @property
    def wants_value(self) -> bool:
        return self.answer_type not in ("organisation", "goal", "overview", "fact", "yes_no")


class QuestionReader:
    """Reads questions against one corpus's vocabulary, places and period."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        thesaurus: Thesaurus,
        homophones: Homophones,
        places: Places,
        period: int | None,
        campaigns: tuple[str, ...] = (),
    ) -> None:
        """``campaigns`` are the names of the whole campaign (漠视侵害群众利益), read as 整个 (the campaign as a whole)."""
        self.tokenizer = tokenizer
        self.thesaurus = thesaurus
        self.homophones = homophones
        self.places = places
        self.generic = places.generic
        self.period = period
        self._pos = tokenizer.pos
        names = "|".join(re.escape(name) for name in campaigns)
        self._campaign = re.compile(rf"(?:{names})(?:问题)?(?=[^，,。？?]{{0,3}}(?:专项|治理))") if names else None

    def prepare(self, question: str) -> str:
        """The text later stages read: English glossed into Chinese, numerals as digits, typos mended,
        超过8年 written as the bulletin writes it (8年以上)."""
        text = without_pleasantries(normalize(question))
        if is_english(text):
            text = gloss(text, self.thesaurus, lambda word: self.homophones.spelled(word) or self.places.spelled(word))
        else:
            # 食堂检查次数 vs 特困机构检查次数: two things set side by side, as 和 does.
            text = _VERSUS.sub("和", names_written_back(text, self.places.spelled))
        if self._campaign is not None:
            text = self._campaign.sub("整个", text)  # 这个漠视侵害群众利益专项治理是谁搞的: the campaign as a whole
        text = _RANGE.sub(r"\1-\2", self.homophones.mend(arabic_numerals(text)))
        text = _SHORT_YEAR.sub(r"\g<1>20\2年", text)  # 23年老旧小区改了多少幢: the year 2023
        text = _SHORT_YEAR_INSIDE.sub(self._year_inside, text)
        return _MORE_THAN.sub(r"\1以上", _LESS_THAN.sub(r"\1以下", text))

    def _year_inside(self, short: re.Match) -> str:
        """23年 as 2023年 when that year is near the bulletin's period; else as typed (a span of years)."""
        year = 2000 + int(short.group(1))
        near = self.period is not None and abs(year - self.period) <= NEAR_PERIOD
        return f"{year}年" if near else short.group(0)

    def read(self, question: str) -> Question:
        typed = without_pleasantries(normalize(question))
        text = self.prepare(question)
        # An English question's gloss is a sentence of terms: the last that asks is read whole, not in
        # clauses (杭州 口腔种植 … 多少钱 keeps the place a story sentence named).
        glossed = [s for s in text.split("。") if QUESTION_WORD.search(s)] if is_english(typed) else []
        asking = glossed[-1].strip() if glossed else asking_part(text)
        # 反诈宣防里提到的“反诈阵地”: where the asker read of it says where to look, not what is asked.
        storyless = without_story(asking)
        # 检查发现（并推动整改）的问题: an aside in brackets qualifies loosely; its words are not all asked.
        about = _ASIDE.sub("", storyless) or storyless
        tagged = [(pair.word, pair.flag) for pair in self._pos.cut(_LOCATOR.sub("", about) or about)]
        intent = detect_intent(asking)
        # 哪个检查次数多 compares counts of 检查; 公务员…有几个人 counts 公务员.
        counted = counted_noun(tagged, self.generic) or next(iter(_COMPARED.findall(asking)), "")
        number_of = _NUMBER_OF.search(asking)
        if not intent.measures and (BARE_COUNT.search(asking) or number_of) and not MONEY_Q.search(asking):
            # 多少问题 counts things as 几个 does; 多少特困人员, 犯罪嫌疑人的数量 count people.
            people = _PEOPLE.search(counted) or (number_of and _PEOPLE.search(number_of.group("what")))
            intent = dataclasses.replace(intent, measures=("人",) if people else ("个",))
        elif intent.measures[:1] == ("个",) and (
            _PEOPLE.search(counted or _last_noun(tagged) or _head_after_count(tagged))
            or (not counted and _ACTS_ON_PEOPLE.search(asking))
        ):
            intent = dataclasses.replace(intent, measures=("人",))  # 多少个嫌疑人, 特困人员有几个, 劝回来几个: people
        if intent.measures[:1] in (("人",), ("名",)) and not counted:
            counted = next((w for w in reversed(subject_words(tagged, self.generic)) if _PEOPLE_NOUN.search(w)), "")
        kind = answer_type(asking, intent)
        stated = stated_clauses(text, asking)
        if ASKS_HOW_MUCH.search(asking):
            # 一共搞了几次，是不是九次: the figure offered is a guess at the one asked, not one the question states.
            stated = [c for c in stated if not OFFERED_Q.search(c)]
        # 二十几名 asks a figure (a rough one), it does not state one.
        given = _figures_stated(stated)
        if (
            given
            and kind not in ("organisation", "goal")
            and (CONFIRM_Q.search(asking) or (OFFERED_Q.search(asking) and not ASKS_HOW_MUCH.search(asking)))
        ):
            kind = "yes_no"  # 总费用控制在6000块左右，是真的吗: the figure is stated, its truth asked
        measures = [m for m in intent.measures if m != "分"]
        split = self._split_phrases(tagged)
        aside = self._set_aside(text)
        return Question(
            text=text,
            typed=typed,
            asking=asking,
            intent=intent,
            answer_type=kind,
            measure=measures[0] if kind in ("count", "change") and measures else "",
            subject=tuple(
                w
                for w in dict.fromkeys([*subject_words(tagged, self.generic), *(p for p, _ in split)])
                if w not in aside
            ),
            # Read from the part that asks: a story before it (我住在定海城区，每天都要去加油) asks nothing.
            places=self._places_asked(text, asking),
            years=self._years_asked(text, asking, storyless, kind == "date"),
            per_unit=bool(PER_UNIT_Q.search(asking)),
            # 一年, 一颗, 一套 name one of a thing, not a figure of the bulletin's, and a year is the year
            # check's to judge.
            given=given,
            rough=frozenset(_ROUGH_STATED.findall("，".join(stated))) & given,
            english=is_english(typed),
            tags=(*tagged, *split),
            counted=counted,
            part=self.part_asked(asking),
            set_aside=aside,
        )

    def _set_aside(self, text: str) -> tuple[str, ...]:
        """The words of what the asker sets aside anywhere in the message (…被骗了多少钱？不是挽回的)."""
        phrases = "，".join(m.group("what") for m in SET_ASIDE.finditer(text))
        return (
            subject_words([(pair.word, pair.flag) for pair in self._pos.cut(phrases)], self.generic) if phrases else ()
        )

    def _split_phrases(self, tagged: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The citizen phrases jieba cut into single characters (拦了 of 一年拦了多少人, the thesaurus's word for
        劝阻), each with the tag of its first character: what is asked about, though no word of the cut holds it."""
        text, starts = "", []
        for word, _ in tagged:
            starts.append(len(text))
            text += word
        split = []
        for phrase, _ in self.thesaurus.matches(text):
            at = text.find(phrase)
            cut = [
                i for i, (word, _) in enumerate(tagged) if starts[i] < at + len(phrase) and starts[i] + len(word) > at
            ]
            if len(phrase) >= 2 and not phrase.isascii() and all(len(tagged[i][0]) == 1 for i in cut):
                split.append((phrase, tagged[cut[0]][1]))
        return split

    def _years_asked(self, text: str, asking: str, storyless: str, asks_a_date: bool) -> tuple[int, ...]:
        """Years named where the question asks, else in the sentence it asks in (2022年那时候，…多少次)."""
        # 阿拉孙子明年读初中，食堂…检查了几次: a year in the asker's story, in a clause of its own, is not asked
        # (unless the question points back at it: 我2022年被骗过，那年追回了多少).
        about = asking if _THAT_YEAR.search(asking) else storyless
        return years_asked(about, self.period, asks_a_date) or years_asked(
            sentence_asking(text, asking), self.period, asks_a_date
        )

    def _places_asked(self, text: str, asking: str) -> tuple[Place, ...]:
        """Other places than the district, and places inside it named where the question asks (马岙街道的急救点
        什么时候建好), not in a story before (我住在长峙岛，…改造了多少户)."""
        other = [p for p in self.places.named_in(asking) if not self.places.is_home(p)]
        asking_clauses = "，".join(c for c in CLAUSES.findall(asking) if QUESTION_WORD.search(c))
        # 我外婆在小沙，她们村回迁啥时候能安置好: the asking clause points back at the story's place.
        where = text if POINTS_TO_STORY_PLACE.search(asking_clauses) else asking_clauses
        return (*other, *self.places.local_named_in(where))

    def part_asked(self, asking: str) -> tuple[str, ...]:
        """The words that single out a part of a whole the question names (X里/中，Y的有多少)."""
        match = _PART_OF.search(asking)
        named = (match.group("whole") or "") if match else ""
        if (
            not match
            or named in _THE_BULLETIN
            or named.endswith(_FIELD_WORDS + _PROJECT_WORDS)
            or _PROJECTS.search(named)
        ):
            # 公告里反诈那块…挽回了多少: the bulletin is no whole of which a part is asked, nor is a field of it
            # (口腔种植的目标里三甲医院单颗上限是多少 says where to look).
            return ()
        whole = set(self.tokenizer.tokens(match.group("whole") or match.group("whole2") or ""))
        # Nouns (公务员) and attributes (超龄) single out a part; verbs (涉及, 领取) say what is asked of the whole
        # named, but single out the part of one left unnamed (判刑 of 其中被判刑的).
        tags = ("n", "b") if match.group("part3") is None else ("n", "b", "v", "a")
        return tuple(
            pair.word
            for pair in self._pos.cut(match.group("part") or match.group("part2") or match.group("part3"))
            if pair.flag.startswith(tags)
            and pair.word not in whole
            and len(pair.word) >= 2
            and pair.word not in _ASKING
        )


def _figures_stated(clauses: list[str]) -> frozenset[str]:
    """The figures these clauses state, less years, ordinals, rough asks (二十几名) and counts of projects."""
    text = "，".join(clauses)
    for pattern in (_YEARS, ORDINAL, _ROUGH_ASK, _PROJECT_COUNT):
        text = pattern.sub("", text)
    return frozenset(numbers_in(text)) - {"1"}


def subject_words(tagged: list[tuple[str, str]], generic: frozenset[str] = GENERIC_NOUNS) -> tuple[str, ...]:
    """Content words of the question: what is asked about, with question and counting words removed, and
    verbs without their result complement (解决掉 -> 解决, 查出来 -> 查出)."""
    words = [
        _COMPLEMENT.sub("", word) if flag.startswith("v") and len(_COMPLEMENT.sub("", word)) >= 2 else word
        for word, flag in tagged
        if len(word) >= 2
        and not flag.startswith("c")  # 还是, 或者, 而且: joining words, never what is asked about
        and word not in _ASKING
        and word not in STOPWORDS
        and word not in generic
        and not _ASKING_PART.search(word)
        and not MEASURE.fullmatch("多少" + word)
        and not _POINTING_COUNT.fullmatch(word)
    ]
    return tuple(dict.fromkeys(words))


def counted_noun(tagged: list[tuple[str, str]], generic: frozenset[str] = GENERIC_NOUNS) -> str:
    """What 多少/几个 counts: the noun after the figure (多少问题 -> 问题, 多少特困人员 -> 特困人员), else the one
    the verb before it acts on (宣传视频一共拍了多少条 -> 宣传视频), unless it counts times (食堂检查了几次)."""
    for position, (word, _) in enumerate(tagged):
        # 那几个海岛…配送几次: 那几个 points at things named, it asks nothing.
        pointing = word.startswith(("那", "这")) or (position and tagged[position - 1][0] in ("那", "这"))
        if _HOW_MANY.search(word) and not pointing:
            following = tagged[position + 1 :]
            nouns = _counted_phrase(following)
            measure = following[0][0] if following and MEASURE.fullmatch("多少" + following[0][0]) else ""
            if nouns or not measure or measure in _TIMES:
                return "".join(nouns)
            noun = _object_before(tagged[:position], generic)
            return "" if noun.endswith(measure) else noun  # 回迁户…解决了多少户: the measure names it
    return ""


def _counted_phrase(following: list[tuple[str, str]]) -> list[str]:
    """The noun phrase a figure word counts (特困老人 of 多少特困老人); its head after 的 (问题 of 几个老百姓
    着急的问题)."""
    nouns: list[str] = []
    for i, (after, flag) in enumerate(following):
        if not nouns and MEASURE.fullmatch("多少" + after):
            continue  # 个 of 多少个问题, 家次 of 多少家次: how, not what, it counts
        if after == "的" and nouns:
            return _counted_phrase(following[i + 1 :]) or nouns
        # 特困(a)老人(n) is one thing counted; 标段(n)施工(vn) counts 标段.
        if not flag.startswith(_NOUN_PHRASE_TAGS) or (nouns and flag == "vn"):
            break
        nouns.append(after)
    return nouns


def _head_after_count(tagged: list[tuple[str, str]]) -> str:
    """The noun a count word is followed by, past what qualifies it (嫌疑人 of 抓了多少个搞电信诈骗的嫌疑人)."""
    after = list(itertools.dropwhile(lambda pair: not _HOW_MANY.search(pair[0]), tagged))[1:]
    words = [word for word, _ in after]
    head = after[words.index("的") + 1 :] if "的" in words else after
    return next((word for word, flag in head if flag.startswith("n")), "")


def _last_noun(tagged: list[tuple[str, str]]) -> str:
    """The last noun before the question's figure word (特困人员 of 特困人员有几个)."""
    before = list(itertools.takewhile(lambda pair: not _HOW_MANY.search(pair[0]), tagged))
    nouns = [word for word, flag in before if flag.startswith("n")]
    # 特困人员住进定点供养机构的有几个: those that did it (…的) are counted as what did it, the first noun.
    if [word for word, _ in before[-2:]] in (["的", "有"], ["的", "是"]):
        return next(iter(nouns), "")
    return nouns[-1] if nouns else ""


def _object_before(tagged: list[tuple[str, str]], generic: frozenset[str]) -> str:
    """The noun phrase before the verb that precedes a figure (宣传视频 of 宣传视频一共拍了多少条)."""
    words = [(word, dictionary_tag(word, flag)) for word, flag in tagged]
    acted = False  # 回迁户有多少户 names what it counts by its measure; only a verb's object is taken
    while words and (not words[-1][1].startswith("n") or ACTUALLY_Q.fullmatch(words[-1][0])):  # 实际解决了多少户
        if words[-1][1].startswith(("v", "d", "u", "p")) or words[-1][0] in _ASKING:
            word, flag = words.pop()
            acted = acted or (flag.startswith("v") and word not in ("有", "是", "为", "共有"))
        else:
            return ""
    if not acted:
        return ""
    nouns = []
    while words and words[-1][1].startswith("n") and words[-1][0] not in generic:
        nouns.insert(0, words.pop()[0])
    return "".join(nouns)
