"""Dialogue state: what a follow-up question leans on from the conversation so far.

The project in focus (named in the last answer, else the best match of the last questions) and the
last question carry over. 他们/它/这个/那 and questions that name no other topic resolve to the
focus; a question that names another project's topic switches to it, and an elliptical one
(那菜篮子那块呢) asks the previous question again of the new topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..corpus import Project
from ..corpus.model import without_title_tail
from ..retrieve import Retriever
from ..text import dictionary_tag, has_words, normalize
from .projects import NUMERAL_START, ProjectFinder
from .scope import ScopeGuard

FOLLOW_UP = re.compile(
    r"^(?:那|那么|它|它们|其|其中|这个|那个|该|此|上述|以上|还有|另外|再|他们|她们)|它|其中|这个项目|该项目|那个项目|这项|"
    r"^.{0,8}呢[?？]?$"
)
# 那村经济合作社那项治理呢: what points at the project (那项治理, 那个专项) adds nothing asked.
ELLIPSIS = re.compile(r"^.{0,10}?(?:[那这](?:个|项|一项)?(?:专项治理|专项|治理|项目|块|边))?呢[?？]?$")
# 这次专项治理一共…: a question about the whole campaign, whatever was asked before.
WHOLE_CAMPAIGN = re.compile(r"这次|本次|整个|总体|全部专项|全区纪检|纪委|监委|所有项目|一共选")
FOLLOW_UP_TAIL = 2  # how many earlier user turns are searched for the project in focus


@dataclass(frozen=True)
class DialogueState:
    focus: Project | None = None
    previous: str = ""  # the last question asked, normalised


class Dialogue:
    def __init__(self, corpus, retriever: Retriever, scope: ScopeGuard, finder: ProjectFinder) -> None:
        self.corpus = corpus
        self.retriever = retriever
        self.scope = scope
        self.finder = finder

    def state(self, history: list[dict]) -> DialogueState:
        user_turns = [str(m.get("content", "")) for m in history if m.get("role") == "user"]
        previous = normalize(user_turns[-1]) if user_turns else ""
        return DialogueState(self._focus(history, user_turns), previous)

    def _focus(self, history: list[dict], user_turns: list[str]) -> Project | None:
        """The project the conversation is about: named in the last answer, else the last questions' best."""
        assistant_turns = [m.get("content", "") for m in history if m.get("role") == "assistant"]
        for content in reversed(assistant_turns[-1:]):
            named = [p for p in self.corpus.projects if p.number and p.title in str(content)]
            if len(named) == 1:
                return named[0]
        for content in reversed(user_turns[-FOLLOW_UP_TAIL:]):
            text = normalize(content)
            if not has_words(text):
                continue
            query = self.retriever.prepare(text)
            ranking = self.retriever.rank(query)
            if ranking.projects and self.scope.on_topic(text, query, ranking):
                doc, number = ranking.projects[0][0]
                return self.corpus.document(doc).project(number)
        return None

    def switches(self, text: str, focus: Project) -> bool:
        """那噪声治理呢 after a question on 食堂: the question names another project, not this one."""
        named = self.finder.named(text)
        return bool(named) and focus not in named

    def leans_on(self, text: str, state: DialogueState) -> bool:
        """Is this a follow-up on the project in focus (a pronoun, or no topic of another project)?"""
        if state.focus is None or WHOLE_CAMPAIGN.search(text) or self.switches(text, state.focus):
            return False
        if FOLLOW_UP.search(text):
            return True
        key = (state.focus.doc, state.focus.number)
        # 一年 of 比上一年涨了多少 is a span of time, 处理 of 都处理好了吗 an act: neither names a topic.
        specific = [
            t
            for t in self.retriever.tokenizer.tokens(text)
            if self.scope.is_specific(t) and not NUMERAL_START.match(t) and dictionary_tag(t, "n").startswith("n")
        ]
        return all(key in self.scope.token_projects[t] for t in specific)

    @staticmethod
    def with_elided_question(text: str, state: DialogueState) -> str:
        """The previous question with the elliptical one appended, so what it asked carries over."""
        if not ELLIPSIS.search(text) or not state.previous:
            return text
        return f"{state.previous} {text}"


def campaign_names(preambles: list[Project]) -> tuple[str, ...]:
    """The names the preambles give their whole campaign (漠视侵害群众利益), which a question may ask of by name."""
    return tuple(dict.fromkeys(without_title_tail(p.campaign) for p in preambles if p.campaign))
