"""English questions, read as the Chinese question they ask: question words here, topic words from the thesaurus.

"How many buildings were covered by the old residential community renovation?" becomes
"老旧小区 改造 多少幢": the same analysis, retrieval and answer check then run as for Chinese, and the
answer quotes the Chinese bulletin. Names spelt in pinyin (Daishan County, Ningbo, Baiquan) are written
back in Chinese, so that the place check and the answer check see them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from functools import lru_cache

from ..text import Thesaurus
from .english_words import ASKED_NOUNS, MEASURES, PER_UNIT, QUESTION_WORDS
from .intent import LEVELS

_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# "there" as a place, not "is there" / "there are".
_THERE = re.compile(r"(?<!is )(?<!are )(?<!was )(?<!were )\bthere\b(?! (?:is|are|was|were|any)\b)")
# "how many are left": what remains.
_REMAINING = re.compile(r"\b(?:left|remain(?:s|ing)?)\b")
# "originally aiming to cultivate": what was planned (原计划), which the goal states, not what was done.
_PLANNED = re.compile(
    r"\boriginally\b|\b(?:aim(?:ed|ing)?|plann(?:ed|ing)|set out|intend(?:ed)?) to\b|\btarget(?:ed)? to\b"
)
_ORGANISED = re.compile(r"\borgani[sz](?:ed|es|ing|er|ers)\b|\bbehind\b|\blaunch(?:ed|es)?\b")
_WHAT_IS = re.compile(r"^\W*what(?:'s| is| was)\b")
_HOTLINE = re.compile(r"(?<![\d.,])(?!(?:19|20)\d\d(?!\d))\d{5,}(?![\d.,])")  # not a year, not 1,500
# "the whole lot", "all the campaigns": the campaign as a whole, whose organiser and totals the preamble gives.
_WHOLE_CAMPAIGN = re.compile(
    r"\b(?:whole|entire|overall) (?:lot|list|campaign|thing|programme|program)\b"
    r"|\ball (?:the |twelve |12 )?(?:campaigns|projects|crackdowns)\b"
    r"|\b(?:the|its) preamble\b"
)
_PERSON_TIMES = re.compile(r"\bpersons?[- ]times?\b|\bman[- ]times?\b|\bperson[- ]visits?\b")
# "the person-times figure is fine": fine as in all right, no penalty (罚没款).
_FINE_SAID = re.compile(
    r"\b(?:is|are|'s|be|was|that's|it's) (?:also |totally |perfectly |just )?fine\b|\bfine (?:by|with) me\b", re.I
)
_HEADS = re.compile(
    r"\b(?:individual|distinct|different|unique|separate)\s+(?:[a-z]+\s+)?(?:people|persons|carers|caregivers|workers|staff|trainees|individuals)\b"
)
# "in total": the whole asked, which a part of it (其中1家) does not answer.
_TOTAL = re.compile(r"\bin total\b|\baltogether\b|\btotal (?:number|count)\b")
_FALL = re.compile(r"\b(?:fall|fell|drop(?:ped)?|decreased?|declined?|reduced?|cut|lower(?:ed)?|go down|went down)\b")
# The words after "how many" up to the verb or a preposition; the counted noun is the last of them.
_COUNTED_END = re.compile(
    r"^(?:did|do|does|were|was|are|is|have|has|had|will|would|can|could|should|in|of|for|from|at|on|by|under|"
    r"across|after|before|during|with|been|got|get|received|that|who|which|there)$"
)
_COUNTED_WORDS = 5
_COUNT_NOUNS = ("次", "人", "户", "家", "件", "项")  # 次数, 人数: what a comparison counts
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
}
# "Not the recovered amount, the total loss.": what the asker does not mean is no part of the question.
_NOT_THIS = re.compile(r"^(?:not|i (?:don't|do not) mean|i'm not asking (?:about|for))\b[^,;]*[,;]\s*", re.I)
# "I can see what the police clawed back, but what did victims lose?": what comes before but is not asked.
_BUT = re.compile(r"^.*?,\s*but\s+(?=(?:what|how|which|who|when|where|is|are|was|were|did|do|does)\b)", re.I)
_DIGIT_WORDS = {"zero": "0", "oh": "0", **{w: str(n) for w, n in _NUMBER_WORDS.items() if n < 10}}
# "nine six one one zero": a number read out digit by digit, as a hotline is (96110).
_SPOKEN_DIGITS = re.compile(rf"\b(?:(?:{'|'.join(_DIGIT_WORDS)})[\s-]+){{2,}}(?:{'|'.join(_DIGIT_WORDS)})\b", re.I)
_SIDE_BY_SIDE = re.compile(r"\b(?:versus|vs\.?|compared (?:with|to)|or the|and the)\b")
_MISSPELT_FROM, _MISSPELT_CUTOFF = 6, 0.9  # letters from which, and how close, a typo is mended
_LOWER_CASE_SPELLING = 6  # letters from which a word in lower case may be pinyin (dinghai, not dean)
_COMPARED_WITH = r"\b(?:than|exceed(?:ed|s)?|compared (?:with|to)|versus|vs\.?|over)\s+(?:that of\s+|in\s+)?"
_SPAN_OF_YEARS = re.compile(r"\b(\d{1,2})\s*(?:to|and|-)\s*(\d{1,2})\s*years?\b")
_YEARS_LONG = re.compile(r"\b(\d{1,2})\s*years?\b")
# "how many implant sets did they buy, and by what percentage did the price fall": two questions.
_SECOND_QUESTION = re.compile(
    r"[,;]?\s+and\s+(?=(?:how|what|which|when|where|who|why|by (?:roughly |about |approximately |around )?(?:how|what)|are|is|was|were|did|do|does|has|have)\b)"
    r"|;\s*|\?\s+(?=\w)",
    re.I,
)
_STARTS_ASKING = re.compile(
    r"(?:how|what|which|when|where|who|why|is|are|was|were|did|do|does|has|have|can|could|would|will|by)\b", re.I
)
_ELLIPTICAL_WORDS = 4  # words up to which a later part (and by what percentage?) names nothing of its own
# "Of the 88 people involved, how many were …", "how many of those cases were …": a part of a whole.
_PART_OF_WHOLE = re.compile(
    r"\bof (?:the|those|these|them|all)\b.*?\bhow many\b|\bhow many of (?:the|those|these|them)\b"
)
_PART_VERB = re.compile(r"\b(?:were|was|are|is|got|get|gets|had|have|has|been|went|did)\b")
_CONTENT_LETTERS = 4
_GENERIC_WORDS = frozenset(
    "actually really exactly there then them those these they their that this what which with from into onto "
    "total told overall altogether roughly about around approximately still also finally eventually later "
    "were been have being does done".split()
)
_PRONOUN = re.compile(r"\b(?:it|they|them)\b", re.I)
# Words up to which an English question asks (what is the …), the rest naming what it asks about.
_ASKED_AFTER = frozenset("what what's which how many much is was are were did does do the a an of".split())
# "..., and how many in the dental spot checks?": the counted noun left out, as in the part before.
_ELIDED_NOUN = re.compile(r"^how many(?=\s+(?:in|at|for|from|of|during|were|was|did)\b)", re.I)


def english_parts(text: str) -> list[str]:
    """The questions an English message asks, each on its own (a counted noun left out taken from before)."""
    # "Give both numbers." asks nothing of its own.
    parts = [
        part
        for part in _SECOND_QUESTION.split(text)
        if part.strip() and (_question_phrase(part.lower()) or _WHAT_IS.match(part.lower()))
    ]
    if not parts:
        return [text]
    # "…switched off now? mine was blocked when i got my sim": a remark after the question asks nothing.
    parts = [part for part in parts if not _remark_after_question(text, part)] or parts
    for i in range(1, len(parts)):
        noun = " ".join(_counted_words(parts[i - 1].lower()))
        if noun and _ELIDED_NOUN.match(parts[i]):
            parts[i] = _ELIDED_NOUN.sub(f"how many {noun}", parts[i])
        elif _PRONOUN.search(parts[i]):
            # "what is the average price of an implant, and by what percentage did it fall?": it is the price.
            parts[i] = _PRONOUN.sub(lambda _, before=parts[i - 1]: _asked_about(before), parts[i], count=1)
        elif len(_LATIN_WORD.findall(parts[i])) <= _ELLIPTICAL_WORDS:
            # "what did the price drop to, and by what percentage?": asked of the same thing.
            parts[i] = f"{parts[i].rstrip('?. ')} {_asked_about(parts[i - 1])}?"
    return parts


def _remark_after_question(text: str, part: str) -> bool:
    """A sentence after a question mark that neither starts nor ends as a question does."""
    before = text[: text.find(part)].rstrip()
    return before.endswith("?") and not part.rstrip().endswith("?") and not _STARTS_ASKING.match(part.lstrip())


def _asked_about(part: str) -> str:
    """What an English question asks about: its words after the question phrase (the average price of …)."""
    words = re.findall(r"[A-Za-z0-9]+(?:'[a-z]+)?", part)  # 96110 of "What's 96110" too
    lowered = [w.lower() for w in words]
    # The last question word: a story before the question ("…on how district governments report…") asks nothing.
    start = max((i for i, w in enumerate(lowered) if w in ("what", "what's", "which", "how")), default=0)
    while start < len(words) and lowered[start] in _ASKED_AFTER:
        start += 1
    return " ".join(words[start:]) or "it"


def names_nothing(text: str, thesaurus: Thesaurus) -> bool:
    """Does an English question name nothing the bulletin has a term for (what was the success rate?)?"""
    return not _named_terms(_mended(_digits_written(text), _vocabulary(thesaurus)), thesaurus)


def _digits_written(text: str) -> str:
    """A number read out digit by digit (nine six one one zero) written as digits (96110)."""
    return _SPOKEN_DIGITS.sub(lambda m: "".join(_DIGIT_WORDS[w.lower()] for w in re.split(r"[\s-]+", m.group(0))), text)


def _named_terms(text: str, thesaurus: Thesaurus) -> list[str]:
    """The bulletin's terms for what an English sentence names (places aside)."""
    return [
        *_topic_terms(text, thesaurus),
        *re.findall(r"[\u4e00-\u9fff]+", text),  # a Chinese term the question quotes
        *_HOTLINE.findall(text),  # 96110: a number the bulletin names a line by
        *(["整个专项治理"] if _WHOLE_CAMPAIGN.search(text.lower()) else []),  # as 整个 says it in Chinese
    ]


