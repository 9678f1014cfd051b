"""Places and years: which district a bulletin reports on, and which place or year a question asks about.

A bulletin speaks for one district and one period. 宁波的种植牙价格 or 2025年改造了多少户 asks about
another place or time; answering with this district's or this period's figure would mislead, so the
answer check needs to know the place and year asked and how they relate to the bulletin's own.

Place names come from cpca's table of China's provinces, cities, counties and districts (with their
administrative codes, whose prefixes give the hierarchy), read directly so that no pandas is imported.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import jieba.posseg
from pypinyin import lazy_pinyin

from .scope import GENERIC_NOUNS

_SUFFIX = re.compile(r"(?:特别行政区|自治州|自治县|自治旗|地区|新区|林区|特区|省|市|区|县|旗|盟)$")
# Short names that jieba knows as another kind of word (开发, 平安, 和平) would be found in ordinary
# questions; keep those whose tag says place (ns), foreign name (nrt), or that jieba does not know.
_PLACE_TAGS = ("ns", "nrt")
_LONGEST_NAME = 10  # characters of the longest place name looked for
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
# 比2022年高出多少: the year a comparison is made against, not the year asked about.
_COMPARED_YEAR = re.compile(r"(?:比|较|同比|和|与|跟|高出|高于|低于|超过|多于|少于)\s*((?:19|20)\d{2})\s*年")
# 去年 as the bulletin's own text uses it (its period, told a year later); 今年 is the asker's own year.
_RELATIVE_YEARS = {"前年": -1, "去年": 0, "明年": 1, "后年": 2}
# 今年追赃挽损了多少 asks of this year; 满意度今年排名上去了不少。到底打了多少分 tells a story beside the question.
_THIS_YEAR_ASKED = re.compile(
    r"今年[^，,。？?！!]*(?:多少|几|什么|啥|哪|吗|么)|(?:多少|几|什么|啥|哪)[^，,。？?！!]*今年"
)
_CONTRASTED_LAST_YEAR = re.compile(r"^(?:那|那么)去年")
_RECALLED = re.compile(r"我?(?:记得|好像|印象中|似乎)[^，,。？?]*")
# 是2024年弄好还是2025年: years offered as the choices of an answer, not a year asked about.
_OFFERED_YEARS = re.compile(
    r"(?:19|20)\d{2}\s*年?[^，,。？?\d]{0,8}?(?:还是|或者|或是)[^，,。？?\d]{0,4}?(?:19|20)\d{2}\s*年?"
)
# 全市排名第二 answers a question about 舟山全市 without naming 舟山: the level word stands for it.
_LEVEL_WORDS = {2: ("全省",), 4: ("全市",)}


# 马岙街道, 白泉镇, 长峙岛, 白泉片区: a place inside the district, which cpca's table (down to districts) does
# not hold.
_LOCAL_SUFFIXES = ("街道", "镇", "乡", "社区", "岛", "片区")
# 小沙街道社区, 白泉镇上: a suffix word after a name; 乡下 (the countryside) of 听讲乡下 is a word of its own.
_SUFFIX_WORD = re.compile(rf"(?:{'|'.join(_LOCAL_SUFFIXES)})+[上里内]?")
_NO_PLACE_BEFORE = frozenset(
    "各 各个 有关 相关 所在 附近 周边 我们 你们 他们 这个 那个 农村 城市 全区 本 该 每个".split()
)
_POINTING = re.compile(r"^[那这](?=..)")
_LOCAL = "local"  # the code of a place inside the district
_NATION = "000000000000"


@dataclass(frozen=True)
class Place:
    name: str  # as the question writes it
    code: str  # 12-digit administrative code, or "local" for a place inside the district

    @property
    def local(self) -> bool:
        return self.code == _LOCAL


@cache
def _table() -> dict[str, str]:
    """Place name (full and, where safe, short) -> administrative code."""
    spec = importlib.util.find_spec("cpca")
    folder = Path(next(iter(spec.submodule_search_locations)))
    tags = jieba.posseg.dt.word_tag_tab
    names: dict[str, str] = {}
    with (folder / "resources" / "adcodes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            full, code = row["name"], row["adcode"]
            names.setdefault(full, code)
            short = _SUFFIX.sub("", full)
            tag = tags.get(short)
            if len(short) >= 2 and short != full and (tag is None or tag.startswith(_PLACE_TAGS)):
                names.setdefault(short, code)
    # 全国范围内的降幅: the whole country is a place too, wider than any province, and no district's figure is its.
    names.setdefault("全国", _NATION)
    return names


@cache
def _romanised() -> dict[str, str]:
    """A place's pinyin spelling (daishan) -> its name without suffix (岱山), provinces and cities first."""
    spellings: dict[str, str] = {}
    for name, _ in sorted(_table().items(), key=lambda item: (_level(item[1]), item[1])):
        short = _SUFFIX.sub("", name)
        if len(short) >= 2:
            spellings.setdefault("".join(lazy_pinyin(short)), short)
    return spellings


