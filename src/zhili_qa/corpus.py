"""Parse governance bulletins into projects, fields, items, sentences and clauses.

A bulletin is plain text: a preamble, then per project a line holding only its number and one
line per field (``治理项目:`` ``牵头单位:`` ``治理目标:`` ``治理成果:``, half- or full-width colon).
Every span keeps exact character offsets, so ``document.text[start:end] == span.text`` always holds
and any answer can point back at the original wording.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .errors import CorpusError

PREAMBLE_FIELD = "总体情况"
TITLE, LEAD, GOAL, RESULTS = "治理项目", "牵头单位", "治理目标", "治理成果"
FIELDS = (TITLE, LEAD, GOAL, RESULTS)
REQUIRED_FIELDS = (TITLE, LEAD)
CHUNKER_VERSION = "4"

_PROJECT_NUMBER = re.compile(r"^\s*(\d{1,4})\s*$")
_FIELD_LINE = re.compile(r"^\s*(" + "|".join(FIELDS) + r")\s*[:：]\s*")
_TITLE_LINE = re.compile(r"^\s*(?:标题\s*[:：]|#)\s*(\S.*?)\s*$")
_SEPARATOR_LINE = re.compile(r"^[\s|｜\-—_=*#~]*$")
_ARABIC_ITEM = re.compile(r"(\d{1,2})\s*[\.．、]")
_CHINESE_ITEM = re.compile(r"([一二三四五六七八九十]{1,3})\s*(?:是|、)")
_CHINESE_DIGITS = "一二三四五六七八九十"
_SENTENCE_END = "。！？；;!?"
_CLAUSE_END = "，,：:"
_OPENERS = "“‘《（(【「"
_CLOSERS = "”’》）)】」"
_TITLE_TAIL = re.compile(r"(?:领域)?(?:突出)?(?:问题)?专项治理$")
_DISTRICT = re.compile(r"[\u4e00-\u9fff]{2}(?:区|县|市)")


@dataclass(frozen=True)
class Span:
    """A piece of one document's text with its exact character offsets."""

    doc: str
    project: int
    field: str
    kind: str  # "field", "item", "sentence" or "clause"
    start: int
    end: int
    text: str
    item: int | None = None


@dataclass
class Project:
    doc: str
    number: int  # 0 is the preamble
    title: str
    fields: dict[str, Span] = field(default_factory=dict)
    units: list[Span] = field(default_factory=list)

    @property
    def topic(self) -> str:
        """The title without its boilerplate tail: 噪声污染 for 噪声污染专项治理."""
        return _TITLE_TAIL.sub("", self.title) or self.title

    @property
    def lead(self) -> str:
        return self.fields[LEAD].text if LEAD in self.fields else ""

    @property
    def span(self) -> tuple[int, int]:
        starts = [s.start for s in self.fields.values()]
        ends = [s.end for s in self.fields.values()]
        return min(starts), max(ends)


@dataclass
class Document:
    id: str
    title: str
    path: str
    text: str
    projects: list[Project]

    def project(self, number: int) -> Project:
        return self._by_number[number]

    @cached_property
    def _by_number(self) -> dict[int, Project]:
        return {p.number: p for p in self.projects}

    @cached_property
    def units(self) -> list[Span]:
        return [unit for project in self.projects for unit in project.units]


@dataclass
class Corpus:
    documents: list[Document]

    def document(self, doc_id: str) -> Document:
        return self._by_id[doc_id]

    # Parsed once and never changed afterwards, so lookups and flat lists are computed once.
    @cached_property
    def _by_id(self) -> dict[str, Document]:
        return {d.id: d for d in self.documents}

    @cached_property
    def projects(self) -> list[Project]:
        return [p for d in self.documents for p in d.projects]

    @cached_property
    def units(self) -> list[Span]:
        return [unit for document in self.documents for unit in document.units]


def _lines_with_offsets(text: str) -> list[tuple[int, int, str]]:
    """(line number, start offset, line without its newline) for each line."""
    lines, offset = [], 0
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        line = raw.rstrip("\r\n")
        lines.append((number, offset, line))
        offset += len(raw)
    return lines


