"""English questions, read as the Chinese question they ask: question words here, topic words from the thesaurus.

"How many buildings were covered by the old residential community renovation?" becomes
"老旧小区 改造 多少幢": the same analysis, retrieval and answer check then run as for Chinese, and the
answer quotes the Chinese bulletin.
"""

from __future__ import annotations

import re

from ..text import Thesaurus

_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# What is asked, in the order tried: the first match gives the Chinese question phrase.
_ASKING = (
    (r"\bhow many times\b", "多少次"),
    (r"\bhow many\b|\bnumber of\b|\bhow often\b", "多少"),
    (r"\bhow much\b|\bprice\b|\bcost\b|\bfine[sd]?\b|\bmoney\b|\bamount\b", "多少钱"),
    (r"\bwhen\b|\bwhat (?:year|month|date|time)\b|\bwhich (?:year|month)\b", "什么时候"),
    (r"\bwho\b|\bwhich (?:department|agency|unit|office|bureau|authority|organi[sz]ation)\b|\bin charge\b"
     r"|\bresponsible\b|\blead(?:s|ing)?\b|\bled by\b|\borgani[sz]ed\b", "哪个部门牵头"),
    (r"\bgoals?\b|\baims?\b|\bobjectives?\b|\btargets?\b|\bpurpose\b", "目标是什么"),
    (r"\brank(?:ing|ed)?\b|\bplace\b|\bposition\b", "排名第几"),
    (r"\brates?\b|\bpercent(?:age)?\b|\bproportion\b|\bby how much\b", "比例多少"),
    (r"\bscore\b|\bpoints\b", "多少分"),
    (r"\bwhat is (?:it|the \w+) called\b|\bname of\b|\bcalled\b|\bnamed\b", "叫什么"),
    (r"\bwhich\b|\bwhat are\b|\blist\b", "有哪些"),
    (r"\bresults?\b|\bachieve(?:d|ments?)?\b|\bwhat (?:was|has been|have been) done\b|\bprogress\b", "取得了什么成果"),
    (r"^(?:is|are|was|were|did|does|do|has|have)\b", "吗"),
)
# 多少 with the counted noun's measure word, so that the count check knows what is counted.
_MEASURES = (
    (r"\bbuildings?\b", "幢"),
    (r"\bhouseholds?\b|\bfamilies\b", "户"),
    (r"\bschools?\b", "所"),
    (r"\bpeople\b|\bpersons?\b|\bsuspects?\b|\bstaff\b|\bworkers?\b", "人"),
    (r"\bcases\b", "件"),
    (r"\btimes\b|\binspections?\b|\bchecks?\b|\bsessions?\b", "次"),
    (r"\bstations?\b|\binstitutions?\b|\bcompanies\b|\benterprises\b|\bhospitals?\b", "家"),
    (r"\bsets?\b|\bimplants?\b", "套"),
    (r"\bproblems?\b|\bissues?\b|\bblocks?\b|\bgangs?\b", "个"),
)


def is_english(text: str) -> bool:
    """Mostly Latin letters and no more than a few Chinese characters (an English question may quote a term)."""
    return len(_LATIN.findall(text)) >= 8 and len(_HAN.findall(text)) <= len(_LATIN.findall(text)) // 4


def gloss(text: str, thesaurus: Thesaurus) -> str:
    """The Chinese question an English one asks: bulletin terms, years, then the question phrase."""
    lowered = text.lower()
    terms = [t for _, targets in thesaurus.matches(text) for t in targets]
    terms += re.findall(r"[\u4e00-\u9fff]+", text)  # a Chinese term the question quotes
    if not terms:
        return text  # nothing of the bulletin's: left as typed, for the scope guard to refuse
    years = [f"{y}年" for y in re.findall(r"\b(?:19|20)\d{2}\b", text)]
    asking = next((phrase for pattern, phrase in _ASKING if re.search(pattern, lowered)), "")
    if asking == "多少":
        asking += next((m for pattern, m in _MEASURES if re.search(pattern, lowered)), "")
    return " ".join([*years, *dict.fromkeys(terms), asking]).strip()
