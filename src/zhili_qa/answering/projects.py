"""Which projects a question names: by topic, by lead department, or by a property several share.

食堂和菜篮子分别是谁牵头的 names two projects; 区卫健局牵头了哪几个 names a department;
哪些项目成立了工作专班 asks every project for a property. Each is answered per project, one cited
line each, so that no project of several is silently dropped.
"""

from __future__ import annotations

import re

from ..corpus import Corpus, Project
from ..text import Thesaurus, Tokenizer, department_aliases
from .scope import GENERIC_NOUNS, ScopeGuard

_DEPARTMENT_PHRASE = re.compile(r"[\u4e00-\u9fff“”]{2,14}?(?:分局|局|办公室)")
MIN_DEPARTMENT_TAIL = 3
# Words that join or compare several things: 和, 与, 分别, 哪个多, 两个.
SEVERAL = re.compile(r"和|与|跟|及|、|以及|还有|分别|各|哪个(?:更)?(?:多|少|高|低|大|早)|对比|比较|相比")
_NUMERAL_START = re.compile(r"^[\d零〇一二两三四五六七八九十百千万几]")


class ProjectFinder:
    def __init__(self, corpus: Corpus, tokenizer: Tokenizer, thesaurus: Thesaurus, scope: ScopeGuard) -> None:
        self.corpus = corpus
        self.tokenizer = tokenizer
        self.thesaurus = thesaurus
        self.scope = scope
        self.projects = [p for p in corpus.projects if p.number]
        self._leads = list(dict.fromkeys(p.lead for p in self.projects))
        self._aliases = [alias for lead in self._leads for alias in department_aliases(lead)]
        self._lead_tokens = {t for lead in self._leads for t in tokenizer.tokens(lead)}
        titles = [tokenizer.tokens(p.title) for p in self.projects]
        # A title word found in one title only (食堂, 噪声, 加油机) names that project.
        self._title_words = {
            word: project
            for project, words in zip(self.projects, titles, strict=True)
            for word in words
            if len(word) >= 2
            and sum(word in other for other in titles) == 1
            and word not in GENERIC_NOUNS
            and scope.project_frequency.get(word, 0) <= 2  # 培训 stands in one title but in four projects' text
        }

    def departments_in(self, text: str) -> list[str]:
        """Department names in the question, as the bulletin writes them or by a shared tail (定海分局)."""
        found = [alias for alias in self._aliases if alias in text]
        for phrase in _DEPARTMENT_PHRASE.findall(text):
            tails = (phrase[i:] for i in range(len(phrase) - MIN_DEPARTMENT_TAIL + 1))
            found += [tail for tail in tails if any(tail in lead for lead in self._leads)][:1]
        # Keep the longest names: 区卫健局 rather than 卫健局 inside it.
        return [a for a in dict.fromkeys(found) if not any(a != b and a in b for b in found)]

    def led_by(self, department: str) -> list[Project]:
        return [p for p in self.projects if department in p.lead]

    def mentions_project(self, words: tuple[str, ...]) -> bool:
        """Do the question's subject words name a project's topic (beyond its lead department)?"""
        return any(self.scope.is_specific(t) for t in set(words) - self._lead_tokens - GENERIC_NOUNS)

    def named(self, text: str) -> list[Project]:
        """Projects the question names by a word of their own: a title word, a citizen word, a word only they use."""
        words = self.tokenizer.tokens(text)
        words += [t for _, terms in self.thesaurus.matches(text) for term in terms for t in self.tokenizer.tokens(term)]
        named: list[Project] = []
        for word in dict.fromkeys(words):
            if word in self._lead_tokens or word in GENERIC_NOUNS or _NUMERAL_START.match(word):
                continue
            project = self._title_words.get(word)
            if project is None and self.scope.project_frequency.get(word) == 1:
                doc, number = next(iter(self.scope.token_projects[word]))
                project = self.corpus.document(doc).project(number) if number else None
            if project is not None and project not in named:
                named.append(project)
        return named

    def several_named(self, text: str) -> list[Project]:
        """Two or more projects, when the question joins or compares them (和, 分别, 哪个多)."""
        named = self.named(text)
        return named if len(named) >= 2 and SEVERAL.search(text) else []
