"""Text handling shared by indexing and querying: normalisation, jieba tokens, the citizen thesaurus.

Both sides go through the same functions so that a question typed on a phone (full-width digits,
traditional characters, emoji, stray spaces) meets the bulletin's wording halfway. Questions also get
their Chinese numerals as digits (九六一一零 -> 96110) and one-character homophone typos mended
against the corpus's own words (事堂 -> 食堂), since pinyin input makes those typos all the time.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

import jieba
import jieba.posseg
import opencc
from pypinyin import lazy_pinyin

from .corpus import LEAD, Corpus
from .errors import ConfigError
from .figures import arabic_numerals

log = logging.getLogger(__name__)
jieba.setLogLevel(logging.WARNING)

# Words that carry no topic: question words, particles, and the bulletin's own boilerplate.
STOPWORDS = frozenset(
    "的 了 是 吗 呢 吧 啊 呀 么 嘛 在 和 与 及 或 有 没有 有没有 我 你 他 她 它 我们 你们 他们 这 那 这个 那个 其中 该 哪 哪个 哪些 哪家 什么 怎么 "
    "怎么样 怎样 如何 多少 几 几个 多 谁 吗 请问 一下 一共 总共 拢总 铜钿 晓得 阿拉 侬 自己 共 都 也 还 就 被 把 给 对 从 到 为 以 等 个 能 可以 会 要 想 问 请 告诉 知道 情况 "
    "方面 关于 大家 大伙 大伙儿 咱们 俺们 一个 是否 是不是 呢 了吗 么样 啥 咋 咋样 由 负责 管 来 去 上 下 中 里 后 前 时 年 月 日 次 项 啥子 哪几个 哪几 哪几项 几项 "
    # fillers of speech as voice input types them (…骗走的钱然后区里…, 就是能看采购的那个)
    "然后 就是 反正 其实 的话 嗯 呃 额 诶".split()
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_WORDLIKE = re.compile(r"[\w\u4e00-\u9fff]")
_DEPARTMENT_SPLIT = re.compile(r"[()（）、,，]")
_DEPARTMENT_CORE = re.compile(r"^(?:定海区|定海|区|市)?(.+?)(?:定海分局)?$")
_QUOTED = re.compile(r"[“《]([^”》]{2,12})[”》]")
_ENUMERATION = re.compile(r"(?:[\u4e00-\u9fff]{2,6}、)+[\u4e00-\u9fff]{2,6}")
_FUNCTION_CHARACTERS = frozenset("是的了在有和都就也还吗呢吧啊么")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_ASCII_WORDS = re.compile(r"[A-Za-z]")


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


# Cantonese as Hong Kong visitors type it, in the Mandarin the rest of the engine reads: words of grammar and
# asking only (幾多 is 多少, 嗰 is 那, 咗 is 了), read where a character only Cantonese writes shows the dialect.
_CANTONESE_MARKS = re.compile(r"[嗰咗喺冇嘅咩佢哋啲乜嚟畀揾唔]|幾多|几多|邊個|边个|邊度|边度|係邊|系边")
_CANTONESE = (
    ("係邊個", "是谁"),
    ("系边个", "是谁"),
    ("幾多", "多少"),
    ("几多", "多少"),
    ("邊個", "哪个"),
    ("边个", "哪个"),
    ("邊度", "哪里"),
    ("边度", "哪里"),
    ("點樣", "怎样"),
    ("點解", "为什么"),
    ("乜嘢", "什么"),
    ("係唔係", "是不是"),
    ("系唔系", "是不是"),
    ("佢哋", "他们"),
    ("嗰", "那"),
    ("咗", "了"),
    ("喺", "在"),
    ("冇", "没有"),
    ("嘅", "的"),
    ("咩", "什么"),
    ("佢", "他"),
    ("哋", "们"),
    ("啲", "些"),
    ("嚟", "来"),
    ("畀", "给"),
    ("揾", "找"),
    ("唔", "不"),
    ("咁", "那"),
)
_CANTONESE_IS = re.compile(r"(?<![關关聯联維维體体])係")  # 係 is 是, except in 關係 and its kin
# 食堂同油站: 同 joins two things as 和 does, except in words of its own (同年, 同比, 共同, 不同, 同學).
_CANTONESE_AND = re.compile(r"(?<![共不相连連陪一])同(?![年比一时時样樣意志学學事期等步])")


def _as_mandarin(text: str) -> str:
    if not _CANTONESE_MARKS.search(text):
        return text
    for cantonese, mandarin in _CANTONESE:
        text = text.replace(cantonese, mandarin)
    return _CANTONESE_AND.sub("和", _CANTONESE_IS.sub("是", text))


def normalize(text: str) -> str:
    """NFKC, Cantonese words of grammar as Mandarin, traditional -> simplified, no invisible format or control
    characters, single spaces."""
    text = unicodedata.normalize("NFKC", text)
    # Format characters (zero-width, bidi marks, soft hyphens, tags) are invisible and split words.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = _CONTROL.sub(" ", text)
    text = _to_simplified().convert(_as_mandarin(text))
    return _SPACES.sub(" ", text).strip()


def dictionary_tag(word: str, default: str) -> str:
    """jieba's own part-of-speech tag for a word. The tokenizer tags the corpus's words nz to keep them
    whole, which hides that 改造 and 入住 are verbs; ``default`` where jieba does not know the word."""
    return jieba.posseg.dt.word_tag_tab.get(word, default)


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
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(f"同义词表 {path} 无法读取（ZHILI_THESAURUS）(thesaurus unreadable: {error})") from error
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            colloquial, _, targets = line.partition("\t")
            terms = tuple(t for t in re.split(r"[\s,，]+", targets.strip()) if t)
            if colloquial and terms:
                # Questions reach the thesaurus with digits for numerals (一颗牙 -> 1颗牙); so do its words.
                entries.append((arabic_numerals(normalize(colloquial)), terms))
        # Longest first, so 种植牙 is tried before 种牙 would match inside something else.
        return cls(tuple(sorted(entries, key=lambda e: -len(e[0]))))

    def matches(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """The entries whose citizen word is in the (normalised) text; English words whole and in any case."""
        return list(_matching_entries(self.entries, text))

    def expansions(self, text: str) -> list[str]:
        """Bulletin terms for every citizen word found in the (normalised) text."""
        found = [t for _, terms in self.matches(text) for t in terms if t not in text]
        return list(dict.fromkeys(found))

    @property
    def targets(self) -> set[str]:
        return {t for _, terms in self.entries for t in terms}


@lru_cache(maxsize=4096)
def _matching_entries(entries: tuple, text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    lowered = text.lower()
    return tuple(
        (colloquial, terms)
        for colloquial, terms in entries
        if (
            re.search(rf"\b{re.escape(colloquial.lower())}\b", lowered)
            if _ASCII_WORDS.match(colloquial)
            else colloquial in text
        )
    )


# 一共建了多少处: jieba cuts 一/共建, leaving a subject word (共建) the question never meant.
_ASKING_WHOLE = ("一共",)


class _Tagger(jieba.posseg.POSTokenizer):
    """jieba's tagger with the dictionary's tags copied from its default tagger (read once, when jieba.posseg
    is imported) instead of parsed from the dictionary file again (1-2 s each time)."""

    def __init__(self, tokenizer: jieba.Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.word_tag_tab = dict(jieba.posseg.dt.word_tag_tab)


class Tokenizer:
    """jieba in search mode with the corpus's own terms, minus stopwords and punctuation."""

    def __init__(self, user_terms: Iterable[str] = ()) -> None:
        self.jieba = jieba.Tokenizer()
        # jieba's own dictionary, copied from the process's default tokenizer (~0.05 s) rather than read from
        # jieba's cache file again (1-2 s each time): every Tokenizer adds its corpus's words to its own copy.
        jieba.dt.check_initialized()
        self.jieba.FREQ, self.jieba.total, self.jieba.initialized = dict(jieba.dt.FREQ), jieba.dt.total, True
        for term in sorted(set(user_terms)):
            self.jieba.add_word(term, freq=20000, tag="nz")
        for word in _ASKING_WHOLE:
            self.jieba.add_word(word, freq=20000, tag="d")

    @cached_property
    def pos(self) -> jieba.posseg.POSTokenizer:
        """Part-of-speech tags over the same dictionary; one per tokenizer, since jieba keeps the user
        words' tags in shared state and a second tagger's first cut loses them (境外来电 becomes x)."""
        return _Tagger(self.jieba)

    def tokens(self, text: str) -> list[str]:
        text = normalize(text).lower()
        out = []
        for token in self.jieba.cut_for_search(text):
            token = token.strip()
            if token and has_words(token) and token not in STOPWORDS:
                out.append(token)
        return out


