"""The front door of the engine: ``Assistant.load()`` then ``assistant.ask(question, history)``."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from . import index as index_store
from .answer import (
    Composer,
    Intent,
    bulletin_answer,
    detect_intent,
    fact_answer,
    fact_fields,
    goal_answer,
    lead_answer,
    overview_answer,
    project_list_answer,
)
from .config import Settings
from .corpus import GOAL, Corpus, Project, load_corpus
from .embed import SETUP_COMMAND, Encoder, load_encoder
from .errors import ModelUnavailableError, UserInputError
from .retrieve import Ranking, Retriever
from .schema import Answer, Passage
from .scope import GENERIC_NOUNS, GREETING, WHOLE_BULLETIN, ScopeGuard
from .selection import SpanSelector
from .text import Thesaurus, Tokenizer, corpus_terms, department_aliases, has_words, normalize
from .vector_cache import EMBEDDINGS_DIR, CachedEncoder

log = logging.getLogger(__name__)

FOLLOW_UP = re.compile(
    r"^(?:那|那么|它|它们|其|其中|这个|那个|该|此|上述|以上|还有|另外|再)|它|其中|这个项目|该项目|那个项目|这项|"
    r"^.{0,8}呢[?？]?$"
)
ELLIPSIS = re.compile(r"^.{0,10}呢[?？]?$")
FOLLOW_UP_TAIL = 2  # how many earlier user turns are searched for the project in focus
_DEPARTMENT_PHRASE = re.compile(r"[\u4e00-\u9fff“”]{2,14}?(?:分局|局|办公室)")
MIN_DEPARTMENT_TAIL = 3


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
        self.scope = ScopeGuard(corpus, retriever.tokenizer, retriever.thesaurus)
        self.selector = SpanSelector(corpus, retriever.tokenizer, retriever.thesaurus)
        self._leads = list(dict.fromkeys(p.lead for p in corpus.projects if p.number))
        self._aliases = [alias for lead in self._leads for alias in department_aliases(lead)]
        self._lead_tokens = {t for lead in self._leads for t in retriever.tokenizer.tokens(lead)}

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
        search_index = None
        if encoder is not None:
            try:
                search_index = cls._load_index(settings, corpus, tokenizer, encoder, progress=progress, rebuild=rebuild)
            except OSError as error:  # an unwritable or full index folder must not keep the assistant down
                log.exception("index could not be built in %s", settings.index_dir)
                degraded_reason = (
                    f"索引目录 {settings.index_dir} 无法写入，暂时只用关键词检索回答；修复后请运行 `{SETUP_COMMAND}`。"
                    f" (index could not be built: {error})"
                )
        if search_index is None:
            search_index = index_store.build_lexical(corpus, tokenizer)
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
        cached = CachedEncoder(encoder, settings.index_dir / EMBEDDINGS_DIR)
        built = index_store.build(corpus, tokenizer, cached, settings.index_dir, fingerprint, progress=progress)
        log.info("encoded %d passages; the rest came from the embedding cache", cached.encoded_last)
        return built

    # ---------------------------------------------------------------- facts about the corpus
    @property
    def degraded(self) -> bool:
        return self.retriever.degraded

    def projects(self) -> list[ProjectSummary]:
        return [ProjectSummary(p.doc, p.number, p.title, p.lead) for p in self.corpus.projects if p.number]

    def project(self, doc: str, number: int) -> Project:
        return self.corpus.document(doc).project(number)

    def search(self, query: str, k: int = 10, project: int | None = None, lead: str | None = None) -> list[Passage]:
        query = self.validate_question(query)
        return self.retriever.search(query, k=k, project=project, lead=lead)

    # ---------------------------------------------------------------- answering
    def validate_question(self, question: object) -> str:
        """The question as given, or UserInputError with the message to show (Chinese)."""
        if not isinstance(question, str) or not question.strip():
            raise UserInputError("请输入问题。")
        if len(question) > self.settings.max_question_chars:
            raise UserInputError(f"问题太长了，请控制在{self.settings.max_question_chars}字以内。")
        return question

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        """Answer from the bulletin with citations, or refuse politely when it does not say."""
        question = self.validate_question(question)
        text = normalize(question)
        if GREETING.match(text):
            return self._greet(text)
        if self.scope.refuses_outright(text):
            return self._refuse()
        history = history or []
        focus = self._focus(history)
        switched = focus is not None and self._turns_to_another(text, focus)
        # 那敬老院呢 after 食堂取得了什么成果 asks the same again of another topic; 那劝返率呢 asks its own.
        intent = detect_intent(self._with_elided_question(text, history) if switched else text)
        departments = self._departments_in(text)
        names_project = self._mentions_project(text)
        if WHOLE_BULLETIN.search(text) and not intent.lead and not names_project and not departments:
            return self._bulletin_overview()
        if departments and (intent.project_list or not names_project) and not intent.figure:
            return self._project_list(departments)

        follow_up = focus is not None and bool(FOLLOW_UP.search(text)) and not switched
        query = self.retriever.prepare(text, context=focus.title if follow_up else "")
        allowed = {(focus.doc, focus.number)} if follow_up else None
        ranking = self.retriever.rank(query, allowed)
        if not ranking.projects or not (follow_up or self.scope.on_topic(text, query, ranking)):
            return self._refuse()
        doc, number = ranking.projects[0][0]
        if number == 0 and (intent.lead or intent.goal):
            # The preamble has no lead or goal of its own: the best-ranked project does.
            doc, number = next((key for key, _ in ranking.projects if key[1]), (doc, number))
        return self._answer_from(self.corpus.document(doc).project(number), text, intent, ranking)

    def _answer_from(self, project: Project, text: str, intent: Intent, ranking: Ranking) -> Answer:
        """The answer the intent asks for, from the chosen project's spans."""
        composer = Composer(self.retriever.passage)
        if intent.lead and project.number:
            text_out = lead_answer(composer, project)
        elif intent.goal and project.number:
            goal = self.selector.scored_units(text, ranking, project, {GOAL}, intent)
            text_out = goal_answer(composer, project, [unit for _, unit in goal[:2]])
        elif intent.overview and not intent.wants_fact and not self.selector.has_aspect(text, project):
            text_out = overview_answer(composer, project)
        else:
            span = self.selector.fact_units(text, ranking, project, fact_fields(project), intent)
            text_out = fact_answer(composer, project, [span])
        return composer.finish(text_out, self._confidence(ranking), self.degraded)

    def _bulletin_overview(self) -> Answer:
        composer = Composer(self.retriever.passage)
        projects = [p for p in self.corpus.projects if p.number]
        return composer.finish(bulletin_answer(composer, projects), 1.0, self.degraded)

    def _scope_sentence(self) -> str:
        examples = "、".join(p.topic for p in self.corpus.projects if p.number)[:40].rsplit("、", 1)[0]
        return f"我可以回答{self.corpus.documents[0].title}中各项目的牵头单位、治理目标和治理成果，例如{examples}等。"

    def _refuse(self) -> Answer:
        return refusal(f"抱歉，公告里没有提到这个问题。{self._scope_sentence()}可以换个问法试试。", self.degraded)

    def _greet(self, text: str) -> Answer:
        opening = "不客气！" if re.search("谢|辛苦", text) else "您好！"
        return refusal(f"{opening}{self._scope_sentence()}请直接输入您的问题。", self.degraded)

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
            if ranking.projects and self.scope.on_topic(text, query, ranking):
                doc, number = ranking.projects[0][0]
                return self.corpus.document(doc).project(number)
        return None

    @staticmethod
    def _with_elided_question(text: str, history: list[dict]) -> str:
        """The previous question with the elliptical one appended, so its intent carries over."""
        if not ELLIPSIS.search(text):
            return text
        earlier = [str(m.get("content", "")) for m in history if m.get("role") == "user"]
        return f"{normalize(earlier[-1])} {text}" if earlier else text

    def _turns_to_another(self, text: str, focus: Project) -> bool:
        """那噪声治理呢 after a question on 食堂: the follow-up names another project's topic, not this one's."""
        topics = [t for t in self.retriever.tokenizer.tokens(text) if t not in GENERIC_NOUNS]
        topics += [t for c, terms in self.retriever.thesaurus.entries if c in text for t in terms]
        titles = [p.title for p in self.corpus.projects if p.number]
        # 治理, 专项, 问题 stand in every title and name no topic.
        topics = [t for t in topics if sum(t in title for title in titles) <= 2]
        elsewhere = [t for t in topics if any(t in title for title in titles if title != focus.title)]
        return bool(elsewhere) and not any(t in focus.title for t in topics)

    def _departments_in(self, text: str) -> list[str]:
        """Department names in the question, as the bulletin writes them or by a shared tail (定海分局)."""
        found = [alias for alias in self._aliases if alias in text]
        for phrase in _DEPARTMENT_PHRASE.findall(text):
            tails = (phrase[i:] for i in range(len(phrase) - MIN_DEPARTMENT_TAIL + 1))
            found += [tail for tail in tails if any(tail in lead for lead in self._leads)][:1]
        # Keep the longest names: 区卫健局 rather than 卫健局 inside it.
        return [a for a in dict.fromkeys(found) if not any(a != b and a in b for b in found)]

    def _mentions_project(self, text: str) -> bool:
        """Does the question name a project's topic (beyond its lead department)?"""
        tokens = set(self.retriever.tokenizer.tokens(text))
        return any(self.scope.is_specific(t) for t in tokens - self._lead_tokens - GENERIC_NOUNS)

    def _project_list(self, departments: list[str]) -> Answer:
        composer = Composer(self.retriever.passage)
        parts = []
        for department in departments:
            projects = [p for p in self.corpus.projects if p.number and department in p.lead]
            parts.append(project_list_answer(composer, department, projects))
        return composer.finish("".join(parts), 1.0, self.degraded)

    @staticmethod
    def _confidence(ranking: Ranking) -> float:
        if len(ranking.projects) < 2:
            return 1.0
        first, second = ranking.projects[0][1], ranking.projects[1][1]
        return float((first - second) / first) if first else 0.0