def is_english(text: str) -> bool:
    """Mostly Latin letters and no more than a few Chinese characters (an English question may quote a term)."""
    return len(_LATIN.findall(text)) >= 8 and len(_HAN.findall(text)) <= len(_LATIN.findall(text)) // 4


_LATIN_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]+(?:'[a-z]+)?(?![A-Za-z])")


def spelled_names(text: str, spell: Callable[[str], str | None]) -> list[str]:
    """Chinese names an English text spells in pinyin (Daishan, Ningbo's, dinghai, Baiquan)."""
    names = [_spelled(match.group(0), spell) for match in _LATIN_WORD.finditer(text)]
    return list(dict.fromkeys(name for name in names if name))


def names_written_back(text: str, spell: Callable[[str], str | None]) -> str:
    """A Chinese question with names spelt in pinyin (hangzhou的三甲医院) written back in Chinese."""
    return _LATIN_WORD.sub(lambda match: _spelled(match.group(0), spell) or match.group(0), text)


def _spelled(word: str, spell: Callable[[str], str | None]) -> str | None:
    """A word in lower case is read only when long, as short ones are too often English."""
    key = re.sub(r"'s$|'", "", word).lower()
    return spell(key) if word[0].isupper() or len(key) >= _LOWER_CASE_SPELLING else None


def gloss(text: str, thesaurus: Thesaurus, spell: Callable[[str], str | None] = lambda _: None) -> str:
    """The Chinese question an English one asks, sentence by sentence (a story before the question stays a
    sentence of its own, as in a Chinese message): years, bulletin terms and names, per-unit words, then
    the question phrase."""
    text = _FINE_SAID.sub("", _mended(_digits_written(text), _vocabulary(thesaurus)))
    lowered = text.lower()
    sentences = [_NOT_THIS.sub("", _BUT.sub("", s)) for s in re.split(r"(?<=[.!?])\s+", text.strip())]
    glossed = [_gloss_sentence(s, thesaurus, spell) for s in sentences]
    # "The food allowance went up. Up to how much, per person?": a question naming nothing asks of the sentence before.
    for at in range(1, len(sentences)):
        if not glossed[at] and glossed[at - 1] and _question_phrase(sentences[at].lower()):
            glossed[at] = _gloss_sentence(f"{sentences[at - 1]} {sentences[at]}", thesaurus, spell)
    # "My cousin lives in Hangzhou. What's the price there?": there is the place the story named.
    for at in range(1, len(sentences)):
        if _THERE.search(sentences[at].lower()) and glossed[at]:
            named = [n for s in sentences[:at] for n in spelled_names(s, spell) if n not in glossed[at]]
            glossed[at] = " ".join([*named, glossed[at]])
    # "what was the success rate?" after a question on persuading people home: a question naming nothing asks
    # only its kind (比例多少), which the conversation's topic completes, as 那比例呢 would in Chinese.
    if not any(glossed) and not _named_terms(text, thesaurus) and _question_phrase(lowered):
        return _asking(lowered, thesaurus)  # the text is mended already: names_nothing would mend it again
    glossed = [g for g in glossed if g]
    # "the person-times figure is fine": people counted by visit (25人次); "counted as 25 person-times — how many
    # individual caregivers" states that figure and asks another.
    if _HEADS.search(lowered):
        glossed = [re.sub(r"多少(?:个|人)(?!次)", "多少名", g) for g in glossed]  # heads, as 多少名 asks them
    elif (times := _PERSON_TIMES.search(lowered)) and not re.search(r"\d\s*$", lowered[: times.start()]):
        glossed = [re.sub(r"多少(?:个|人)(?!次)", "多少人次", g) for g in glossed]
    # Nothing of the bulletin's: left as typed, for the scope guard to refuse.
    return "。".join(glossed) if glossed else text


@lru_cache(maxsize=4)
def _vocabulary(thesaurus: Thesaurus) -> frozenset[str]:
    """The English words the thesaurus knows (vegetable, procurement, homes)."""
    return frozenset(w for phrase, _ in thesaurus.entries for w in _LATIN_WORD.findall(phrase.lower()))


def _mended(text: str, vocabulary: frozenset[str]) -> str:
    """ "vegtable basket procurment": a long word one slip away from a thesaurus word is read as that word."""

    def mend(match: re.Match) -> str:
        word = match.group(0)
        if len(word) < _MISSPELT_FROM or word.lower() in vocabulary:
            return word
        close = difflib.get_close_matches(word.lower(), vocabulary, n=1, cutoff=_MISSPELT_CUTOFF)
        # department is no slip for departments, nor trained for training: another form of a word is left alone.
        if not close or close[0].startswith(word.lower()[:-1]) or word.lower().startswith(close[0][:-1]):
            return word
        return close[0]

    return _LATIN_WORD.sub(mend, text)


def _gloss_sentence(text: str, thesaurus: Thesaurus, spell: Callable[[str], str | None]) -> str:
    lowered = _with_digits(text.lower())
    terms = _named_terms(text, thesaurus)
    names = spelled_names(text, spell)
    terms += names
    # "As a student in Zhoushan, how do I extend my residence permit?": places alone, asked of nothing the
    # bulletin holds, leave the question to the scope guard.
    if not terms or (all(t in names or t in LEVELS for t in terms) and not _asks_something(lowered)):
        return ""
    # "exceed that of 2022", "compared with 2022": the year compared against (比2022年), not the one asked.
    years = [
        f"{'比' if compared else ''}{year}年"
        for compared, year in re.findall(rf"({_COMPARED_WITH})?\b((?:19|20)\d{{2}})\b", text.lower())
    ]
    spans = [f"{a}-{b}年" for a, b in _SPAN_OF_YEARS.findall(lowered)] or [
        f"{n}年" for n in _YEARS_LONG.findall(lowered)
    ]
    per_unit = [phrase for pattern, phrase in PER_UNIT if re.search(pattern, lowered)]
    total = ["一共"] if _TOTAL.search(lowered) else []
    total += ["还剩"] if _REMAINING.search(lowered) else []
    total += ["原计划"] if _PLANNED.search(lowered) else []
    # "canteens versus dental clinics", "the fuel dispenser and the noise pollution projects": things set side
    # by side, as 和 sets them in Chinese, so that each project named is answered.
    topics = ("和" if _SIDE_BY_SIDE.search(lowered) else " ").join(dict.fromkeys(terms))
    # The whole's terms (处理 of "the officials punished") name what the part is of, not the part asked.
    part = _part_unnamed(lowered, thesaurus)
    topics = "" if part else topics
    return " ".join([*years, topics, *part, *spans, *per_unit, *total, _asking(lowered, thesaurus)]).strip()


def _part_unnamed(lowered: str, thesaurus: Thesaurus) -> list[str]:
    """ "Of the 19 people dealt with, how many were expelled?": a part of a whole, asked by words the bulletin
    has no term for, kept as typed (其中 expelled), so that no clause counting the whole answers it."""
    whole = _PART_OF_WHOLE.search(lowered)
    if not whole:
        return []
    unnamed = _unnamed(_PART_VERB.split(lowered[whole.end() :])[-1], thesaurus)
    return ["其中", *unnamed] if unnamed else []


def _unnamed(lowered: str, thesaurus: Thesaurus) -> list[str]:
    """The content words the thesaurus has no term for, less the words that ask (rate, score, place)."""
    for phrase, _ in thesaurus.matches(lowered):
        lowered = re.sub(rf"\b{re.escape(phrase.lower())}\b", " ", lowered)
    return [
        w
        for w in _LATIN_WORD.findall(lowered)
        if len(w) >= _CONTENT_LETTERS and w not in _GENERIC_WORDS and w not in _asking_vocabulary()
    ]


@lru_cache(maxsize=1)
def _asking_vocabulary() -> frozenset[str]:
    """The words the question patterns are written in (percentage, score, place, called)."""
    patterns = [pattern for pattern, _ in (*QUESTION_WORDS, *ASKED_NOUNS, *PER_UNIT)]
    return frozenset(w for pattern in patterns for w in re.findall(r"[a-z]{4,}", re.sub(r"\\[a-z]", " ", pattern)))


def _topic_terms(text: str, thesaurus: Thesaurus) -> list[str]:
    """Bulletin terms for the English topic words; a phrase held in a longer one found (skills training in
    emergency skills training) stands for nothing of its own."""
    lowered = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text.lower())
    spans = []
    for phrase, terms in thesaurus.matches(text) + thesaurus.matches(lowered):
        found = re.search(rf"\b{re.escape(phrase.lower().replace('-', ' '))}\b", lowered)
        spans.append((found.span() if found else (0, 0), terms))
    return [
        term
        for (start, end), terms in spans
        if not any(s <= start and end <= e and (s, e) != (start, end) for (s, e), _ in spans)
        for term in terms
    ]