class Homophones:
    """Mends one-character pinyin-input typos against a vocabulary: 加油几 -> 加油机, 噪生 -> 噪声.

    A run of two to four characters is mended only when it is neither in the vocabulary nor a word
    jieba knows, cuts no known word of the question in half (机构检查 holds no typo 构检), and exactly
    one vocabulary word reads the same and differs from it in one character.
    """

    def __init__(self, vocabulary: Iterable[str], is_known_word, cut) -> None:
        """``cut(text)`` splits text into words without guessing unknown ones (jieba with HMM off)."""
        self._cut = cut
        self._vocabulary = {w for w in vocabulary if 2 <= len(w) <= 4 and _HAN_RUN.fullmatch(w)}
        self._is_known_word = is_known_word
        self._by_sound: dict[tuple[str, ...], list[str]] = {}
        self._spellings: dict[str, str] | None = None
        for word in sorted(self._vocabulary):
            self._by_sound.setdefault(_sounds(word), []).append(word)

    def spelled(self, latin: str) -> str | None:
        """The vocabulary word an English text spells in pinyin (baiquan -> 白泉), if only one reads so."""
        if self._spellings is None:
            words: dict[str, list[str]] = {}
            for sounds, same in self._by_sound.items():
                words.setdefault("".join(sounds), []).extend(same)
            self._spellings = {key: same[0] for key, same in words.items() if len(same) == 1}
        return self._spellings.get(latin.lower())

    def mend(self, text: str) -> str:
        for run in _HAN_RUN.findall(text):
            mended = run
            for _ in range(3):  # a question may hold more than one typo
                mended, before = self._mend_run(mended), mended
                if mended == before:
                    break
            text = text.replace(run, mended)
        return text

    def _mend_run(self, run: str) -> str:
        known, position = [], 0
        for word in self._cut(run):
            if len(word) >= 2 and self._is_known_word(word):
                known.append((position, position + len(word)))
            position += len(word)
        # The vocabulary's words wherever they stand, however jieba cut the run (问小沙街道: 小沙, and 问小 is no
        # typo of 问效).
        known += [
            (start, start + length)
            for length in (2, 3, 4)
            for start in range(len(run) - length + 1)
            if run[start : start + length] in self._vocabulary
        ]
        for length in (4, 3, 2):
            for start in range(len(run) - length + 1):
                window, end = run[start : start + length], start + length
                if window in self._vocabulary or self._is_known_word(window) or _FUNCTION_CHARACTERS & set(window):
                    continue  # 各是多少 holds no typo of 各市: the words of grammar are typed right
                if any(s < end and start < e and not (start <= s and e <= end) for s, e in known):
                    continue
                sounds = _sounds(window)
                same = [
                    w
                    for w in self._by_sound.get(sounds, [])
                    if sum(a != b for a, b in zip(w, window, strict=True)) == 1
                ]
                if len(same) == 1:
                    return run[:start] + same[0] + run[start + length :]
        return run


@lru_cache(maxsize=65536)
def _sounds(text: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(text))
