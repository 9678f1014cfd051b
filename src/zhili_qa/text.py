"""Text handling shared by indexing and querying: normalisation, jieba tokens, the citizen thesaurus.

Both sides go through the same functions so that a question typed on a phone (full-width digits,
traditional characters, emoji, stray spaces) meets the bulletin's wording halfway.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jieba
import opencc

from .corpus import LEAD, Corpus

log = logging.getLogger(__name__)
jieba.setLogLevel(logging.WARNING)

# Words that carry no topic: question words, particles, and the bulletin's own boilerplate.
STOPWORDS = frozenset(
    "的 了 是 吗 呢 吧 啊 呀 么 嘛 在 和 与 及 或 有 没有 有没有 我 你 他 她 它 我们 你们 他们 这 那 这个 那个 其中 该 哪 哪个 哪些 哪家 什么 怎么 "
    "怎么样 怎样 如何 多少 几 几个 多 谁 吗 请问 一下 一共 总共 共 都 也 还 就 被 把 给 对 从 到 为 以 等 个 能 可以 会 要 想 问 请 告诉 知道 情况 "
    "方面 关于 一个 是否 是不是 呢 了吗 么样 啥 咋 咋样 由 负责 管 来 去 上 下 中 里 后 前 时 年 月 日 次 项 啥子 哪几个 哪几 哪几项 几项".split()
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_WORDLIKE = re.compile(r"[\w\u4e00-\u9fff]")
_DEPARTMENT_SPLIT = re.compile(r"[()（）、,，]")
_DEPARTMENT_CORE = re.compile(r"^(?:定海区|定海|区|市)?(.+?)(?:定海分局)?$")
_QUOTED = re.compile(r"[“《]([^”》]{2,12})[”》]")
_ENUMERATION = re.compile(r"(?:[\u4e00-\u9fff]{2,6}、)+[\u4e00-\u9fff]{2,6}")


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """NFKC, traditional -> simplified, no invisible format or control characters, single spaces."""
    text = unicodedata.normalize("NFKC", text)
    # Format characters (zero-width, bidi marks, soft hyphens, tags) are invisible and split words.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = _CONTROL.sub(" ", text)
    text = _to_simplified().convert(text)
    return _SPACES.sub(" ", text).strip()


def has_words(text: str) -> bool:
    return bool(_WORDLIKE.search(text))


def department_aliases(lead: str) -> list[str]:
    """'区卫健局(区医保局)' -> ['区卫健局', '卫健局', '区医保局', '医保局']: how people name a department."""
    names = []
    for part in _DEPARTMENT_SPLIT.split(lead):
        part = part.strip().replace("“", "").replace("”", "")
        if len(part) < 2:
            continue
        names.append(part)
        core = _DEPARTMENT_CORE.match(part).group(1)
        if core != part and len(core) >= 2:
            names.append(core)
    return list(dict.fromkeys(names))


def corpus_terms(corpus: Corpus) -> set[str]:
    """Terms to keep whole when tokenising, read off the corpus itself (not typed in by hand)."""
    terms: set[str] = set()
    for project in corpus.projects:
        if project.number:
            terms.update(department_aliases(project.fields[LEAD].text))
            terms.add(project.topic.replace("“", "").replace("”", ""))
        for unit in project.units:
            if unit.kind != "sentence":
                continue
            terms.update(_QUOTED.findall(unit.text))
            for enumeration in _ENUMERATION.findall(unit.text):
                terms.update(enumeration.split("、"))
    return {t for t in terms if 2 <= len(t) <= 16}


@dataclass(frozen=True)
class Thesaurus:
    """Citizen words -> bulletin terms, from a curated TSV file (see data/thesaurus.tsv)."""

    entries: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def load(cls, path: Path) -> Thesaurus:
        entries = []
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            colloquial, _, targets = line.partition("\t")
            terms = tuple(t for t in re.split(r"[\s,，]+", targets.strip()) if t)
            if colloquial and terms:
                entries.append((normalize(colloquial), terms))
        # Longest first, so 种植牙 is tried before 种牙 would match inside something else.
        return cls(tuple(sorted(entries, key=lambda e: -len(e[0]))))

    def expansions(self, text: str) -> list[str]:
        """Bulletin terms for every citizen word found in the (normalised) text."""
        found: list[str] = []
        for colloquial, terms in self.entries:
            if colloquial in text:
                found.extend(t for t in terms if t not in text)
        return list(dict.fromkeys(found))

    @property
    def targets(self) -> set[str]:
        return {t for _, terms in self.entries for t in terms}


class Tokenizer:
    """jieba in search mode with the corpus's own terms, minus stopwords and punctuation."""

    def __init__(self, user_terms: Iterable[str] = ()) -> None:
        self.jieba = jieba.Tokenizer()
        self.jieba.initialize()
        for term in sorted(set(user_terms)):
            self.jieba.add_word(term, freq=20000, tag="nz")

    def tokens(self, text: str) -> list[str]:
        text = normalize(text).lower()
        out = []
        for token in self.jieba.cut_for_search(text):
            token = token.strip()
            if token and has_words(token) and token not in STOPWORDS:
                out.append(token)
        return out
