"""HTML fragments for the chat, the staff tools and the project pages.

Every piece of bulletin text, question, answer or quote goes through ``html.escape`` here; markup is
only ever the fixed tags written in this module, so nothing a citizen types or the bulletin says can
become HTML.
"""

from __future__ import annotations

import time
from html import escape
from itertools import pairwise
from urllib.parse import urlencode

from ..corpus import FIELDS, PREAMBLE_FIELD, Document, Project
from ..schema import MARKER

_ITEM_MARKER_CHARS = set("0123456789.．、 \u3000一二三四五六七八九十是")
_PUNCTUATION = set(" \t\r\n\u3000，。、；：？！,.;:?!“”‘’()（）《》【】-—")
TERM_MAX = 12  # longest run of query characters highlighted as one word


def esc(value: object) -> str:
    return escape(str(value), quote=True)


# ---------------------------------------------------------------- citations
def citation_url(citation: dict) -> str:
    query = urlencode({"doc": citation["doc"], "start": int(citation["start"]), "end": int(citation["end"])})
    return f"/project/{int(citation['project'])}?{query}#zq-hl"


def where(citation: dict) -> str:
    """``第10项 口腔种植医疗服务提质降费专项治理 · 治理成果 · 2023年公告`` (plain text): the bulletin last, by
    the period it reports where known (what tells several years' bulletins apart), else by its title."""
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
    """The answer without its [n] markers, followed by its source line, ready to paste into a reply."""
    text = MARKER.sub("", answer.get("answer", "")).strip()
    return text + source_line(answer.get("citations", []), titles)


def _source_link(citation: dict, body: str, css: str, label: str = "") -> str:
    url = esc(citation_url(citation))
    aria = f' aria-label="{esc(label)}"' if label else ""
    return f'<a class="{css}" href="{url}" data-src="{url}"{aria}>{body}</a>'


def answer_html(answer: dict) -> str:
    """The answer with tappable [n] markers and, beneath it, its numbered sources with quotes."""
    citations = {int(c["n"]): c for c in answer.get("citations", [])}
    pieces, position, text = [], 0, answer.get("answer", "")
    for match in MARKER.finditer(text):
        pieces.append(esc(text[position : match.start()]))
        citation = citations.get(int(match.group(1)))
        if citation is None:
            pieces.append(esc(match.group(0)))
        else:
            pieces.append(
                _source_link(citation, esc(match.group(0)), "zq-marker", f"来源{match.group(1)}：{where(citation)}")
            )
        position = match.end()
    pieces.append(esc(text[position:]))
    out = [f'<div class="zq-answer-text">{"".join(pieces)}</div>']
    if answer.get("note"):
        out.append(f'<p class="zq-note">{esc(answer["note"])}</p>')
    if citations:
        items = []
        for n, c in citations.items():
            body = (
                f'<span class="zq-src-n">[{n}]</span> <span class="zq-src-where">{esc(where(c))}</span>'
                f'<q class="zq-quote">{esc(c["quote"])}</q><span class="zq-src-open">查看原文</span>'
            )
            items.append(f"<li>{_source_link(c, body, 'zq-src')}</li>")
        out.append(f'<div class="zq-sources-title">出处</div><ol class="zq-sources">{"".join(items)}</ol>')
    return "".join(out)


# ---------------------------------------------------------------- conversation
WELCOME = (
    "您好！我可以回答《定海区专项治理成果公告》中12个专项治理项目的牵头单位、治理目标和治理成果。"
    "每个回答都注明出处，点击出处可查看公告原文。"
)


def answer_actions(question: str, answer: dict, titles: dict[str, str]) -> str:
    """Copy the answer with its source line; share a link that asks the same question."""
    text = copy_text(answer, titles) if answer.get("found") else MARKER.sub("", answer.get("answer", ""))
    return (
        f'<div class="zq-actions"><button type="button" class="zq-btn" data-copy="{esc(text)}">复制回答</button>'
        f'<button type="button" class="zq-btn" data-share="{esc(question)}">分享</button></div>'
    )


