"""How a citation is named and linked: the original-text page's address, its place in the bulletin, the source
line pasted after a copied answer. Plain text and URLs only; the pages' markup is in templates/."""

from __future__ import annotations

from urllib.parse import urlencode

from ..corpus import PREAMBLE_FIELD
from ..schema import MARKER


def project_url(number: int, doc: str | None = None, start: int | None = None, end: int | None = None) -> str:
    """``/project/3?doc=bulletin&start=10&end=20``: a project's original text, the span [start, end) marked."""
    query = {"doc": doc} if doc else {}
    if start is not None and end is not None:
        query.update(start=int(start), end=int(end))
    return f"/project/{int(number)}" + (f"?{urlencode(query)}" if query else "")


def citation_url(citation: dict) -> str:
    """The cited span's page, scrolled to the span."""
    return project_url(citation["project"], citation["doc"], citation["start"], citation["end"]) + "#zq-hl"


def where(citation: dict) -> str:
    """``第10项 口腔种植医疗服务提质降费专项治理 · 治理成果 · 2023年公告``: the bulletin last, by the period it
    reports where known (what tells several years' bulletins apart), else by its title."""
    label = (
        f"公告{PREAMBLE_FIELD}"
        if not citation.get("project")
        else f"第{int(citation['project'])}项 {citation['title']} · {citation['field']}"
    )
    source = f"{citation['period']}年公告" if citation.get("period") else citation.get("doc_title")
    return f"{label} · {source}" if source else label


def source_line(citations: list[dict], titles: dict[str, str]) -> str:
    """``（来源：定海区专项治理成果公告 第10项 口腔种植医疗服务提质降费专项治理·治理成果）``."""
    groups: dict[tuple[str, int], tuple[str, list[str]]] = {}
    names = {}
    for c in citations:
        # The bulletin as the citation names it (title and period), else as the page knows it.
        name = c.get("doc_title") or titles.get(c["doc"], c["doc"])
        period = c.get("period")
        names[c["doc"]] = f"{name}（{period}年）" if period and period not in name else name
        _, fields = groups.setdefault((c["doc"], int(c["project"])), (c["title"], []))
        if c["field"] not in fields:
            fields.append(c["field"])
    parts = []
    for (doc, number), (title, fields) in groups.items():
        name = names[doc]
        if number:
            parts.append(f"{name} 第{number}项 {title}·{'、'.join(fields)}")
        else:
            parts.append(f"{name}·{'、'.join(fields)}")
    return f"（来源：{'；'.join(parts)}）" if parts else ""


def copy_text(answer: dict, titles: dict[str, str]) -> str:
    """What a copy button copies: a found answer without its [n] markers, followed by its source line; any other
    answer without its markers only."""
    text = MARKER.sub("", answer.get("answer", ""))
    if not answer.get("found"):
        return text
    return text.strip() + source_line(answer.get("citations", []), titles)
