"""Is a question something the bulletin can answer? Refusing beats answering beside the point.

Checks, cheapest first: no words at all; markup or an attempt to instruct the assistant; a request
for another kind of task (a poem, a ticket, the weather); a topic noun the bulletin never mentions
with nothing specific to anchor it; and finally no specific word, thesaurus hit or close dense match
at all. Another place or year is the answer check's to judge (check.py), clause by clause.
"""

from __future__ import annotations

import re
from collections import Counter

from ..corpus import Corpus
from ..retrieve import Query, Ranking
from ..text import STOPWORDS, Thesaurus, Tokenizer, department_aliases, dictionary_tag, has_words
from .intent import LEVELS
from .message import asking_part, without_story

MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript:|on\w+\s*=", re.IGNORECASE)
INJECTION = re.compile(
    r"忽略(?:以上|之前|前面|上述|所有|你的)|无视(?:以上|之前|前面|你的)|(?:系统|system)\s*(?:提示|prompt)|你现在是|扮演|越狱|"
    r"ignore (?:all |the |your )?(?:previous|above|prior)|disregard (?:all |the )?(?:previous|above)|jailbreak|"
    r"you are now|act as",
    re.IGNORECASE,
)
# Requests for another kind of task: whatever topic words they contain, the bulletin cannot do them.
_OTHER_TASK = re.compile(
    r"写一首|写首|作诗|写诗|讲个笑话|讲笑话|笑话|讲个故事|讲故事|翻译|写代码|编程|订(?:机票|车票|酒店|票)|买票|天气|股市|股票|"
    r"彩票|算命|星座|菜谱|写作文|写一篇|写篇|唱歌|下雨|下雪|气温|天气预报|挂号|预约|办证|缴费|签证|办护照|"
    r"怎么办理|如何办理|怎样办理|去哪办|哪里办|在哪办|备案|补办|报名|怎么申请|如何申请|申请条件|需要什么条件|什么手续|办事流程"
)
# The asker's own records (我医保卡里还剩多少钱, 查一下我的社保): a bulletin of results holds nobody's account.
_PERSONAL_RECORD = re.compile(
    r"(?:我|我家|我们家|本人)的?[\u4e00-\u9fff]{0,4}?(?:卡里|卡上|账户|帐户|余额|社保|公积金|医保卡|退休金|养老金|快递|订单|密码|积分|工资)"
    r"|查(?:一下|一查|查)?我(?:的|家)"
)
GREETING = re.compile(
    r"^(?:你好|您好|嗨|哈喽|hello|hi|hey|在吗|在不在|有人吗|谢谢|谢谢你|多谢|感谢|辛苦了|再见|拜拜|早上好|中午好|晚上好|"
    r"你是谁|你们是谁|你能做什么|你会什么|你能回答什么|怎么用|如何使用)"
    r"[\s呀啊吗呢哦!！。.～~]*$",
    re.IGNORECASE,
)
# The bulletin as a whole rather than one project: 公告讲了什么, 一共有哪些项目.
# 公告讲了什么 asks of the whole; 厨余垃圾桶多久收一次？公告里有没有说 asks whether it says one thing.
WHOLE_BULLETIN = re.compile(
    r"(?:哪些|哪几个|几个|多少个?|什么)(?:专项治理|治理)?项目|(?:哪些|哪几个|哪几项)(?:专项|治理)|(?:公告|通报)[^，。？?]{0,4}(?<!有没有)(?<!是否)(?:讲|说|写|介绍|公布|包括)"
    r"|(?:公告|通报)的?(?:主要)?内容"
)
# Nouns that belong to asking, not to a topic: their absence from the bulletin proves nothing.
GENERIC_NOUNS = frozenset(
    [
        "政府",
        "部门",
        "单位",
        "老百姓",
        "百姓",
        "群众",
        "市民",
        "居民",
        "大家",
        "大伙",
        "大伙儿",
        "人家",
        "家庭",
        "人员",
        "人",
        "钱",
        "事",
        "事情",
        "东西",
        "地方",
        "情况",
        "时候",
        "问题",
        "方面",
        "项目",
        "工作",
        "结果",
        "数据",
        "数字",
        "一块",
        "这块",
        "那块",
        "区里",
        "市里",
        "有关部门",
        "相关部门",
        "官方",
        "公告",
        "通报",
        "文件",
        "国家",
    ]
)
_NOUN_FLAGS = ("n", "s", "j", "l", "i")  # nouns, places, abbreviations, set phrases, idioms
MIN_DENSE_FOR_TOPIC = 0.86
_LOOKUP_NUMBER = re.compile(r"(?<![\d.])(?:\d+\.\d+|\d{3,})(?![\d.])")
SPECIFIC_PROJECTS = 3  # a word found in at most this many projects points at a topic


