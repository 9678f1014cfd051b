"""Bulletins over the years: which bulletin a question is about, and answers that name it.

A folder may hold one district's bulletins of several years. Each bulletin is answered by its own
single-bulletin engine (exactly the engine one bulletin gets), and this module only chooses among them:
no year (or 现在/目前/最新) → the latest bulletin that answers; a year → the bulletin reporting it (a year
none reports goes to the latest, whose answer check abstains on another year, as for one bulletin);
比去年/和2023年比/有什么变化 → the figure of each bulletin, each cited, and no figure of its own.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..corpus import TITLE, Document
from ..schema import MARKER, Answer
from .places import corpus_period, years_asked

Ask = Callable[[str, list[dict]], Answer]
# 和去年比, 比2023年, 与上一年相比: the year a comparison is made against.
_COMPARED = re.compile(
    r"(?:和|与|跟|同|比|较|对比)\s*(去年|前年|上一?年|(?:19|20)\d{2}\s*年)(?:的)?(?:相比|比较|对比|比)?[，,]?"
)
_CHANGE = re.compile(r"(?:有|发生了)?(?:什么|啥|哪些|何)?(?:变化|不同|区别|差别)")
_BACK = {"去年": 1, "上年": 1, "上一年": 1, "前年": 2}
_ASKS = re.compile(r"多少|几|哪|什么|谁|吗|怎么|如何|是否")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_HEADING = re.compile(r"^[^：。\[]{2,40}：")  # 口腔种植医疗服务提质降费专项治理：


@dataclass(frozen=True)
class Bulletin:
    document: Document
    year: int | None  # the last year it reports: its metadata's period, else the year its text names most
    ask: Ask

    @property
    def name(self) -> str:
        """2024年公告: short enough for a phone's answer; its citations carry the full title."""
        period = self.document.meta.period or (str(self.year) if self.year else "")
        return f"{period}年公告" if period else f"《{self.document.label}》"


def bulletin_year(document: Document) -> int | None:
    return document.meta.last_year or corpus_period(document.text)


def spans_years(documents: list[Document]) -> bool:
    """Several bulletins of different years: what this module is for (one year's bulletins are one corpus)."""
    return len({bulletin_year(d) for d in documents} - {None}) > 1


class Years:
    def __init__(self, bulletins: list[Bulletin]) -> None:
        # Oldest first; of one year, the later published last.
        self.bulletins = sorted(bulletins, key=lambda b: (b.year or 0, b.document.meta.published or ""))

    @property
    def latest(self) -> Bulletin:
        return self.bulletins[-1]

    def of_year(self, year: int) -> Bulletin | None:
        return next((b for b in reversed(self.bulletins) if b.year == year), None)

    def ask(self, question: str, history: list[dict]) -> Answer:
        compared = _COMPARED.search(question)
        if compared or _CHANGE.search(question):
            return self._compare(question, compared, history)
        asked = years_asked(question, self.latest.year)
        if asked:
            # A year no bulletin reports goes to the latest, whose check abstains on another year.
            chosen = self.of_year(asked[0]) or self.latest
            return self._named(chosen, chosen.ask(question, history))
        first = None
        for bulletin in reversed(self.bulletins):  # the latest bulletin that answers
            answer = bulletin.ask(question, history)
            if answer.found:
                return self._listed(self._named(bulletin, answer))
            first = first or answer
        return first

    def _compare(self, question: str, compared: re.Match | None, history: list[dict]) -> Answer:
        """Each bulletin's own answer to the question without its comparison, each named and cited."""
        rest = _CHANGE.sub("", _COMPARED.sub("", question)) if compared else _CHANGE.sub("", question)
        asked = years_asked(rest, self.latest.year)
        now = (self.of_year(asked[0]) if asked else None) or self.latest
        rest = _YEAR.sub("", re.sub(r"(?:19|20)\d{2}\s*年|今年|去年|前年", "", rest)).strip("，, ")
        if not _ASKS.search(rest):
            rest += "是多少"
        before = self._before(now, compared.group(1) if compared else "")
        if before is None:
            return now.ask(question, history)
        answers = [(b, b.ask(rest, history)) for b in (now, before)]
        return _joined([(f"{b.name}：", a) for b, a in answers], found=all(a.found for _, a in answers))

    def _before(self, now: Bulletin, word: str) -> Bulletin | None:
        if year := _YEAR.search(word):
            return self.of_year(int(year.group(0)))
        if word in _BACK and now.year:
            return self.of_year(now.year - _BACK[word])
        earlier = [b for b in self.bulletins if (b.year or 0) < (now.year or 0)]
        return earlier[-1] if earlier else None

    @staticmethod
    def _named(bulletin: Bulletin, answer: Answer) -> Answer:
        if not answer.found:
            return answer
        return dataclasses.replace(answer, answer=f"据{bulletin.name}：{answer.answer}")

    def _listed(self, answer: Answer) -> Answer:
        """A list of projects (titles and leads only) says in which years' bulletins each appears."""
        if not answer.citations or any(c.project == 0 or c.field not in (TITLE, "牵头单位") for c in answer.citations):
            return answer
        years = {
            title: "、".join(
                f"{b.year}年" for b in self.bulletins if b.year and any(p.title == title for p in b.document.projects)
            )
            for title in dict.fromkeys(c.title for c in answer.citations)
        }
        if len(set(years.values())) == 1:
            note = f"（{'这个项目' if len(years) == 1 else '这些项目'}见于{next(iter(years.values()))}的公告）"
        else:
            note = "（" + "；".join(f"{title}见于{found}的公告" for title, found in years.items()) + "）"
        return dataclasses.replace(answer, answer=answer.answer + note)


def _joined(parts: list[tuple[str, Answer]], *, found: bool) -> Answer:
    """Answers one after another, each after its heading, their citations renumbered in order; the project
    they share named once, in front."""
    shared = _HEADING.match(parts[0][1].answer)
    shared = shared.group(0) if shared and all(a.answer.startswith(shared.group(0)) for _, a in parts) else ""
    pieces, citations = [], []
    for heading, answer in parts:
        offset = len(citations)
        body = MARKER.sub(lambda m, o=offset: f"[{int(m.group(1)) + o}]", answer.answer[len(shared) :])
        pieces.append(f"{heading}{body.rstrip('。')}")
        citations += [dataclasses.replace(c, n=c.n + offset) for c in answer.citations]
    confidence = min(a.confidence for _, a in parts)
    text = shared + "；".join(pieces) + "。"
    return Answer(text, found, citations, confidence, any(a.degraded for _, a in parts))
