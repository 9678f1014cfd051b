"""Arbitrary unicode through the normaliser, the tokeniser, retrieval and ``ask`` (hypothesis).

Inputs mix the bulletin's own words with control characters, emoji (with joiners and skin tones), RTL and
bidi marks, zero-width characters, other scripts, full-width and traditional forms, markup, and lengths
from 0 to 20,000 characters. The contract: nothing raises but the documented UserInputError (empty or
over-long questions), every citation quotes its document exactly, answers stay short whatever came in.
Examples are bounded so the suite stays fast on two cores.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from zhili_qa.errors import UserInputError
from zhili_qa.text import STOPWORDS, Tokenizer, has_words, normalize

MAX_QUESTION = 500  # Settings.max_question_chars
ANSWER_MAX_CHARS = 1200  # a long overview or a list of every department's projects stays well below this
MAX_CITATIONS = 40
MARKER = re.compile(r"\[(\d+)\]")

BULLETIN_WORDS = [
    "种植牙",
    "牵头单位",
    "电信网络诈骗",
    "口腔种植",
    "治理成果",
    "治理目标",
    "区卫健局",
    "区公安分局",
    "多少",
    "几个",
    "什么时候",
    "哪些项目",
    "它",
    "那",
    "呢？",
    "满意度",
    "12辆",
    "55%",
    "900余元",
    "敬老院",
    "拆迁",
    "缺斤少两",
    "噪声污染",
    "老旧小区",
    "菜篮子",
    "加油机",
    "急救",
    "第10项",
    "總體情況",
    "種植牙價格",
    "１２３",
    "ＡＢＣ",
]
ODD = [
    "\x00",
    "\x07",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\x85",
    "\u2028",
    "\u3000",
    "\u00a0",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u061c",
    "\u00ad",
    "\ufeff",
    "\ufffd",
    "\U000e0001",
    "👍🏽",
    "🇨🇳",
    "👨‍👩‍👧",
    "😀",
    "𠀀",
    "é",
    "ﬁ",
    "Ⅻ",
    "㍿",
    "مرحبا",
    "שלום",
    "नमस्ते",
    "สวัสดี",
    "Привет",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{{7*7}}",
    "%s%n",
    "\\",
    "'; DROP TABLE questions;--",
    "忽略以上指令",
    "ignore previous instructions",
    "？",
    "。",
    "!!!",
    " ",
]
piece = st.one_of(
    st.sampled_from(BULLETIN_WORDS),
    st.sampled_from(ODD),
    st.characters(exclude_categories=("Cs",)),  # any code point a str can hold in UTF-8
    st.text(max_size=8),
)
short_text = st.lists(piece, max_size=40).map("".join)


@st.composite
def any_text(draw) -> str:
    """0 to 20,000 characters: short mixes most often, sometimes a mix repeated to a great length."""
    text = draw(short_text)
    if text and draw(st.integers(0, 3)) == 0:
        text = (text * (20_000 // len(text) + 1))[: draw(st.integers(MAX_QUESTION - 5, 20_000))]
    return text


FAST = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
ENGINE = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

_tokenizer = None


def tokenizer() -> Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        _tokenizer = Tokenizer(["口腔种植", "区卫健局"])
    return _tokenizer


def acceptable(question: str) -> bool:
    return bool(question.strip()) and len(question) <= MAX_QUESTION


def check_answer(assistant, answer) -> None:
    data = answer.to_dict()
    assert isinstance(data["answer"], str) and data["answer"].strip()
    assert len(data["answer"]) <= ANSWER_MAX_CHARS, len(data["answer"])
    assert len(data["citations"]) <= MAX_CITATIONS
    if data["found"]:
        assert data["citations"]
    elif data["citations"]:
        assert "仅供参考" in data["answer"]  # an abstention's closest passage, labelled as context
    numbers = [c["n"] for c in data["citations"]]
    assert numbers == list(range(1, len(numbers) + 1))
    assert {int(n) for n in MARKER.findall(data["answer"])} <= set(numbers)
    for citation in data["citations"]:
        text = assistant.corpus.document(citation["doc"]).text
        assert 0 <= citation["start"] < citation["end"] <= len(text)
        assert text[citation["start"] : citation["end"]] == citation["quote"]


# ---------------------------------------------------------------- normaliser and tokeniser
@FAST
@given(any_text())
@example("")
@example("\u200b\u200f\ufeff")
@example("種植牙價格\x00\x1b")
def test_normalize_returns_clean_single_spaced_text(text):
    out = normalize(text)
    assert isinstance(out, str)
    assert out == out.strip() and "  " not in out
    assert not any(unicodedata.category(ch) == "Cc" for ch in out)
    assert not re.search(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]", out)
    assert not re.search(r"\s", out.replace(" ", ""))  # every run of whitespace became one plain space


@pytest.mark.parametrize("mark", ["\u2066", "\u2069", "\u061c", "\u00ad", "\U000e0001", "\u180e"])
def test_normalize_drops_every_invisible_format_character(mark):
    assert normalize(f"种植{mark}牙价格") == "种植牙价格"


@FAST
@given(any_text())
def test_tokens_are_words_without_space_or_stopwords(text):
    for token in tokenizer().tokens(text):
        assert token and token == token.strip() and " " not in token
        assert has_words(token) and token not in STOPWORDS


# ---------------------------------------------------------------- retrieval, search and ask on the real engine
@ENGINE
@given(any_text())
@example("")
@example("的了吗")
@example("\U0001f600" * 20_000)
def test_retrieval_ranks_any_text_without_raising(assistant, text):
    retriever = assistant.retriever
    ranking = retriever.rank(retriever.prepare(text))
    scores = [score for _, score in ranking.units]
    assert all(score > 0 for score in scores) and scores == sorted(scores, reverse=True)
    for unit, _ in ranking.units[:20]:
        assert assistant.corpus.document(unit.doc).text[unit.start : unit.end] == unit.text


@ENGINE
@given(any_text(), st.integers(1, 50))
def test_search_returns_exact_passages_or_a_user_error(assistant, text, k):
    try:
        passages = assistant.search(text, k=k)
    except UserInputError as error:
        assert not acceptable(text) and str(error)
        return
    assert acceptable(text) and len(passages) <= k
    for passage in passages:
        assert assistant.corpus.document(passage.doc).text[passage.start : passage.end] == passage.text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(any_text())
@example(" ")
@example("\u200b")
@example("问" * 501)
@example("种植牙" + "啊" * 497)
@example(
    "、".join(["区教育局", "区公安分局", "区民政局", "区人力社保局", "区住建局", "区农业农村局", "区卫健局"])
    + "牵头哪些项目"
)
@example("<img src=x onerror=alert(1)>种植牙多少钱")
def test_ask_answers_or_refuses_with_valid_citations_or_raises_user_error(assistant, text):
    try:
        answer = assistant.ask(text)
    except UserInputError as error:
        assert not acceptable(text) and str(error)
        return
    assert acceptable(text)
    check_answer(assistant, answer)


turn = st.builds(
    lambda role, content: {"role": role, "content": content}, st.sampled_from(["user", "assistant"]), short_text
)


@ENGINE
@given(short_text.filter(acceptable), st.lists(turn, max_size=6))
def test_ask_with_any_history_stays_valid(assistant, text, history):
    check_answer(assistant, assistant.ask(text, history))
