"""The front door of the engine: ``Assistant.load()`` then ``assistant.ask(question, history)``.

``ask`` runs the answering stages in order (``answering/``): question analysis, dialogue state,
retrieval, clause selection, the answer check, and wording. A clause that does not answer what was
asked is never quoted as the answer: the engine abstains and shows it as context instead.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass

from . import index as index_store
from .answering.across import AcrossProjects
from .answering.attempt import Attempt, ProjectAnswerer
from .answering.check import DISTINCT_DIGITS, AnswerCheck
from .answering.compose import (
    Composer,
    abstention,
    joined_answer,
    restate,
    which_project,
)
from .answering.dialogue import WHOLE_CAMPAIGN, Dialogue, DialogueState, campaign_names
from .answering.english import is_english, names_nothing
from .answering.message import compound_parts, each_of_two
from .answering.places import Places, corpus_period
from .answering.projects import ProjectFinder
from .answering.question import Question, QuestionReader
from .answering.scope import GREETING, ScopeGuard
from .answering.selection import SpanSelector
from .answering.years import Bulletin, Years, bulletin_year, spans_years
from .config import Settings
from .corpus import Corpus, Document, Project, load_corpus
from .embedding.cache import EMBEDDINGS_DIR, CachedEncoder
from .embedding.encoders import Encoder
from .embedding.loader import SETUP_COMMAND, load_encoder
from .errors import ModelUnavailableError, UserInputError
from .retrieve import Ranking, Retriever
from .schema import Answer, Passage
from .text import Homophones, Thesaurus, Tokenizer, corpus_terms, normalize

log = logging.getLogger(__name__)

ORGANISED = re.compile(r"组织|发起")
HAN = re.compile(r"[\u4e00-\u9fff]")
ABSTAINED = re.compile(r"抱歉|公告里?没有写|公告只公布了")  # how a refusal or an abstention opens


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
        tokenizer, thesaurus = retriever.tokenizer, retriever.thesaurus
        all_text = "\n".join(d.text for d in corpus.documents)
        self.places = Places(all_text)
        self.scope = ScopeGuard(corpus, tokenizer, thesaurus, self.places.generic)
        self.selector = SpanSelector(corpus, tokenizer, thesaurus)
        self.finder = ProjectFinder(corpus, tokenizer, thesaurus, self.scope)
        self.dialogue = Dialogue(corpus, retriever, self.scope, self.finder)
        # A bulletin's metadata states the period it reports; without it, the year its text names most.
        stated = {d.meta.last_year for d in corpus.documents}
        period = stated.pop() if len(stated) == 1 and None not in stated else corpus_period(all_text)
        vocabulary = set(self.scope.token_projects) | {c for c, _ in thesaurus.entries} | thesaurus.targets
        homophones = Homophones(
            vocabulary,
            lambda word: bool(tokenizer.jieba.FREQ.get(word)) or word in all_text,
            lambda text: tokenizer.jieba.lcut(text, HMM=False),
        )
        preambles = [p for p in corpus.projects if p.number == 0]  # each bulletin's project 0
        self.reader = QuestionReader(tokenizer, thesaurus, homophones, self.places, period, campaign_names(preambles))
        check = AnswerCheck(thesaurus, self.places, period, lambda w: self.scope.project_frequency.get(w, 0))
        self.answerer = ProjectAnswerer(corpus, self.selector, check, self.finder.named)
        self._preambles = {(p.doc, p.number) for p in preambles}
        self.across = AcrossProjects(corpus, retriever, self.reader, self.finder, self.answerer, self._abstain)
        self.years: Years | None = None  # several years' bulletins: each answered by its own engine

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
        retriever = Retriever(corpus, search_index, tokenizer, thesaurus, encoder)
        assistant = cls(settings, corpus, retriever, degraded_reason)
        if spans_years(corpus.documents):
            assistant.years = Years([assistant._one_bulletin(document) for document in corpus.documents])
        return assistant

    def _one_bulletin(self, document: Document) -> Bulletin:
        """One bulletin of several years, answered by the engine it would have alone (its part of the index)."""
        corpus = Corpus([document])
        retriever = self.retriever
        part = index_store.part_of(retriever.index, corpus, retriever.tokenizer)
        alone = Retriever(corpus, part, retriever.tokenizer, retriever.thesaurus, retriever.encoder)
        alone._query_vector = retriever._query_vector  # one cache of question vectors for every engine
        engine = type(self)(self.settings, corpus, alone, self.degraded_reason)
        return Bulletin(document, bulletin_year(document), engine.ask)

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

    def search(
        self, query: str, k: int = 10, project: int | None = None, lead: str | None = None, doc: str | None = None
    ) -> list[Passage]:
        query = self.validate_question(query)
        return self.retriever.search(query, k=k, project=project, lead=lead, doc=doc)

    # ---------------------------------------------------------------- answering
    def validate_question(self, question: object) -> str:
        """The question as given, or UserInputError with the message to show (Chinese)."""
        if not isinstance(question, str) or not question.strip():
            raise UserInputError("请输入问题。")
        if len(question) > self.settings.max_question_chars:
            raise UserInputError(f"问题太长了，请控制在{self.settings.max_question_chars}字以内。")
        return question

    def ask(self, question: str, history: list[dict] | None = None) -> Answer:
        """Answer from the bulletin with citations, or say kindly what it does not state."""
        question = self.validate_question(question)
        if self.years is not None:
            return self.years.ask(question, history or [])
        typed = normalize(question)
        if GREETING.match(typed):
            return self._greet(typed)
        if self.scope.refuses_outright(typed):
            return self._refuse()
        parts = compound_parts(question)
        if len(parts) > 1:
            return self._compound(parts, history or [])
        state = self.dialogue.state(history or [])
        asked = self.reader.read(question)
        text = asked.text
        if asked.english and (not HAN.search(text) or self._names_nothing_to_lean_on(asked, history or [])):
            # "What is the best hotpot place?": English naming nothing of the bulletin's asks of it only as a
            # follow-up on an answer given, and only when it asks what the bulletin can state (排名第几, not
            # "can I park").
            return self._refuse()
        if state.focus is not None and self.dialogue.switches(text, state.focus):
            # 那敬老院呢 after 食堂取得了什么成果 asks the same again of another topic; 那劝返率呢 asks its own.
            asked = self._elided(asked, state)
        across = self.across.answer(asked, text)
        if across is not None:
            return across
        each = each_of_two(asked.asking)
        return self._compound(each, history or []) if each else self._one_project(asked, text, state)

    def _one_project(self, asked: Question, text: str, state: DialogueState) -> Answer:
        """The project asked about (the one in focus, named, stating the question's figure, or ranked
        first), then its cited answer or an abstention. ``text`` is the question as read, before an
        elided one (那敬老院呢) took the earlier question's words."""
        intent = asked.intent
        numbered = self.finder.numbered(asked.asking)
        follow_up = self.dialogue.leans_on(text, state)
        looked_up = self.finder.stating(asked.given, DISTINCT_DIGITS)
        own = [w for w in asked.subject if not all(w in p.title for p in self.corpus.projects if p.number)]
        if follow_up and not own and state.previous:
            # 是在哪几个岛 after 海岛订单配送开展了多少次: still about 订单配送 (比治理前便宜了多少: 治理, in
            # every project's title, is no subject of its own).
            # Its words keep their tags, which tell a paraphrase (搞完, 晚上) from a noun asked of.
            previous = self.reader.read(state.previous)
            asked = dataclasses.replace(asked, subject=previous.subject, tags=asked.tags + previous.tags)
        context = f"{state.focus.title} {state.previous}" if follow_up else ""
        query = self.retriever.prepare(text, context=context)
        # 一共选了几个问题, 这次是谁组织的: the campaign as a whole, which the preamble tells of.
        campaign = WHOLE_CAMPAIGN.search(text) and not self.finder.named(text)
        allowed = {(state.focus.doc, state.focus.number)} if follow_up else (looked_up or numbered)
        ranking = self.retriever.rank(query, allowed or (self._preambles if campaign else None))
        if not ranking.projects or not (follow_up or campaign or self.scope.on_topic(text, query, ranking)):
            return self._refuse()
        doc, number = ranking.projects[0][0]
        # 噪音投诉受理了多少件: 投诉 ranks 老旧小区 first, which nothing names; the question names 噪声, next.
        topics = [(p.doc, p.number) for p in self.finder.named(text, by_nouns=False)]
        named = {(p.doc, p.number) for p in self.finder.named(text)}
        runner_up = [key for key, _ in ranking.projects[1:2]]
        if number and not (follow_up or allowed) and topics and topics == runner_up and (doc, number) not in named:
            doc, number = topics[0]
        unnamed = not (follow_up or allowed or campaign or named)
        if intent.lead and ORGANISED.search(text) and not follow_up and not self.finder.named(text):
            # 这个专项治理是哪个部门组织的: no project named, so the campaign's organiser (the preamble).
            doc, number = next(((p.doc, p.number) for p in self.corpus.projects if p.number == 0), (doc, number))
        elif (
            unnamed
            and self.scope.names_no_topic(asked.subject)
            and not (number == 0 and self._attempt(asked, (doc, number), ranking).span)  # the campaign's own, first
        ):
            # 检查了多少次, 谁牵头的: nothing says which project; the one whose text answers, else ask which.
            answering = self._answering(asked, ranking)
            if len(answering) > 1:
                projects = [self.corpus.document(d).project(n) for d, n in answering]
                return refusal(which_project(projects), self.degraded)
            doc, number = answering[0] if answering else (doc, number)
        elif number == 0 and (intent.lead or intent.goal) and not self._about_whole_campaign(text):
            # The preamble has no lead or goal of its own: the best-ranked project does.
            doc, number = next((key for key, _ in ranking.projects if key[1]), (doc, number))
        project = self.corpus.document(doc).project(number)
        composer = Composer(self.retriever.passage)
        attempt = self.answerer.attempt(asked, project, ranking)
        if attempt.span is None and number and not (follow_up or allowed or self.finder.named(text)):
            # 一共会同了几家单位: no project named, and the one ranked first does not say; the campaign's totals may.
            project, attempt = self._from_preamble(asked, ranking, project, attempt)
        if attempt.span is None:
            return self._abstain(composer, asked, attempt)
        body = self.answerer.wording(composer, asked, project, ranking, attempt.span)
        return composer.finish(body, self._confidence(ranking), self.degraded)

    def _answering(self, asked: Question, ranking: Ranking) -> list[tuple[str, int]]:
        """Every project (best ranked first) with a clause that answers the question; only the campaign's totals
        when they count the very thing asked (推动整改的问题一共多少个)."""
        ranked = [key for key, _ in ranking.projects]
        keys = ranked + [(p.doc, p.number) for p in self.corpus.projects if (p.doc, p.number) not in ranked]
        attempts = {key: self._attempt(asked, key, ranking) for key in keys}
        answering = [key for key, attempt in attempts.items() if attempt.span is not None]
        totals = [key for key in answering if key in self._preambles and self._counts_totals(asked, attempts[key])]
        return totals or answering

    def _attempt(self, asked: Question, key: tuple[str, int], ranking: Ranking) -> Attempt:
        doc, number = key
        return self.answerer.attempt(asked, self.corpus.document(doc).project(number), ranking)

    def _from_preamble(
        self, asked: Question, ranking: Ranking, first: Project, failed: Attempt
    ) -> tuple[Project, Attempt]:
        """The preamble's answer when a clause of it passes the check and counts what is asked (else the first
        project and its abstention)."""
        for key in sorted(self._preambles):
            attempt = self._attempt(asked, key, ranking)
            if self._counts_totals(asked, attempt):
                return self.corpus.document(key[0]).project(key[1]), attempt
        return first, failed

    def _counts_totals(self, asked: Question, attempt: Attempt) -> bool:
        """Does the preamble's clause count the very thing asked (11家单位 of 几家单位)? A total of something else
        answers nothing."""
        span = attempt.span
        return (
            span is not None and span.kind != "field" and self.answerer.check.counts_the_asked_thing(asked, span.text)
        )

    def _abstain(self, composer: Composer, asked: Question, attempt: Attempt) -> Answer:
        restated = "" if asked.english else restate(asked.typed)
        if restated and asked.earlier:
            restated = f"{restated}（接着上一问：{restate(asked.earlier)}）"
        place = next((p for p in asked.places), None) if attempt.verdict.reason == "place" else None
        home = self.places.home_names[0] if self.places.home_names and not (place and place.local) else ""
        text = abstention(composer, restated, attempt.context, home, place.name if place else "")
        return composer.finish(text, 0.0, self.degraded, found=False, restated=restated)

    def _compound(self, parts: list[str], history: list[dict]) -> Answer:
        """Each question of a compound one asked in turn, the earlier ones its conversation; one answer."""
        answers: list[Answer] = []
        for part in parts:
            answer = self.ask(part, history)
            answers.append(answer)
            history = [*history, {"role": "user", "content": part}, {"role": "assistant", "content": answer.answer}]
        return joined_answer(answers, self.degraded)

    def _elided(self, asked: Question, state: DialogueState) -> Question:
        """The previous question asked again of the new topic: its intent, the new topic's words."""
        if is_english(state.previous):  # How many problems…? 那特困供养机构那边呢: the earlier question as glossed
            state = dataclasses.replace(state, previous=self.reader.prepare(state.previous))
        text = self.dialogue.with_elided_question(asked.typed, state)
        if text == asked.typed:
            return asked
        elided = self.reader.read(text)
        focus = state.focus
        subject = tuple(
            w for w in elided.subject if focus is None or (w not in focus.title and focus not in self.finder.named(w))
        )
        return dataclasses.replace(elided, subject=subject, typed=asked.typed, earlier=state.previous)

    def _names_nothing_to_lean_on(self, asked: Question, history: list[dict]) -> bool:
        """An English question naming nothing of the bulletin's, asked with no answer before it to lean on (on its
        own, or after a refusal)."""
        last = next((turn["content"] for turn in reversed(history) if turn.get("role") == "assistant"), "")
        return (not last or bool(ABSTAINED.match(last))) and names_nothing(asked.typed, self.reader.thesaurus)

    @staticmethod
    def _about_whole_campaign(text: str) -> bool:
        return bool(WHOLE_CAMPAIGN.search(text)) and "专项治理" in text

    def _scope_sentence(self) -> str:
        examples = "、".join(p.topic for p in self.corpus.projects if p.number)[:40].rsplit("、", 1)[0]
        return f"我可以回答{self.corpus.documents[0].title}中各项目的牵头单位、治理目标和治理成果，例如{examples}等。"

    def _refuse(self) -> Answer:
        return refusal(f"抱歉，公告里没有提到这个问题。{self._scope_sentence()}可以换个问法试试。", self.degraded)

    def _greet(self, text: str) -> Answer:
        opening = "不客气！" if re.search("谢|辛苦", text) else "您好！"
        return refusal(f"{opening}{self._scope_sentence()}请直接输入您的问题。", self.degraded)

    @staticmethod
    def _confidence(ranking: Ranking) -> float:
        if len(ranking.projects) < 2:
            return 1.0
        first, second = ranking.projects[0][1], ranking.projects[1][1]
        return float((first - second) / first) if first else 0.0