def _with_digits(lowered: str) -> str:
    return re.sub(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", lambda m: str(_NUMBER_WORDS[m.group(1)]), lowered)


def _counted_words(lowered: str) -> list[str]:
    """The words after "how many" up to the verb or preposition (gas station inspections)."""
    after = re.search(r"\b(?:how many|number of)\s+(.*)", lowered)
    words = re.findall(r"[a-z]+", after.group(1).replace("-", " "))[:_COUNTED_WORDS] if after else []
    end = next((i for i, word in enumerate(words) if _COUNTED_END.match(word)), len(words))
    return words[:end]


def _asks_something(lowered: str) -> bool:
    return bool(_question_phrase(lowered) or any(re.search(pattern, lowered) for pattern, _ in ASKED_NOUNS))


def _question_phrase(lowered: str) -> str:
    found = [(m.start(), phrase) for pattern, phrase in QUESTION_WORDS for m in [re.search(pattern, lowered)] if m]
    return min(found, key=lambda hit: hit[0])[1] if found else ""


def _asking(lowered: str, thesaurus: Thesaurus) -> str:
    """The Chinese question phrase: the question word nearest the start, else the asked noun."""
    phrase = _question_phrase(lowered) or next(
        (phrase for pattern, phrase in ASKED_NOUNS if re.search(pattern, lowered)), ""
    )
    if phrase == "哪个部门牵头" and _ORGANISED.search(lowered):
        return "是谁组织"  # who organised it: the campaign's organiser where no project is named
    if phrase == "CHANGE":
        # by how many places did it improve: a move in rank (提升27名), not in score.
        places = "名" if re.search(r"\b(?:places|positions|spots|ranks)\b", lowered) else ""
        return ("降了多少" if _FALL.search(lowered) else "提高了多少") + places
    if phrase == "多少":
        if quoted := re.search(r"\b(?:how many|number of)\s+([\u4e00-\u9fff]+)", lowered):
            return phrase + quoted.group(1)  # how many 特困人员: counted as the Chinese term is
        counted = _counted_words(lowered)
        # A count of something with no measure word here (ambulances) is a count of things: 多少个, not any
        # figure, with the bulletin's word for it after, as in Chinese (how many problems: 多少个问题).
        # "the 960 implant sets … how many did each institution buy": what was named before is counted.
        before = re.findall(r"[a-z]+", lowered[: lowered.find("how many")]) if "how many" in lowered else []
        measure = _measure(counted) or ("个" if counted else _measure(before))
        if measure != "个" or not counted:
            return phrase + measure
        return phrase + "个" + next((t for _, terms in thesaurus.matches(counted[-1]) for t in terms[:1]), "")
    if phrase == "哪个多":
        more = re.search(r"\b(?:more|fewer|less|higher|lower|bigger|larger|smaller)\s+([a-z]+)", lowered)
        measure = _measure([more.group(1)]) if more else ""
        # "more inspections": 哪个检查次数多, the bulletin's word for what is compared and its count.
        term = next((t for _, terms in thesaurus.matches(more.group(1)) for t in terms[:1]), "") if more else ""
        return f"哪个{term}{measure}数多" if measure in _COUNT_NOUNS else phrase
    return phrase


def _measure(words: list[str]) -> str:
    """The measure word of the counted noun: the last of the words that has one."""
    return next((m for word in reversed(words) for pattern, m in MEASURES if re.fullmatch(pattern, word)), "")
