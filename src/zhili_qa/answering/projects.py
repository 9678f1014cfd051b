"""Which projects a question names: by topic, by lead department, or by a property several share.

食堂和菜篮子分别是谁牵头的 names two projects; 区卫健局牵头了哪几个 names a department;
哪些项目成立了工作专班 asks every project for a property. Each is answered per project, one cited
line each, so that no project of several is silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

import jieba

from ..corpus import Corpus, Project, Span
from ..figures import long_figures, numbers_in
from ..text import Thesaurus, Tokenizer, department_aliases
from .intent import ORDINAL
from .scope import ScopeGuard
from .subject import STOP_CHARACTERS

# 市场监管局定海分局: a bureau's district branch is one department, not two.
_DEPARTMENT_PHRASE = re.compile(r"[\u4e00-\u9fff“”]{2,14}?(?:分局|局|办公室)(?:[\u4e00-\u9fff]{2,4}?分局)?")
MIN_DEPARTMENT_TAIL = 3
_OTHER_LEVEL = "(?<![省国])"  # 省市场监管局 is the province's bureau, which leads none of the district's projects
# Words that join or compare several things: 和, 与, 分别, 哪个多, 两个.
# Words that belong to asking for a property of every project, not to the property itself.
_ASKING_PROJECTS = ("项目", "专项治理", "专项", "治理")
SEVERAL = re.compile(
    r"和|与|跟|及|、|以及|还有|分别|各|哪个[\u4e00-\u9fff]{0,6}?(?:更)?(?:多|少|高|低|大|早)|对比|比较|相比"
)
# What a question asks for names no project, though one project's text may be the only one using it (地址).
_ASKED_NOUNS = frozenset("地址 电话 号码 名字 名称 时间 日期 价格 费用 金额 位置 地点 人数 次数 数量".split())
NAMED_CACHE = 4096  # texts whose named projects are kept
TITLE_WORD_LONGEST = 6  # characters of the longest title piece looked for in questions
COMMON_WORD = 1000  # jieba's frequency from which a word is everyday language, whatever project uses it
_JOINERS = re.compile(r"和|与|跟|及|、|以及|还有")
NUMERAL_START = re.compile(r"^[\d零〇一二两三四五六七八九十百千万几]")


_ASKING_VERBS = frozenset("比较 对比 比一比 请问 看看 说说 介绍".split())  # 请比较X与Y…: X asks nothing of its own


class ProjectFinder:
    def __init__(self, corpus: Corpus, tokenizer: Tokenizer, thesaurus: Thesaurus, scope: ScopeGuard) -> None:
        self.corpus = corpus
        self.tokenizer = tokenizer
        self.thesaurus = thesaurus
        self.scope = scope
        self.projects = [p for p in corpus.projects if p.number]
        self._leads = list(dict.fromkeys(p.lead for p in self.projects))
        # Asked of the question and of each of its words, often more than once per question.
        self.named = lru_cache(maxsize=NAMED_CACHE)(self.named)
        self._aliases = [alias for lead in self._leads for alias in department_aliases(lead)]
        self._lead_tokens = {t for lead in self._leads for t in tokenizer.tokens(lead)}
        # A piece of one title that no other title and no other project's text holds (食堂, 口腔种植,
        # 村经济合作社) names that project wherever it stands in a question.
        texts = {p.number: " ".join(u.text for u in p.units if u.kind == "field") for p in self.projects}
        self._title_words: dict[str, Project] = {}
        for project in self.projects:
            topic = project.topic.replace("“", "").replace("”", "")
            for size in range(TITLE_WORD_LONGEST, 1, -1):
                for start in range(len(topic) - size + 1):
                    piece = topic[start : start + size]
                    if any(piece in texts[n] for n in texts if n != project.number) or piece in self.scope.generic:
                        continue
                    self._title_words.setdefault(piece, project)

    def _numbered(self, text: str) -> list[tuple[int, Project]]:
        by_number = {p.number: p for p in reversed(self.projects)}
        return [(m.start(), by_number[int(m.group(1))]) for m in ORDINAL.finditer(text) if int(m.group(1)) in by_number]

    def numbered(self, text: str) -> set[tuple[str, int]] | None:
        """第3项, 第9个治理项目: the projects the question names by number (None: none so named)."""
        return {(p.doc, p.number) for _, p in self._numbered(text)} or None

    def departments_in(self, text: str) -> list[str]:
        """Department names in the question, as the bulletin writes them or by a shared tail (定海分局)."""
        found = [alias for alias in self._aliases if re.search(f"{_OTHER_LEVEL}{re.escape(alias)}", text)]
        for phrase in _DEPARTMENT_PHRASE.findall(text.replace("的", "")):  # 在定海的分局: 定海分局
            tails = (phrase[i:] for i in range(len(phrase) - MIN_DEPARTMENT_TAIL + 1))
            tail = next((tail for tail in tails if any(tail in lead for lead in self._leads)), "")
            if tail and re.search(f"{_OTHER_LEVEL}{re.escape(tail)}$", phrase):
                found.append(tail)
        # Keep the longest names: 区卫健局 rather than 卫健局 inside it.
        return [a for a in dict.fromkeys(found) if not any(a != b and a in b for b in found)]

    def led_by(self, department: str) -> list[Project]:
        return [p for p in self.projects if department in p.lead]

    def mentions_project(self, words: tuple[str, ...]) -> bool:
        """Do the question's subject words name a project's topic (beyond its lead department)?"""
        return any(self.scope.is_specific(t) for t in set(words) - self._lead_tokens - self.scope.generic)

    def named(self, text: str, by_nouns: bool = True) -> tuple[Project, ...]:
        """Projects the question names, in the order it names them: by a piece of a title (食堂, 口腔种植), a
        citizen word for one (种牙, 旧改), or (``by_nouns``) a noun only that project's text uses (罚没款, 膳管会)."""
        found: dict[int, tuple[int, Project]] = {}  # number -> (first position, project)
        words = self.tokenizer.jieba.lcut(text, HMM=False)

        def add(position: int, project: Project | None) -> None:
            if project is not None and (project.number not in found or position < found[project.number][0]):
                found[project.number] = (position, project)

        for position, project in self._numbered(text):
            add(position, project)
        for piece, project in self._title_words.items():
            if piece in text:  # 菜篮子 names its project, though its department's name holds it too
                add(text.find(piece), project)
        position = 0
        for pair in self.tokenizer.pos.cut(text) if by_nouns else ():
            word, position = pair.word, position + len(pair.word)
            if (
                word in self._lead_tokens
                or word in self.scope.generic
                or word in _ASKED_NOUNS
                or NUMERAL_START.match(word)
            ):
                continue
            if (
                pair.flag.startswith("n")
                and len(word) >= 2
                and self.scope.project_frequency.get(word) == 1
                and everyday_frequency(word) < COMMON_WORD  # 医院 names no project, 膳管会 does
            ):
                doc, number = next(iter(self.scope.token_projects[word]))
                add(position - len(word), self.corpus.document(doc).project(number) if number else None)
        for colloquial, terms in self.thesaurus.matches(text):
            if len(colloquial) > 2 and not _whole_words(colloquial, words):
                continue  # 技能培训 inside 急救技能培训 names no vocational training
            for term in terms:
                for word in self.tokenizer.tokens(term):
                    add(text.lower().find(colloquial.lower()), self._title_words.get(word))
        return tuple(project for _, project in sorted(found.values(), key=lambda pair: pair[0]))

    def parts(self, text: str, projects: tuple[Project, ...]) -> dict[int, str]:
        """Each named project's part of the question: 加油站罚没款 | 技能培训追回的违规资金分别是多少.

        A part that only names its project (村社 in 村社和特困供养机构哪个检查的次数多) shares what the
        last part asks.
        """
        pieces = [p for p in _JOINERS.split(text) if p.strip()]
        own: dict[int, str] = {}
        for piece in pieces:
            for project in self.named(piece):
                if project in projects and project.number not in own:
                    own[project.number] = piece
        tail = pieces[-1] if pieces else text
        by_number = {p.number: p for p in projects}
        for number, piece in own.items():
            if piece is not tail and not self._asks_beyond_naming(piece, by_number[number]):
                own[number] = f"{piece} {tail}"
        return own

    def _asks_beyond_naming(self, piece: str, project: Project) -> bool:
        """Does the piece say more than its project's name (加油站罚没款 does; 村社 does not)?"""
        title = project.title
        for word in self.tokenizer.jieba.lcut(piece):
            if len(word) < 2 and word not in STOP_CHARACTERS and word not in title and "\u4e00" <= word <= "\u9fff":
                return True  # 加油站罚的钱: 罚 and 钱 ask of it
            if len(word) < 2 or word in self.scope.generic or word in _ASKING_VERBS:
                continue
            in_title = 3 * sum(c in title for c in word) >= 2 * len(word)
            citizen_word = any(word == c and any(t in title for t in terms) for c, terms in self.thesaurus.entries)
            if not (in_title or citizen_word):
                return True
        return False

    def several_named(self, text: str) -> tuple[Project, ...]:
        """Two or more projects, when the question joins or compares them (和, 分别, 哪个多)."""
        named = self.named(text)
        return named if len(named) >= 2 and SEVERAL.search(text) else ()

    def with_property(
        self, subject: tuple[str, ...], holds: Callable[[str], bool] = lambda _: True
    ) -> list[tuple[Project, Span]]:
        """Projects whose text holds every noun of the asked property (工作专班 of 哪些项目成立了工作专班),
        each with the shortest clause that says it and ``holds`` (the value asked: 培训的人次 needs 25人次)."""
        tags = {pair.word: pair.flag for word in subject for pair in self.tokenizer.pos.cut(word)}
        words = [
            w
            for w in subject
            if w not in _ASKING_PROJECTS and tags.get(w, "n").startswith("n") and self.scope.in_corpus(w)
        ]
        if not words:
            return []
        found = []
        for project in self.corpus.projects:
            if not project.number:
                continue
            holding = [
                u
                for u in project.units
                if u.kind in ("clause", "sentence") and all(w in u.text for w in words) and holds(u.text)
            ]
            clause = min(holding, key=lambda u: len(u.text), default=None)  # the shortest that says it
            if clause is not None:
                found.append((project, clause))
        return found

    def stating(self, figures: frozenset[str], digits: int) -> set[tuple[str, int]] | None:
        """96110是什么电话: the projects whose text states a long figure the question gives (None: no such figure)."""
        long = long_figures(figures, digits)
        if not long:
            return None
        keys = {(p.doc, p.number) for p in self.corpus.projects if long <= numbers_in(p.text)}
        return keys or None


def _whole_words(phrase: str, words: list[str]) -> bool:
    """Is the phrase made of whole words of the cut text (not the tail of one and the head of the next)?"""
    position, bounds = 0, {0}
    for word in words:
        position += len(word)
        bounds.add(position)
    text = "".join(words)
    start = text.find(phrase)
    while start >= 0:
        if start in bounds and start + len(phrase) in bounds:
            return True
        start = text.find(phrase, start + 1)
    return not phrase.strip() or phrase.isascii()


@cache
def everyday_frequency(word: str) -> int:
    """How common a word is in jieba's own dictionary (without the corpus terms the tokenizer adds)."""
    jieba.dt.check_initialized()
    return jieba.dt.FREQ.get(word, 0)