def _trimmed(text: str, start: int, end: int, strip: str = "") -> tuple[int, int]:
    """Shrink [start, end) past whitespace (and the given punctuation) on both sides."""
    junk = " \t\r\n\u3000" + strip
    while start < end and text[start] in junk:
        start += 1
    while end > start and text[end - 1] in junk:
        end -= 1
    return start, end


def _split_top_level(text: str, start: int, end: int, enders: str) -> list[tuple[int, int]]:
    """Split text[start:end] after each ender that is not inside quotes or brackets."""
    pieces, depth, piece_start = [], 0, start
    for i in range(start, end):
        ch = text[i]
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(0, depth - 1)
        elif ch in enders and depth == 0:
            pieces.append((piece_start, i + 1))
            piece_start = i + 1
    pieces.append((piece_start, end))
    trimmed = (_trimmed(text, s, e, _SENTENCE_END + _CLAUSE_END) for s, e in pieces)
    return [(s, e) for s, e in trimmed if e > s]


def _chinese_number(numeral: str) -> int:
    if numeral == "十":
        return 10
    if numeral.startswith("十"):
        return 10 + _CHINESE_DIGITS.index(numeral[1]) + 1
    if numeral.endswith("十"):
        return (_CHINESE_DIGITS.index(numeral[0]) + 1) * 10
    if "十" in numeral:
        tens, ones = numeral.split("十")
        return (_CHINESE_DIGITS.index(tens) + 1) * 10 + _CHINESE_DIGITS.index(ones) + 1
    return _CHINESE_DIGITS.index(numeral) + 1