def _level(code: str) -> int:
    """How many leading digits name the place: 2 a province, 4 a city, 6 a county or district."""
    if code[2:6] == "0000":
        return 2
    return 4 if code[4:6] == "00" else 6


class Places:
    """The bulletin's own district and the places a question names, related to it."""

    def __init__(self, corpus_text: str) -> None:
        self._names = _table()
        districts = Counter(place.code for place in self.named_in(corpus_text) if _level(place.code) == 6)
        self.home = districts.most_common(1)[0][0] if districts else ""
        self.home_names = tuple(n for n, c in self._names.items() if c == self.home)
        # 定海, 舟山: in every question about the district, its names and its city's short name point at no
        # topic (舟山市整体的… names the city as a level asked).
        city = self.home[:4].ljust(len(self.home), "0")
        city_names = [n for n, c in self._names.items() if self.home and c == city]
        self.home_words = frozenset(self.home_names) | ({min(city_names, key=len)} if city_names else set())
        self.generic = GENERIC_NOUNS | self.home_words  # nouns that name no subject (问题, 定海)
        # The bulletin's own local names come from its suffixes and lists alone: none is known before them.
        self.local_names: frozenset[str] = frozenset()
        named = [p.name for p in self.local_named_in(corpus_text)]
        bare = [next((n[: -len(s)] for s in _LOCAL_SUFFIXES if n.endswith(s)), n) for n in named]
        self.local_names = frozenset(n for n in [*_listed_places(corpus_text), *bare] if _names_a_place(n, "n"))
        # Dongju: the bulletin's own islands and streets spelled in pinyin, as an English question writes them.
        self._local_spellings = {"".join(lazy_pinyin(name)): name for name in sorted(self.local_names)}

    def named_in(self, text: str) -> list[Place]:
        """Places named in the text, read left to right taking the longest name at each position (定海城区 is
        定海 and 城区, not 海城区), whole words only (回迁安置 names no 迁安)."""
        bounds, at = {0}, 0
        # 普陀山, 宁波港: a place word jieba knows, named after a place of the table, stands in that place.
        within: dict[int, str] = {}
        for word in jieba.lcut(text, HMM=False):
            if word not in self._names and jieba.posseg.dt.word_tag_tab.get(word) == "ns":
                within[at] = next((word[:n] for n in range(len(word) - 1, 1, -1) if word[:n] in self._names), "")
            at += len(word)
            bounds.add(at)
        found, position = [], 0
        while position < len(text):
            name = next(
                (
                    text[position : position + size]
                    for size in range(_LONGEST_NAME, 1, -1)
                    if text[position : position + size] in self._names
                    and position in bounds
                    and position + size in bounds
                ),
                None,
            )
            name = name or within.get(position) or None
            if name is None:
                position += 1
                continue
            found.append(Place(name, self._names[name]))
            position += len(name)
        return found

    def local_named_in(self, text: str) -> list[Place]:
        """Places inside the district the text names: a name before 街道/镇/乡/社区/岛 (马岙街道), a word ending in
        one (白泉镇), or one the bulletin itself names so (盘峙 of 盘峙、小盘峙等4个海岛)."""
        words = jieba.posseg.lcut(text)
        found = []
        for i, (word, flag) in enumerate(words):
            before = words[i - 1] if i else None
            suffix = (
                next((s for s in _LOCAL_SUFFIXES if word.startswith(s)), "") if _SUFFIX_WORD.fullmatch(word) else ""
            )
            if suffix and before and _names_a_place(before.word, before.flag):
                found.append(_POINTING.sub("", before.word) + suffix)  # 那小沙(街道): 小沙街道
                continue
            if word.endswith(_LOCAL_SUFFIXES) and len(word) >= 3 and _names_a_place(word, flag):
                found.append(word)
        # The bulletin's own names are found where they stand, however jieba cuts around them (公告里说东岠).
        found += [
            name
            for name in sorted(self.local_names, key=text.find)
            if re.search(f"{re.escape(name)}(?!{'|'.join(_LOCAL_SUFFIXES)})", text)
        ]
        return [Place(name, _LOCAL) for name in dict.fromkeys(found)]

    def spelled(self, latin: str) -> str | None:
        """The place a pinyin spelling names (daishan -> 岱山, dongju -> 东岠), provinces and cities before counties,
        then the district's own places."""
        return _romanised().get(latin.lower()) or self._local_spellings.get(latin.lower())

    def is_home(self, place: Place) -> bool:
        return not place.local and (not self.home or place.code == self.home)

    def covers(self, place: Place, text: str) -> bool:
        """Does a passage speak of this place: naming it, or (for the home's province or city) its level?"""
        if self.is_home(place) or place.name in text:
            return True
        if place.local:
            return False
        level = _level(place.code)
        wider = level < 6 and self.home.startswith(place.code[:level])
        return wider and any(word in text for word in _LEVEL_WORDS.get(level, ()))