class ScopeGuard:
    def __init__(
        self, corpus: Corpus, tokenizer: Tokenizer, thesaurus: Thesaurus, generic: frozenset[str] = GENERIC_NOUNS
    ) -> None:
        """``generic``: nouns that point at no topic (问题, and the bulletin's district and city: Places.generic)."""
        self.corpus = corpus
        self.generic = generic
        self.tokenizer = tokenizer
        self.thesaurus = thesaurus
        self._all_text = "\n".join(d.text for d in corpus.documents)
        self._pos = tokenizer.pos
        self.token_projects = self._token_projects()
        self._project_texts = [project.text for project in corpus.projects]  # read for every question naming none
        self.project_frequency = Counter({token: len(keys) for token, keys in self.token_projects.items()})
        departments = {a for p in corpus.projects if p.number for a in department_aliases(p.lead)}
        # Thesaurus words that only name a department say who, not what: they anchor no topic.
        self._department_words = {c for c, terms in thesaurus.entries if set(terms) <= departments}

    def _token_projects(self) -> dict[str, set[tuple[str, int]]]:
        """Each token of the corpus -> the projects (document, number) whose text holds it."""
        projects: dict[str, set[tuple[str, int]]] = {}
        for project in self.corpus.projects:
            for unit in project.units:
                if unit.kind == "sentence":
                    for token in self.tokenizer.tokens(unit.text):
                        projects.setdefault(token, set()).add((project.doc, project.number))
        return projects

    def in_corpus(self, word: str) -> bool:
        return word in self._all_text

    def is_specific(self, token: str) -> bool:
        return 0 < self.project_frequency.get(token, 0) <= SPECIFIC_PROJECTS

    def names_no_topic(self, words: tuple[str, ...]) -> bool:
        """检查了多少次, 谁牵头的: every word of the question is one most projects use, so none points at a topic
        (a word the bulletin never uses, 常住人口, asks of something else: that is no question of which project)."""
        return all(
            sum(word in text for text in self._project_texts) > SPECIFIC_PROJECTS for word in words if len(word) >= 2
        )

    def refuses_outright(self, text: str) -> bool:
        """Questions refused before any retrieval: no words, markup, instructions, other tasks, personal records
        (the last two asked, not told of: 我最近在写一篇案例分析，…建立的是什么机制 asks of the bulletin)."""
        asking = without_story(asking_part(text))
        return (
            not has_words(text)
            or any(pattern.search(text) for pattern in (MARKUP, INJECTION))
            or any(pattern.search(asking) for pattern in (_OTHER_TASK, _PERSONAL_RECORD))
        )

    def on_topic(self, text: str, query: Query, ranking: Ranking) -> bool:
        """Enough evidence that the bulletin is about this question."""
        if any(number in self._all_text for number in _LOOKUP_NUMBER.findall(text)):
            return True  # 96110是什么, 7327户是哪个项目: a figure only the bulletin states
        if self._unanchored_unknown_noun(text):
            return False
        # Place names (定海, 舟山) are in every question about the district: they point at no topic.
        tokens = [t for t in query.tokens if t not in self.generic]
        # Zhoushan glossed as 舟山 全市 names a place and a level, no topic.
        expansions = [e for e in query.expansions if e not in self.generic and e not in LEVELS]
        if expansions or any(self.is_specific(t) for t in tokens):
            return True
        shared = [t for t in tokens if self.project_frequency.get(t, 0) > 0]
        return bool(shared) and ranking.dense_max >= MIN_DENSE_FOR_TOPIC

    def _unanchored_unknown_noun(self, text: str) -> bool:
        """A noun the bulletin never uses (公交线路, 门诊) and no specific noun or citizen word beside it."""
        colloquial = [c for c, _ in self.thesaurus.entries if c in text and c not in self._department_words]
        # 便宜, 贵: a word of price or quality anchors nothing (定海哪里换电瓶便宜 asks of 电瓶, which no project has).
        anchored = any(dictionary_tag(c, "n") not in ("a", "ad", "d") for c in colloquial)
        for colloquial_word in colloquial:
            if colloquial_word not in self._all_text:
                text = text.replace(colloquial_word, " ")
        unknown = False
        for pair in self._pos.cut(text):
            word, flag = pair.word, pair.flag
            if len(word) < 2 or not flag.startswith(_NOUN_FLAGS) or word in STOPWORDS or word in self.generic:
                continue
            if word not in self._all_text:
                unknown = True
            elif self.is_specific(word) or any(self.is_specific(t) for t in self.tokenizer.tokens(word)):
                anchored = True
        return unknown and not anchored