def _item_markers(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(marker start, body start) of numbered items 1., 2., ... or 一是, 二是, ... in order.

    A marker counts only at the field start or right after a sentence end and only when it is
    the next number in sequence, so decimals such as 8.69 are never taken for items.
    """
    body = text[start:end]
    for pattern, to_int in ((_ARABIC_ITEM, int), (_CHINESE_ITEM, _chinese_number)):
        first = pattern.match(body)
        if not first or to_int(first.group(1)) != 1:
            continue
        markers, expected, position = [], 1, 0
        while True:
            found = None
            for match in pattern.finditer(body, position):
                before = body[: match.start()].rstrip()
                if (not before or before[-1] in _SENTENCE_END) and to_int(match.group(1)) == expected:
                    found = match
                    break
            if not found:
                return markers
            markers.append((start + found.start(), start + found.end()))
            expected, position = expected + 1, found.end()
    return []


def _sentence_and_clause_units(
    doc: str, text: str, project: int, field_name: str, start: int, end: int, item: int | None
) -> list[Span]:
    units = []
    for s_start, s_end in _split_top_level(text, start, end, _SENTENCE_END):
        units.append(Span(doc, project, field_name, "sentence", s_start, s_end, text[s_start:s_end], item))
        clauses = _split_top_level(text, s_start, s_end, _CLAUSE_END)
        if len(clauses) > 1:
            units.extend(
                Span(doc, project, field_name, "clause", c_start, c_end, text[c_start:c_end], item)
                for c_start, c_end in clauses
            )
    return units


def _field_units(doc: str, text: str, project: int, field_span: Span) -> list[Span]:
    units = [field_span]
    start, end = field_span.start, field_span.end
    markers = _item_markers(text, start, end) if field_span.field in (RESULTS, GOAL) else []
    if not markers:
        return units + _sentence_and_clause_units(doc, text, project, field_span.field, start, end, None)
    bounds = [m[0] for m in markers[1:]] + [end]
    for number, ((_, body_start), item_end) in enumerate(zip(markers, bounds, strict=True), start=1):
        i_start, i_end = _trimmed(text, body_start, item_end)
        if i_end <= i_start:
            continue
        units.append(Span(doc, project, field_span.field, "item", i_start, i_end, text[i_start:i_end], number))
        units.extend(_sentence_and_clause_units(doc, text, project, field_span.field, i_start, i_end, number))
    return units


def _default_title(text: str) -> str:
    districts = Counter(_DISTRICT.findall(text))
    district = districts.most_common(1)[0][0] if districts else ""
    return f"{district}专项治理成果公告"


def parse_bulletin(text: str, doc_id: str, path: str = "<memory>") -> Document:
    """Parse one bulletin; raise CorpusError naming the file and line when it is malformed."""
    if not text.strip():
        raise CorpusError(f"{path}: 文件为空 (empty file)")
    lines = _lines_with_offsets(text)
    title = None
    preamble: list[tuple[int, int]] = []
    projects: list[Project] = []
    current: Project | None = None
    current_field: str | None = None
    open_spans: dict[str, list[int]] = {}  # field -> [start, end] of the project being read

    def close_project(line_number: int) -> None:
        if current is None:
            return
        for name in REQUIRED_FIELDS:
            if name not in open_spans:
                raise CorpusError(
                    f"{path}:{line_number}: 第{current.number}项缺少“{name}” (project {current.number} lacks {name})"
                )
        for name, (f_start, f_end) in open_spans.items():
            current.fields[name] = Span(doc_id, current.number, name, "field", f_start, f_end, text[f_start:f_end])
        current.title = current.fields[TITLE].text
        for name in FIELDS:
            if name in current.fields:
                current.units.extend(_field_units(doc_id, text, current.number, current.fields[name]))
        projects.append(current)

    for line_number, offset, line in lines:
        if title is None and not projects and current is None and not preamble and _TITLE_LINE.match(line):
            title = _TITLE_LINE.match(line).group(1)
            continue
        if _SEPARATOR_LINE.match(line):
            continue
        number_match = _PROJECT_NUMBER.match(line)
        if number_match:
            close_project(line_number)
            number = int(number_match.group(1))
            expected = len(projects) + 1
            if number != expected:
                raise CorpusError(
                    f"{path}:{line_number}: 项目编号应为{expected}，实为{number} (expected project {expected}, found {number})"
                )
            current, current_field, open_spans = Project(doc_id, number, ""), None, {}
            continue
        field_match = _FIELD_LINE.match(line)
        if current is None:
            if field_match:
                raise CorpusError(
                    f"{path}:{line_number}: “{field_match.group(1)}”出现在项目编号之前 (field before any project number)"
                )
            preamble.append(_trimmed(text, offset, offset + len(line)))
            continue
        if field_match:
            current_field = field_match.group(1)
            if current_field in open_spans:
                raise CorpusError(
                    f"{path}:{line_number}: 第{current.number}项的“{current_field}”重复 (duplicate field)"
                )
            f_start, f_end = _trimmed(text, offset + field_match.end(), offset + len(line))
            open_spans[current_field] = [f_start, f_end]
        elif current_field is None:
            raise CorpusError(
                f"{path}:{line_number}: 无法识别的行，应为“治理项目:”等字段 (unrecognised line: {line[:30]!r})"
            )
        else:  # a field value wrapped onto the next line
            open_spans[current_field][1] = _trimmed(text, offset, offset + len(line))[1]
    close_project(len(lines))

    if not projects:
        raise CorpusError(f"{path}: 未找到任何治理项目（需要单独一行的项目编号“1”） (no projects found)")
    document_projects = []
    if preamble:
        p_start, p_end = preamble[0][0], preamble[-1][1]
        intro = Project(doc_id, 0, "专项治理总体情况")
        intro.fields[PREAMBLE_FIELD] = Span(doc_id, 0, PREAMBLE_FIELD, "field", p_start, p_end, text[p_start:p_end])
        intro.units = [
            intro.fields[PREAMBLE_FIELD],
            *_sentence_and_clause_units(doc_id, text, 0, PREAMBLE_FIELD, p_start, p_end, None),
        ]
        document_projects.append(intro)
    document_projects.extend(projects)
    return Document(doc_id, title or _default_title(text), path, text, document_projects)


def load_corpus(folder: Path) -> Corpus:
    """Read every ``*.txt`` bulletin in a folder (or a single file); the file stem is its id."""
    folder = Path(folder)
    paths = [folder] if folder.is_file() else sorted(folder.glob("*.txt"))
    if not paths:
        raise CorpusError(f"{folder}: 没有找到公告文件 *.txt (no bulletin files)")
    documents = []
    for path in paths:
        try:
            # newline="" keeps \r\n so offsets match the characters on disk.
            with path.open(encoding="utf-8", newline="") as handle:
                text = handle.read()
        except UnicodeDecodeError as error:
            raise CorpusError(f"{path}: 不是 UTF-8 文本 (not UTF-8: {error})") from error
        documents.append(parse_bulletin(text, path.stem, str(path)))
    return Corpus(documents)