def _names_a_place(word: str, flag: str) -> bool:
    return (
        len(word) >= 2
        and word not in _NO_PLACE_BEFORE
        and flag.startswith(("n", "v"))
        and not word.startswith(_LOCAL_SUFFIXES)
    )


def _listed_places(text: str) -> list[str]:
    """The places a text lists before 等N个海岛/街道/镇 (盘峙、小盘峙、富翅、里钓等4个海岛)."""
    lists = re.findall(r"((?:[\u4e00-\u9fff]{2,4}、)+[\u4e00-\u9fff]{2,4})等\d+个(?:海岛|岛|街道|镇|乡|社区)", text)
    return [re.sub(r"^[在对向从于]", "", item) for listed in lists for item in listed.split("、")]


def corpus_period(text: str) -> int | None:
    """The year a bulletin reports on: the year its text names most often."""
    years = Counter(int(y) for y in _YEAR.findall(text))
    return years.most_common(1)[0][0] if years else None


def years_asked(text: str, period: int | None, asks_a_date: bool = False) -> tuple[int, ...]:
    """Years the question asks about; 去年 read as the bulletin's own period, as its text uses it, 今年 as the
    year it is asked in. When
    a date is asked, a year the asker recalls (…挂牌的，我记得是前年还是啥时候) is a guess at the answer."""
    if asks_a_date:
        text = _RECALLED.sub("", text)
    text = _OFFERED_YEARS.sub("", text)
    compared = set(_COMPARED_YEAR.findall(text))
    years = [int(y) for y in _YEAR.findall(text) if y not in compared]
    if period is not None and _CONTRASTED_LAST_YEAR.match(text):
        years.append(period - 1)  # 那去年在全市排第几呢: set against the period's figure, the year before it
    elif period is not None:
        years += [period + offset for word, offset in _RELATIVE_YEARS.items() if word in text]
    if _THIS_YEAR_ASKED.search(text):
        years.append(date.today().year)
    return tuple(dict.fromkeys(years))
