"""HTML fragments for the chat, the staff tools and the project pages: the data each template shows.

The markup is in templates/ (``parts.html`` holds the shared pieces: an answer with its sources, a source link,
the turn log, a project's original text with the cited span marked); this module only shapes answers, hits and
projects into the plain values those templates fill in, and Jinja escapes every one of them.
"""

from __future__ import annotations

import time
from itertools import pairwise

from ..corpus import FIELDS, GOAL, PREAMBLE_FIELD, RESULTS, Document, Project
from ..schema import MARKER
from .catalog import bulletin_name
from .sources import citation_url, copy_text, project_url, source_line, where
from .templating import fragment, render

_ITEM_MARKER_CHARS = set("0123456789.．、 \u3000一二三四五六七八九十是")
_PUNCTUATION = set(" \t\r\n\u3000，。、；：？！,.;:?!“”‘’()（）《》【】-—")
TERM_MAX = 12  # longest run of query characters highlighted as one word
GAP_KINDS = {"refused": "未能回答", "low_confidence": "把握不大", "thumbs_down": "差评"}
DEFAULT_WELCOME = (
    "您好！我可以回答公告中专项治理项目的牵头单位、治理目标和治理成果。每个回答都注明出处，点击出处可查看公告原文。"
)


def welcome(documents: list[Document]) -> str:
    """The first message of a conversation: what the bulletins on this server can answer."""
    titles = "、".join(f"《{d.label}》" for d in documents)
    count = sum(1 for d in documents for p in d.projects if p.number)
    return (
        f"您好！我可以回答{titles}中{count}个专项治理项目的牵头单位、治理目标和治理成果。"
        "每个回答都注明出处，点击出处可查看公告原文。"
    )


# ---------------------------------------------------------------- answers and conversations
def answer_view(answer: dict) -> dict:
    """The answer's text cut at its [n] markers (each a link to its source), its note and its numbered sources."""
    citations = {int(c["n"]): c for c in answer.get("citations", [])}
    pieces, position, text = [], 0, answer.get("answer", "")
    for match in MARKER.finditer(text):
        pieces.append({"text": text[position : match.start()]})
        citation = citations.get(int(match.group(1)))
        link = {"url": citation_url(citation), "label": f"来源{match.group(1)}：{where(citation)}"} if citation else {}
        pieces.append({"text": match.group(0), **link})
        position = match.end()
    pieces.append({"text": text[position:]})
    sources = [{"n": n, "where": where(c), "quote": c["quote"], "url": citation_url(c)} for n, c in citations.items()]
    return {"pieces": pieces, "note": answer.get("note", ""), "sources": sources, "found": bool(answer.get("found"))}


def answer_html(answer: dict) -> str:
    """The answer with tappable [n] markers and, beneath it, its numbered sources with quotes."""
    return fragment("answer", answer_view(answer))


def conversation_html(turns: list[dict], titles: dict[str, str] | None = None, welcome: str = DEFAULT_WELCOME) -> str:
    """Turns are {"question", "answer"} exchanges, {"notice"} messages (rate limit, bad input) or one
    {"question", "pending"} exchange whose answer the model is still writing (plain text, no sources).
    With the bulletins' ``titles`` each answer gets its copy and share buttons (copy: the answer with its source
    line; share: a link asking the same question)."""
    shaped = []
    for turn in turns:
        if "answer" in turn:
            view = answer_view(turn["answer"])
            copy = copy_text(turn["answer"], titles) if titles is not None else None
            turn = {**turn, "answer": view, "copy_text": copy}
        shaped.append(turn)
    return fragment("turn_log", shaped, welcome)


# ---------------------------------------------------------------- original text with the cited span marked
def _paragraph_starts(document: Document, project: Project, field_name: str) -> list[int]:
    """Where numbered items (1. 2. or 一是 二是) begin inside a field, so each gets its own paragraph."""
    span = project.fields[field_name]
    starts = []
    for unit in project.units:
        if unit.kind != "item" or unit.field != field_name:
            continue
        position = unit.start
        while position > span.start and document.text[position - 1] in _ITEM_MARKER_CHARS:
            position -= 1
        if position > span.start:
            starts.append(position)
    return starts


def _pieces(text: str, start: int, end: int, low: int | None, high: int | None) -> list[dict]:
    """text[start:end] as pieces, the part inside [low, high) marked."""
    if low is None or high is None or high <= start or low >= end:
        return [{"text": text[start:end]}]
    a, b = max(start, low), min(end, high)
    return [{"text": text[start:a]}, {"text": text[a:b], "mark": True}, {"text": text[b:end]}]


