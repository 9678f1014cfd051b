"""Figures in Chinese text: the numbers a text holds, and figures normalised so that an answer's can be
checked against its quotes (the extractive answer's guard and the LLM verifier use the same check).

"３６个", "三十六个" and "36个" are the same figure; so are "5千万元" and "5000万元", "百分之四十五" and
"45%", "2023-12" and "2023年12月". A figure in an answer is supported when a quote holds the same
value (a date: the same year/month/day for every part the answer states). Rounding, converting or
adding up is not supported: the model is told to copy figures exactly.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import cn2an

from .schema import MARKER

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_RUN = "零〇一二两三四五六七八九十百千"
# A numeral run, or a lone numeral that counts something (三个, 五年, 三到五年): 一共 and 一下 stay words.
_BARE_MAGNITUDE = re.compile(r"(?<![零〇一二两三四五六七八九十百千\d])(百万|千万)")
_ROUGHLY = re.compile(r"一二|两三|二三|三四|四五|五六|六七|七八|八九")
_NUMERALS = re.compile(
    r"百分之[零〇一二两三四五六七八九十百点]+|[零〇一二两三四五六七八九十百千万]{2,}"
    r"|(?<![哪某])[一二两三四五六七八九十](?=[个家户次人名件套所处起项年月期条篇份幢颗岁倍天位到至])"
)
_DECIMAL = re.compile(r"([零〇一二两三四五六七八九十百千]+)点([零一二三四五六七八九]+)(万|亿)?")
_PERCENT_WORDS = re.compile(r"百分之(\d+(?:\.\d+)?)")
# Words that make a Chinese numeral a count or an amount ("三十六个", "五千万元"), not a word ("十分", "一起").
_MEASURES = (
    "个|项|次|家|人|名|所|件|条|篇|期|户|元|年|月|日|号|倍|批|场|处|份|套|辆|座|轮|岁|天|周|小时|亩|"
    "平方米|公里|米|吨|笔|例|类|种|支|位|间|张|部|台|本|块|万|亿|%"
)
_CN_NUMBER = re.compile(rf"[{_CN_RUN}]+(?=(?:万|亿)?(?:{_MEASURES}))")
_PERCENT_IN_WORDS = re.compile(rf"百分之([{_CN_RUN}点\d.]+)")
_LIST_ENUMERATOR = re.compile(r"(?m)^\s*(?:\d{1,2}\s*[.、)]|\(\d{1,2}\))\s*")
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d,])")
_ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/]\s*(\d{1,2})(?:\s*[-/]\s*(\d{1,2}))?(?!\d)")
_DATE = re.compile(
    r"(?:(\d{4})\s*年)(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?)?"
    r"|(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?"
)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(千万|百万|万亿|万|亿|千)?")
_SCALE = {None: 1, "千": 10**3, "万": 10**4, "百万": 10**6, "千万": 10**7, "亿": 10**8, "万亿": 10**12}


NUMBER = re.compile(r"\d+(?:\.\d+)?")


def numbers_in(text: str) -> set[str]:
    return set(NUMBER.findall(text))


def long_figures(figures: set[str] | frozenset[str], digits: int) -> set[str]:
    """The figures of at least ``digits`` digits (1132.4, 96110): long enough to name the one clause stating them."""
    return {f for f in figures if len(f.replace(".", "")) >= digits}


def rounds_to(rough: str, numbers: set[str]) -> bool:
    """Does one of ``numbers`` round down to the rough figure (120 of 120多万: 124.839742; 1500 of 1500余: 1532)?"""
    places = len(rough) - len(rough.rstrip("0")) if "." not in rough else 0
    low = float(rough)
    high = low + 10 ** max(places, 1)
    return any(low <= float(n) < high for n in numbers)


def strip_markers(answer: str) -> str:
    return MARKER.sub("", answer)


# 3-5 年未安置: a stray space of the bulletin's between a figure and its words, closed in answers.
_SPACED_FIGURE = re.compile(r"(?<=\d) +(?=[\u4e00-\u9fff%])|(?<=[\u4e00-\u9fff]) +(?=\d)")


def close_spaced_figures(text: str) -> str:
    return _SPACED_FIGURE.sub("", text)


@dataclass(frozen=True)
class Figure:
    kind: str  # "num", "pct" or "date"
    value: Decimal | tuple[int | None, int | None, int | None]
    surface: str  # as written (after normalisation), for messages


def chinese_to_int(run: str) -> int | None:
    """'三十六' -> 36, '一百零五' -> 105, '二〇二三' -> 2023, '十' -> 10; None if it is not a number ('三四十': a guess)."""
    if not run or any(c not in _CN_RUN for c in run) or _ROUGHLY.search(run):
        return None
    try:
        return int(cn2an.cn2an(run, "smart"))
    except ValueError:
        return None


_SPOKEN_ONE = re.compile(r"(?<=[零〇一二三四五六七八九幺])幺|幺(?=[零〇一二三四五六七八九幺])")


def arabic_numerals(text: str) -> str:
    """Chinese numerals as digits, so 三十六个问题 meets 36个 and 九六一一零 meets 96110."""

    def digits(match: re.Match) -> str:
        if _ROUGHLY.fullmatch(match.group(0)):
            return match.group(0)  # 三四年, 两三个: a rough guess, not the figure 34
        with warnings.catch_warnings():  # a run cn2an cannot read (百万 alone) stays as typed
            warnings.simplefilter("ignore", UserWarning)
            return cn2an.transform(match.group(0), "cn2an")

    def decimal(match: re.Match) -> str:  # 一千一百三十二点四万: cn2an reads the number, not the 万 after it
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            whole = cn2an.transform(match.group(1), "cn2an")
        fraction = "".join(str("零一二三四五六七八九".index(c)) for c in match.group(2))
        return f"{whole}.{fraction}{match.group(3)}"

    text = _SPOKEN_ONE.sub("一", text)  # 九六幺幺零: 幺 is how 1 is read out in numbers
    text = _BARE_MAGNITUDE.sub(r"一\1", text)  # 百万电诈警情: one million, as 一百万 is
    converted = _NUMERALS.sub(digits, _DECIMAL.sub(decimal, text))
    return _PERCENT_WORDS.sub(r"\1%", converted)  # 百分之93.75 -> 93.75%


def _chinese_numbers_to_digits(text: str) -> str:
    def convert(match: re.Match) -> str:
        run = match.group(0)
        if run == "一" or run in ("千", "百"):  # "一个", "一起", "千万": words far more often than figures
            return run
        value = chinese_to_int(run)
        return run if value is None else str(value)

    return _CN_NUMBER.sub(convert, text)


def _percent_words(match: re.Match) -> str:
    words = match.group(1)
    whole, _, fraction = words.replace("点", ".").partition(".")
    value = whole if whole.isdigit() else chinese_to_int(whole)
    if value is None:
        return match.group(0)
    digits = "".join(str(_CN_DIGIT.get(c, c)) for c in fraction)
    return f"{value}.{digits}%" if digits else f"{value}%"


def normalize_figures(text: str) -> str:
    """Text with every figure written the same way: ASCII digits, %, Y年M月D日, no thousands commas."""
    text = unicodedata.normalize("NFKC", text)
    text = MARKER.sub(" ", text)
    text = _LIST_ENUMERATOR.sub("", text)
    text = _PERCENT_IN_WORDS.sub(_percent_words, text)
    text = _chinese_numbers_to_digits(text)
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)
    return _ISO_DATE.sub(lambda m: f"{m[1]}年{int(m[2])}月" + (f"{int(m[3])}日" if m[3] else ""), text)


def figures(text: str) -> list[Figure]:
    """Dates, percentages and amounts (with 千/万/亿 applied) in the text, in order."""
    text = normalize_figures(text)
    found: list[Figure] = []

    def date(match: re.Match) -> str:
        year, month, day = match[1], match[2] or match[4], match[3] or match[5]
        found.append(Figure("date", tuple(int(x) if x else None for x in (year, month, day)), match.group(0)))
        return " "

    def percent(match: re.Match) -> str:
        found.append(Figure("pct", Decimal(match[1]).normalize(), match.group(0)))
        return " "

    text = _DATE.sub(date, text)
    text = _PERCENT.sub(percent, text)
    for match in _AMOUNT.finditer(text):
        try:
            value = (Decimal(match[1]) * _SCALE[match[2]]).normalize()
        except InvalidOperation:  # pragma: no cover - the pattern only matches decimals
            continue
        found.append(Figure("num", value, match.group(0).strip()))
    return found


def _supports(quoted: list[Figure], figure: Figure) -> bool:
    if figure.kind == "date":
        stated = [(i, part) for i, part in enumerate(figure.value) if part is not None]
        return any(q.kind == "date" and all(q.value[i] == part for i, part in stated) for q in quoted)
    if figure.kind == "pct":
        return any(q.kind == "pct" and q.value == figure.value for q in quoted)
    date_parts = {Decimal(p) for q in quoted if q.kind == "date" for p in q.value if p is not None}
    return figure.value in date_parts or any(q.kind == "num" and q.value == figure.value for q in quoted)


def unsupported_figures(answer: str, quotes: list[str]) -> list[str]:
    """Figures the answer states (markers ignored) that none of the quotes holds, as written."""
    quoted = [f for quote in quotes for f in figures(quote)]
    missing = [f.surface for f in figures(answer) if not _supports(quoted, f)]
    return list(dict.fromkeys(missing))