def conversation_html(turns: list[dict], titles: dict[str, str] | None = None) -> str:
    """Turns are {"question", "answer"} exchanges, {"notice"} messages (rate limit, bad input) or one
    {"question", "pending"} exchange whose answer the model is still writing (plain text, no sources).
    With the bulletins' ``titles`` each answer gets its copy and share buttons."""
    if not turns:
        return f'<div class="zq-log"><div class="zq-welcome">{esc(WELCOME)}</div></div>'
    out = []
    for i, turn in enumerate(turns):
        if "notice" in turn:
            out.append(f'<div class="zq-notice" role="status">{esc(turn["notice"])}</div>')
            continue
        if "pending" in turn:
            out.append(
                f'<div class="zq-turn zq-pending" id="zq-turn-{i}">'
                f'<div class="zq-q"><span class="zq-sr">问：</span>{esc(turn["question"])}</div>'
                f'<div class="zq-a" aria-busy="true"><span class="zq-sr">答：</span>'
                f'<div class="zq-answer-text">{esc(turn["pending"])}</div></div></div>'
            )
            continue
        answer = turn["answer"]
        kind = "zq-a" if answer.get("found") else "zq-a zq-refusal"
        out.append(
            f'<div class="zq-turn" id="zq-turn-{i}">'
            f'<div class="zq-q"><span class="zq-sr">问：</span>{esc(turn["question"])}</div>'
            f'<div class="{kind}"><span class="zq-sr">答：</span>{answer_html(answer)}'
            f"{answer_actions(turn['question'], answer, titles) if titles is not None else ''}</div></div>"
        )
    return f'<div class="zq-log" role="log" aria-live="polite">{"".join(out)}</div>'


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


def _marked(text: str, start: int, end: int, low: int | None, high: int | None, first: list[bool]) -> str:
    """Escaped text[start:end], with the part inside [low, high) wrapped in <mark>."""
    if low is None or high is None or high <= start or low >= end:
        return esc(text[start:end])
    a, b = max(start, low), min(end, high)
    mark_id = ' id="zq-hl"' if first[0] else ""
    first[0] = False
    return f"{esc(text[start:a])}<mark{mark_id}>{esc(text[a:b])}</mark>{esc(text[b:end])}"


def project_html(
    document: Document, project: Project, low: int | None = None, high: int | None = None, heading: str = "h2"
) -> str:
    """A project's fields from the original text, the span [low, high) highlighted (first mark: #zq-hl)."""
    text, first = document.text, [True]
    title = "总体情况" if not project.number else f"第{project.number}项 {project.title}"
    names = [PREAMBLE_FIELD] if not project.number else [f for f in FIELDS if f in project.fields]
    rows = []
    for name in names:
        span = project.fields[name]
        bounds = [span.start, *_paragraph_starts(document, project, name), span.end]
        paragraphs = "".join(f"<p>{_marked(text, a, b, low, high, first)}</p>" for a, b in pairwise(bounds) if b > a)
        rows.append(f"<dt>{esc(name)}</dt><dd>{paragraphs}</dd>")
    return (
        f'<article class="zq-project" id="p-{project.number}">'
        f'<div class="zq-project-doc">{esc(document.title)}</div>'
        f"<{heading}>{esc(title)}</{heading}><dl>{''.join(rows)}</dl></article>"
    )


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


def mark_terms(text: str, query: str) -> str:
    out, position = [], 0
    for a, b in matched_ranges(text, query):
        out.append(f"{esc(text[position:a])}<mark>{esc(text[a:b])}</mark>")
        position = b
    out.append(esc(text[position:]))
    return "".join(out)


