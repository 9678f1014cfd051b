"""The front door of the engine: ``Assistant.load()`` then ``assistant.ask(question, history)``."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass

from . import index as index_store
from .answer import (
    Composer,
    Intent,
    detect_intent,
    fact_answer,
    fact_fields,
    fact_score,
    goal_answer,
    lead_answer,
    overview_answer,
    project_list_answer,
)
from .config import Settings
from .corpus import GOAL, Corpus, Project, Span, load_corpus
from .embed import Encoder, load_encoder
from .errors import ModelUnavailableError, UserInputError
from .retrieve import Ranking, Retriever
from .schema import Answer, Passage
from .text import Thesaurus, Tokenizer, corpus_terms, department_aliases, has_words, normalize

log = logging.getLogger(__name__)

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript:|on\w+\s*=", re.IGNORECASE)
_INJECTION = re.compile(
    r"忽略(?:以上|之前|前面|上述|所有)|无视(?:以上|之前|前面)|(?:系统|system)\s*(?:提示|prompt)|你现在是|扮演|越狱|"
    r"ignore (?:all |the )?(?:previous|above|prior)|disregard (?:all |the )?(?:previous|above)|jailbreak|"
    r"you are now|act as",
    re.IGNORECASE,
)
# Requests for another kind of task: whatever topic words they contain, the bulletin cannot do them.
_OTHER_TASK = re.compile(
    r"写一首|写首|作诗|写诗|讲个笑话|讲笑话|笑话|翻译|写代码|编程|订(?:机票|车票|酒店|票)|买票|天气|股市|股票|"
    r"彩票|算命|星座|菜谱|做菜|写作文|写一篇|写篇|唱歌|聊天"
)
_FOLLOW_UP = re.compile(
    r"^(?:那|那么|它|它们|其|其中|这个|那个|该|此|上述|以上|还有|另外|再)|它|其中|这个项目|该项目|那个项目|这项|"
    r"^.{0,8}呢[?？]?$"
)
FOLLOW_UP_TAIL = 2  # how many earlier user turns are searched for the project in focus
MIN_DENSE_FOR_TOPIC = 0.86
NEIGHBOUR_SHARE = 0.8  # a neighbouring clause scoring this share of the best one joins the answer
_OVERVIEW_WORDS = frozenset(
    [
        "治理",
        "专项",
        "专项治理",
        "项目",
        "成果",
        "成效",
        "效果",
        "情况",
        "进展",
        "工作",
        "措施",
        "取得",
        "做",
        "干",
        "回事",
        "怎么回事",
        "有人",
        "人管",
        "介绍",
        "开展",
        "整治",
        "概况",
        "了解",
        "举措",
        "主要",
        "具体",
    ]
)


def refusal(reason: str, degraded: bool = False, note: str = "") -> Answer:
    return Answer(reason, False, [], 0.0, degraded, note)


@dataclass(frozen=True)
class ProjectSummary:
    doc: str
    number: int
    title: str
    lead: str


class Assistant:
    def __init__(self, settings: Settings, corpus: Corpus, retriever: Retriever, degraded_reason: str = "") -> None:
        self.settings = settings
        self.corpus = corpus
        self.retriever = retriever
        self.degraded_reason = degraded_reason
        self._project_frequency = self._token_project_frequency()

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(cls, settings: Settings | None = None, *, progress: bool = True, rebuild: bool = False) -> Assistant:
        """Parse the corpus, load (or rebuild when stale) the index and the model."""
        settings = settings or Settings.from_env()
        corpus = load_corpus(settings.corpus)
        thesaurus = Thesaurus.load(settings.thesaurus)
        tokenizer = Tokenizer(corpus_terms(corpus) | thesaurus.targets)
        degraded_reason = ""
        try:
            encoder: Encoder | None = load_encoder(settings)
        except ModelUnavailableError as error:
            log.warning("embedding model unavailable, answering from BM25 alone: %s", error)
            encoder, degraded_reason = None, str(error)
        if encoder is None:
            search_index = index_store.build_lexical(corpus, tokenizer)
        else:
            search_index = cls._load_index(settings, corpus, tokenizer, encoder, progress=progress, rebuild=rebuild)
        return cls(settings, corpus, Retriever(corpus, search_index, tokenizer, thesaurus, encoder), degraded_reason)

    @staticmethod
    def _load_index(
        settings: Settings, corpus: Corpus, tokenizer: Tokenizer, encoder: Encoder, *, progress: bool, rebuild: bool
    ) -> index_store.SearchIndex:
        fingerprint = index_store.corpus_fingerprint(corpus, settings.thesaurus)
        expected = index_store.expected_manifest(corpus, index_store.indexed_units(corpus), encoder, fingerprint)
        reasons = ["--rebuild"] if rebuild else index_store.problems(settings.index_dir, expected)
        if not reasons:
            try:
                return index_store.load(settings.index_dir, corpus)
            except Exception as error:  # a damaged file that passed the checksum is still not used
                log.exception("index failed to load")
                reasons = [f"索引加载失败 (load failed: {error})"]
        log.warning("正在重建索引 (rebuilding index): %s", "; ".join(reasons))
        return index_store.build(corpus, tokenizer, encoder, settings.index_dir, fingerprint, progress=progress)

    # ---------------------------------------------------------------- facts about the corpus
    @property
    def degraded(self) -> bool:
        return self.retriever.degraded

    def projects(self) -> list[ProjectSummary]:
        return [ProjectSummary(p.doc, p.number, p.title, p.lead) for p in self.corpus.projects if p.number]

    def project(self, doc: str, number: int) -> Project:
        return self.corpus.document(doc).project(number)

    def search(self, query: str, k: int = 10, project: int | None = None, lead: str | None = None) -> list[Passage]:
        query = self._validated(query)
        return self.retriever.search(query, k=k, project=project, lead=lead)

    def _token_project_frequency(self) -> Counter:
        frequency: Counter = Counter()
        for project in self.corpus.projects:
            tokens = set()
            for unit in project.units:
                if unit.kind == "sentence":
                    tokens.update(self.retriever.tokenizer.tokens(unit.text))
            frequency.update(tokens)
        return frequency

    # ---------------------------------------------------------------- answering
    def _validated(self, question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise UserInputError("请输入问题。")
        if len(question) > self.settings.max_question_chars:
            raise UserInputError(f"问题太长了，请控制在{self.settings.max_question_chars}字以内。")
        return question

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        """Answer from the bulletin with citations, or refuse politely when it does not say."""
        question = self._validated(question)
        text = normalize(question)
        if not has_words(text) or _MARKUP.search(text) or _INJECTION.search(text) or _OTHER_TASK.search(text):
            return self._refuse()
        intent = detect_intent(text)

        departments = self._departments_in(text)
        if departments and (intent.project_list or not self._mentions_project(text)) and not intent.figure:
            return self._project_list(departments)

        focus = self._focus(history or [])
        follow_up = focus is not None and bool(_FOLLOW_UP.search(text))
        query = self.retriever.prepare(text, context=focus.title if follow_up else "")
        allowed = {(focus.doc, focus.number)} if follow_up else None
        ranking = self.retriever.rank(query, allowed)
        if not ranking.projects or not self._on_topic(query, ranking, follow_up):
            return self._refuse()
        doc, number = ranking.projects[0][0]
        project = self.corpus.document(doc).project(number)
        confidence = self._confidence(ranking)
        composer = Composer(self.retriever.passage)
        if intent.lead and project.number:
            text_out = lead_answer(composer, project)
        elif intent.goal and project.number:
            text_out = goal_answer(composer, project, self._goal_units(ranking, project, intent))
        elif intent.overview and not intent.wants_fact and not self._has_aspect(text, project):
            text_out = overview_answer(composer, project)
        else:
            text_out = fact_answer(composer, project, self._fact_units(ranking, project, intent))
        return composer.finish(text_out, confidence, self.degraded)

    def _refuse(self) -> Answer:
        titles = "、".join(p.title.replace("专项治理", "") for p in self.projects()[:6])
        return refusal(
            "抱歉，这个问题公告里没有提到，我只能回答定海区漠视侵害群众利益问题专项治理成果公告中的内容，"
            f"例如{titles}等项目的牵头单位、治理目标和治理成果。可以换个问法试试。",
            self.degraded,
        )

    def _focus(self, history: list[dict]) -> Project | None:
        """The project the conversation is about: named in the last answer, else the last questions' best."""
        assistant_turns = [m.get("content", "") for m in history if m.get("role") == "assistant"]
        for content in reversed(assistant_turns[-1:]):
            named = [p for p in self.corpus.projects if p.number and p.title in str(content)]
            if len(named) == 1:
                return named[0]
        user_turns = [str(m.get("content", "")) for m in history if m.get("role") == "user"]
        for content in reversed(user_turns[-FOLLOW_UP_TAIL:]):
            text = normalize(content)
            if not has_words(text):
                continue
            query = self.retriever.prepare(text)
            ranking = self.retriever.rank(query)
            if ranking.projects and self._on_topic(query, ranking, False):
                doc, number = ranking.projects[0][0]
                return self.corpus.document(doc).project(number)
        return None

    def _departments_in(self, text: str) -> list[str]:
        found = []
        for project in self.corpus.projects:
            if project.number:
                found += [alias for alias in department_aliases(project.lead) if alias in text]
        # Keep the longest names: 区卫健局 rather than 卫健局 inside it.
        return [a for a in dict.fromkeys(found) if not any(a != b and a in b for b in found)]

    def _mentions_project(self, text: str) -> bool:
        """Does the question name a project's topic (beyond its lead department)?"""
        tokens = set(self.retriever.tokenizer.tokens(text))
        lead_tokens = set()
        for project in self.corpus.projects:
            lead_tokens.update(self.retriever.tokenizer.tokens(project.lead))
        return any(self._project_frequency.get(t, 0) <= 2 for t in tokens - lead_tokens if t in self._project_frequency)

    def _project_list(self, departments: list[str]) -> Answer:
        composer = Composer(self.retriever.passage)
        parts = []
        for department in departments:
            projects = [p for p in self.corpus.projects if p.number and department in department_aliases(p.lead)]
            parts.append(project_list_answer(composer, department, projects))
        return composer.finish("".join(parts), 1.0, self.degraded)

    def _on_topic(self, query, ranking: Ranking, follow_up: bool) -> bool:
        """Enough evidence that the bulletin is about this: a specific word, a thesaurus hit, or dense."""
        if follow_up or query.expansions:
            return True
        specific = [t for t in set(query.tokens) if 0 < self._project_frequency.get(t, 0) <= 3]
        if specific:
            return True
        shared = [t for t in set(query.tokens) if self._project_frequency.get(t, 0) > 0]
        return bool(shared) and ranking.dense_max >= MIN_DENSE_FOR_TOPIC

    @staticmethod
    def _confidence(ranking: Ranking) -> float:
        if len(ranking.projects) < 2:
            return 1.0
        first, second = ranking.projects[0][1], ranking.projects[1][1]
        return float((first - second) / first) if first else 0.0

    def _unit_scores(
        self, ranking: Ranking, project: Project, fields: set[str], intent: Intent
    ) -> list[tuple[float, Span]]:
        """Clauses (and sentences that have none) of a project, scored as answers to the question.

        A clause is judged with its sentence, since a clause like 约谈4人 only says what it counts in
        the context of the sentence around it.
        """
        fused = {(u.start, u.end): score for u, score in ranking.units if u.doc == project.doc}
        sentences = [u for u in project.units if u.kind == "sentence" and u.field in fields]
        clauses = [u for u in project.units if u.kind == "clause" and u.field in fields]
        scored = []
        for sentence in sentences:
            parts = [c for c in clauses if sentence.start <= c.start and c.end <= sentence.end] or [sentence]
            context = fused.get((sentence.start, sentence.end), 0.0)
            for part in parts:
                own = fused.get((part.start, part.end), 0.0)
                scored.append((own + 0.5 * context + 0.35 * fact_score(part, intent), part))
        return sorted(scored, key=lambda pair: -pair[0])

    def _fact_units(self, ranking: Ranking, project: Project, intent: Intent) -> list[Span]:
        """The best clause, joined with neighbouring clauses of its sentence that score nearly as well."""
        scored = self._unit_scores(ranking, project, fact_fields(project), intent)
        best_score, best = scored[0]
        siblings = sorted(
            (
                u
                for s, u in scored
                if s >= NEIGHBOUR_SHARE * best_score and u.item == best.item and u.field == best.field
            ),
            key=lambda u: u.start,
        )
        run = [best]
        for direction in (-1, 1):
            position = siblings.index(best)
            while 0 <= position + direction < len(siblings):
                candidate = siblings[position + direction]
                if not self._adjacent(run, candidate) or len(candidate.text) + sum(len(u.text) for u in run) > 70:
                    break
                run.append(candidate)
                position += direction
        run.sort(key=lambda u: u.start)
        if len(run) == 1:
            return run
        document = self.corpus.document(best.doc)
        start, end = run[0].start, run[-1].end
        return [Span(best.doc, best.project, best.field, "clause", start, end, document.text[start:end], best.item)]

    def _adjacent(self, run: list[Span], candidate: Span) -> bool:
        text = self.corpus.document(candidate.doc).text
        first, last = min(u.start for u in run), max(u.end for u in run)
        gap = text[last : candidate.start] if candidate.start >= last else text[candidate.end : first]
        return gap.strip() in {",", "，", "、"}

    def _goal_units(self, ranking: Ranking, project: Project, intent: Intent) -> list[Span]:
        return [u for _, u in self._unit_scores(ranking, project, {GOAL}, intent)[:2]]

    def _has_aspect(self, text: str, project: Project) -> bool:
        """Does the question ask about something narrower than the project as a whole?

        Citizen words that merely name the project (噪音 for 噪声污染) and words of asking
        (成果, 怎么样) do not count; 伙食 in 敬老院的伙食怎么样 does.
        """
        for colloquial, targets in self.retriever.thesaurus.entries:
            if colloquial in text and any(t in project.title for t in targets):
                text = text.replace(colloquial, " ")
        tokens = self.retriever.tokenizer.tokens(text)
        return any(t not in project.title and t not in _OVERVIEW_WORDS for t in tokens)