def project_view(document: Document, project: Project, low: int | None = None, high: int | None = None) -> dict:
    """A project's fields as paragraphs of pieces, the span [low, high) marked (the first mark gets #zq-hl)."""
    names = [PREAMBLE_FIELD] if not project.number else [f for f in FIELDS if f in project.fields]
    rows, first = [], True
    for name in names:
        span = project.fields[name]
        bounds = [span.start, *_paragraph_starts(document, project, name), span.end]
        paragraphs = [_pieces(document.text, a, b, low, high) for a, b in pairwise(bounds) if b > a]
        for piece in (p for paragraph in paragraphs for p in paragraph if p.get("mark")):
            piece["first"], first = first, False
        rows.append({"name": name, "paragraphs": paragraphs})
    title = "总体情况" if not project.number else f"第{project.number}项 {project.title}"
    return {"number": project.number, "document": document.label, "title": title, "rows": rows}


def project_html(document: Document, project: Project, low: int | None = None, high: int | None = None) -> str:
    """A project's fields from the original text, the span [low, high) highlighted (first mark: #zq-hl)."""
    return fragment("project", project_view(document, project, low, high))


def valid_highlight(document: Document, project: Project, low: int | None, high: int | None) -> bool:
    if low is None or high is None:
        return False
    start, end = project.span
    return 0 <= start <= low < high <= end <= len(document.text)


# ---------------------------------------------------------------- staff: search hits, directory, gaps
def matched_ranges(text: str, query: str, shortest: int = 2) -> list[tuple[int, int]]:
    """Greedy longest runs of ``text`` that also occur in ``query`` (Chinese has no spaces to split on)."""
    query = "".join(query.split())
    shortest = 1 if len(query) < shortest else shortest
    ranges, i = [], 0
    while i < len(text):
        size = 0
        for length in range(min(TERM_MAX, len(text) - i), shortest - 1, -1):
            piece = text[i : i + length]
            if piece in query and not set(piece) <= _PUNCTUATION:
                size = length
                break
        if size:
            ranges.append((i, i + size))
            i += size
        else:
            i += 1
    return ranges


def marked_terms(text: str, query: str) -> list[dict]:
    """``text`` as pieces, the runs it shares with the query marked."""
    pieces, position = [], 0
    for a, b in matched_ranges(text, query):
        pieces += [{"text": text[position:a]}, {"text": text[a:b], "mark": True}]
        position = b
    return [*pieces, {"text": text[position:]}]


def hits_html(hits: list[dict], query: str, titles: dict[str, str]) -> str:
    shaped = []
    for hit in hits:
        line = source_line([hit], titles)
        pieces = marked_terms(hit["text"], query)
        url = citation_url(hit)
        shaped.append(
            {"where": where(hit), "pieces": pieces, "source": line, "url": url, "copy_text": hit["text"] + line}
        )
    return render("hits.html", hits=shaped)


def staff_answer_html(answer: dict, titles: dict[str, str]) -> str:
    return render("staff_answer.html", answer=answer_view(answer), copy_text=copy_text(answer, titles))


def directory_projects(documents: list[Document]) -> list[dict]:
    """Every numbered project: its title, lead, goal and results ("" where it has no such field), its page."""
    return [
        {
            "doc": document.id,
            "number": project.number,
            "title": project.title,
            "lead": project.lead,
            "goal": getattr(project.fields.get(GOAL), "text", ""),
            "results": getattr(project.fields.get(RESULTS), "text", ""),
            "url": project_url(project.number, document.id),
        }
        for document in documents
        for project in document.projects
        if project.number
    ]


def directory_html(documents: list[Document]) -> str:
    """The directory; each project followed by its bulletin's name where there are several."""
    names = {d.id: bulletin_name(d) for d in documents} if len(documents) > 1 else {}
    projects = [{**p, "bulletin": names.get(p["doc"], "")} for p in directory_projects(documents)]
    return render("directory.html", projects=projects)


def gaps_html(report: dict) -> str:
    if not report.get("available", True):
        return render("gaps.html", available=False)
    gaps = []
    for gap in report["gaps"]:
        # distinct clients, not requests: one client asking again and again does not push a question up
        asked = [f"{gap['asked']} 人问过"] if gap["asked"] else []
        gaps.append(
            {
                "question": gap["question"],
                "kinds": [GAP_KINDS.get(k, k) for k in gap["kinds"]],
                "times": " · ".join(asked + ([f"{gap['down']} 人差评"] if gap["down"] else [])),
                "when": time.strftime("%Y-%m-%d %H:%M", time.localtime(gap["last"])),
                "comments": gap["comments"],
            }
        )
    return render("gaps.html", available=True, counts=report["counts"], gaps=gaps)