def hits_html(hits: list[dict], query: str, titles: dict[str, str]) -> str:
    if not hits:
        return '<p class="zq-empty">没有找到相关内容，换个词试试。</p>'
    out = []
    for rank, hit in enumerate(hits, start=1):
        line = source_line([hit], titles)
        url = esc(citation_url(hit))
        out.append(
            f'<article class="zq-hit"><div class="zq-hit-where">{rank}. {esc(where(hit))}</div>'
            f'<p class="zq-hit-text">{mark_terms(hit["text"], query)}</p>'
            f'<div class="zq-hit-source">{esc(line)}</div>'
            f'<div class="zq-actions"><a class="zq-btn" href="{url}" data-src="{url}">查看原文</a>'
            f'<button type="button" class="zq-btn" data-copy="{esc(hit["text"] + line)}">复制</button></div>'
            "</article>"
        )
    return f'<div class="zq-hits">{"".join(out)}</div>'


def staff_answer_html(answer: dict, titles: dict[str, str]) -> str:
    copy = copy_text(answer, titles) if answer.get("found") else MARKER.sub("", answer.get("answer", ""))
    return (
        f'<div class="zq-a{"" if answer.get("found") else " zq-refusal"}">{answer_html(answer)}</div>'
        f'<div class="zq-copy-box"><div class="zq-copy-label">复制给群众的答复（含来源）：</div>'
        f'<p class="zq-copy-text">{esc(copy)}</p>'
        f'<button type="button" class="zq-btn zq-primary" data-copy="{esc(copy)}">一键复制答复</button></div>'
    )


def directory_html(documents: list[Document]) -> str:
    out = []
    for document in documents:
        for project in document.projects:
            if not project.number:
                continue
            fields = project.fields
            goal = fields.get("治理目标")
            results = fields.get("治理成果")
            url = esc(f"/project/{project.number}?doc={document.id}")  # pages with a script open it in the viewer
            out.append(
                f'<article class="zq-dir" id="dir-{project.number}">'
                f'<h3><a href="{url}" data-src="{url}">第{project.number}项 {esc(project.title)}</a></h3>'
                f'<p><span class="zq-label">牵头单位</span>{esc(project.lead)}</p>'
                + (f'<p><span class="zq-label">治理目标</span>{esc(goal.text)}</p>' if goal else "")
                + (f"<details><summary>治理成果</summary><p>{esc(results.text)}</p></details>" if results else "")
                + "</article>"
            )
    return f'<div class="zq-directory">{"".join(out)}</div>'


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


GAP_KINDS = {"refused": "未能回答", "low_confidence": "把握不大", "thumbs_down": "差评"}


def gaps_html(report: dict) -> str:
    if not report.get("available", True):
        return '<p class="zq-empty">问题记录暂时无法读取（存储不可用），请查看服务器日志。</p>'
    counts = report["counts"]
    summary = (
        f'<p class="zq-gap-counts">未能回答 <b>{counts["refused"]}</b> 次 · 把握不大 '
        f"<b>{counts['low_confidence']}</b> 次 · 差评 <b>{counts['thumbs_down']}</b> 次</p>"
    )
    if not report["gaps"]:
        return summary + '<p class="zq-empty">暂无记录。</p>'
    rows = []
    for gap in report["gaps"]:
        kinds = "".join(f'<span class="zq-tag">{esc(GAP_KINDS.get(k, k))}</span>' for k in gap["kinds"])
        # distinct clients, not requests: one client asking again and again does not push a question up
        asked = [f"{gap['asked']} 人问过"] if gap["asked"] else []
        times = " · ".join(asked + ([f"{gap['down']} 人差评"] if gap["down"] else []))
        comments = "".join(f"<li>{esc(c)}</li>" for c in gap["comments"])
        rows.append(
            f'<li class="zq-gap"><div class="zq-gap-q">{esc(gap["question"])}</div>'
            f'<div class="zq-gap-meta">{kinds}<span>{esc(times)}</span>'
            f"<time>{esc(_when(gap['last']))}</time></div>"
            + (f'<ul class="zq-gap-comments">{comments}</ul>' if comments else "")
            + "</li>"
        )
    return summary + f'<ol class="zq-gaps">{"".join(rows)}</ol>'
