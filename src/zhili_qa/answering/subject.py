"""Is the asked subject there? How much of a question's subject a passage speaks of, word by word.

The answer check (check.py) builds on this: a value answers only beside the subject asked, and the
answering of one project (attempt.py) prefers the passing clause that speaks most of it. A word is
there when the passage holds it, the bulletin's term for it (送菜 as 订单配送), or most of its characters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache

from ..text import Thesaurus
from .question import Question

# A word counts in part from half its characters on (颗牙 in 单颗种植牙 wholly).
PARTIAL_SHARE = 0.5
NEARBY_SLACK = 3  # characters between those of a word partly there (单颗种植牙 holds 颗牙)
EVERYWHERE = 8  # projects (of the bulletin's 13 parts) from which a word is the bulletin's common stock
WORD_CACHE = 4096  # words and (word, topic) pairs whose thesaurus look-ups are kept
# Words the corpus never uses and jieba tags as verbs or adjectives (住进, 牵扯, 报销) are paraphrase more
# often than a missing fact, so they are not held against a passage; nouns it never uses (站长, 地址) are
# what near misses ask for, and count.
_PARAPHRASE_TAGS = ("v", "a", "d", "l", "i", "s", "t", "f")  # verbs, adjectives, set phrases, times and places
# Characters of asking and of counting, which say nothing of what is asked about.
STOP_CHARACTERS = frozenset(
    "的了吗呢吧啊呀是在有和与及或多少几个什么哪谁怎么样么啥咋请问一下共总都也还就被把给对从到为以等"
    "问题次家人名户件项元万亿年月日那这其里中一二三四五六七八九十百千最大小高低要能会去来得过区市县"
    "处所条起套类种批期份篇颗"
)


class SubjectMatch:
    def __init__(self, thesaurus: Thesaurus, word_projects: Callable[[str], int]) -> None:
        """``word_projects(word)`` tells in how many projects a word occurs (rarer words weigh more)."""
        self.thesaurus = thesaurus
        self._word_projects = word_projects
        # Per word, asked again for every clause tried: the thesaurus is read once for each.
        self._names_topic = lru_cache(maxsize=WORD_CACHE)(self._names_topic)
        self._terms_for = lru_cache(maxsize=WORD_CACHE)(self._terms_for)

    def names_a_detail(self, question: Question, text: str, topic: str) -> bool:
        """Does the question name something the project's text speaks of, beyond its topic (投诉 of
        那些投诉主要反映的是什么问题)? A what-question then asks of that, not of the project."""
        return any(word in text and not self._names_topic(word, topic) for word in question.subject)

    def unknown_nouns(self, question: Question) -> list[str]:
        """Subject nouns the bulletin never uses (水痘, 疫苗 of 水痘疫苗在哪打): what it cannot speak of."""
        return [w for w in question.subject if _tag_of(w, question.tags).startswith("n") and self.never_said(w)]

    def never_said(self, word: str) -> bool:
        """Does the bulletin never use the word, nor a term the thesaurus gives for it (判刑, 水痘)?"""
        return not self._word_projects(word) and not self._terms_for(word)

    def subject_leads_to_value(self, question: Question, text: str, topic: str) -> bool:
        """Does a subject word come before the first figure (组织检查加油站110家次, not 通过11次……监督检查)?"""
        figure = re.search(r"\d", text)
        if figure is None:
            return False
        words = [w for w in question.subject if not self._names_topic(w, topic)]
        return any(0 <= text.find(w) < figure.start() for w in words)

    def counts_the_asked_thing(self, question: Question, text: str) -> bool:
        """发现并整改问题36个 counts what 查出来多少问题 (or 毛病, the thesaurus says) asks about; 32所中小学完成
        自纠自查 does not."""
        return bool(question.counted) and (
            question.counted in text
            or self.thesaurus_says(question.counted, text)
            or (
                _covered(question.counted, text)
                and (
                    len(question.counted) > 2  # 特困老人 ~ 特困人员; 项目 is not 项 and 目
                )
            )
        )

    @staticmethod
    def shared_characters(question: Question, text: str, topic: str = "") -> int:
        """How many telling characters of the question, beyond the project's topic, the text holds (选 of
        一共选了几个问题)."""
        asked = {c for c in question.asking if "\u4e00" <= c <= "\u9fff"} - STOP_CHARACTERS - set(topic)
        return len(asked & set(text))

    def words_in(self, question: Question, text: str, topic: str) -> int:
        """How many of the question's subject words (beyond the topic) the text holds whole, or in the
        bulletin's term for them (送菜 as 订单配送)."""
        return sum(
            w in text or self.thesaurus_says(w, text) for w in question.subject if not self._names_topic(w, topic)
        )

    def subject_coverage(self, question: Question, context: str, topic: str) -> float:
        """Weighted share of the question's subject words (beyond the project's topic) the passage holds.

        Rarer words weigh more; a word partly there (颗牙 in 单颗种植牙) counts by the share of its
        characters there.
        """
        # An English question's gloss keeps as typed only the words the bulletin has no term for (best hotpot),
        # which are asked; an acronym in a Chinese one (GDP) is asked, other Latin words (deadline) say again
        # what the Chinese says.
        words = [
            w
            for w in question.subject
            if not self._names_topic(w, topic) and not (w.isascii() and not question.english and not w.isupper())
        ]
        if not words:
            return 1.0
        weights = {
            word: 1.0 / math.sqrt(1 + self._word_projects(word))
            for word in words
            if (
                self._word_projects(word)
                or not _tag_of(word, question.tags).startswith(_PARAPHRASE_TAGS)
                or self.thesaurus_says(word, context)
            )  # a paraphrase the passage answers to (国外: 境外) counts
            and self._word_projects(word) < EVERYWHERE  # 组织, 检查: in most projects, they tell none apart
        }
        if not weights:
            return 1.0  # only verbs the bulletin never uses (查出来, 要花): nothing to hold it to
        covered = sum(weight * self._speaks_of(word, context) for word, weight in weights.items())
        return covered / sum(weights.values())

    def _names_topic(self, word: str, topic: str) -> bool:
        """敬老院 names 特困供养机构: a word of the title, or a citizen word for one."""
        return _covered(word, topic) or any(
            word in colloquial and any(term in topic for term in terms) for colloquial, terms in self.thesaurus.entries
        )

    def _speaks_of(self, word: str, text: str) -> float:
        """1 when the passage holds the word or the bulletin term it stands for; else less, by its characters there."""
        if word in text or self.thesaurus_says(word, text):
            return 1.0
        share = _nearby_share(word, text) if len(word) >= 2 else 0.0
        return share if share >= PARTIAL_SHARE else 0.0  # 人 alone says little of 犯罪嫌疑人

    def thesaurus_says(self, word: str, text: str) -> bool:
        """Does the text hold a bulletin term the citizen word stands for (劝阻 of 拦了)?"""
        return any(term in text for term in self._terms_for(word))

    def _terms_for(self, word: str) -> tuple[str, ...]:
        """The bulletin terms a citizen word (or one it holds) stands for."""
        return tuple(
            term
            for colloquial, terms in self.thesaurus.entries
            if colloquial == word or (len(colloquial) >= 2 and colloquial in word)
            for term in terms
        )


def _nearby_share(word: str, text: str) -> float:
    """The share of the word's characters found close together in the text (颗牙 in 单颗种植牙), not scattered
    over it (生产总值: 生 of 生态, 总 of 总分)."""
    reach = len(word) + NEARBY_SLACK
    windows = [text[i : i + reach] for i in range(max(len(text) - reach, 0) + 1)]
    return max((sum(c in window for c in word) / len(word) for window in windows), default=0.0)


def _tag_of(word: str, tags: tuple[tuple[str, str], ...]) -> str:
    """jieba's tag for a subject word (解决 of 解决掉 takes the tag of the word it was cut from)."""
    return next((flag for typed, flag in tags if typed.startswith(word)), "n")


def _covered(word: str, text: str) -> bool:
    """The word, or (村社 in 村经济合作社) all its characters of two, or two thirds of a longer one."""
    held = sum(c in text for c in word)
    return word in text or (len(word) == 2 and held == 2) or (len(word) >= 3 and 3 * held >= 2 * len(word))
