"""Reading bulletin files: an optional title line, a preamble, then per project a line holding only its number
(``3``, ``3.``, ``三、``, ``第三项``) or its number and title (``三、噪声污染专项治理``), and one line per field
(``治理项目:`` ``牵头单位:`` ``治理目标:`` ``治理成果:``, half- or full-width colon; 治理目标 and 治理成果 may be
missing). CRLF line ends and a byte-order mark stay in the text, so offsets count the characters on disk. A
malformed file is rejected with a message naming the file and line.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ..errors import CorpusError
from ..figures import chinese_to_int
from .meta import read_meta
from .model import FIELDS, LEAD, PREAMBLE_FIELD, TITLE, Corpus, Document, Project, Span
from .units import field_units, sentence_and_clause_units, trimmed

REQUIRED_FIELDS = (TITLE, LEAD)
_NUMERAL = r"(\d{1,4}|[一二三四五六七八九十百]{1,4})"
_PROJECT_NUMBER = re.compile(r"^\s*(?:第\s*)?" + _NUMERAL + r"\s*(?:[、.．]|项)?\s*$")
# 三、噪声污染专项治理: a number in Chinese numerals, 、, and the title (not a field line).
_PROJECT_HEADING = re.compile(
    r"^\s*([一二三四五六七八九十百]{1,4})\s*、\s*(?!(?:" + "|".join(FIELDS) + r")\s*[:：])(\S.*?)\s*$"
)
_FIELD_LINE = re.compile(r"^\s*(" + "|".join(FIELDS) + r")\s*[:：]\s*")
_TITLE_LINE = re.compile(
    r"^[\s\ufeff]*(?:(?:标题\s*[:：]|#)\s*(\S.*?)|([^，。,；;：:！!？?]{4,60}(?:公告|通报|公示)))\s*$"
)
_SEPARATOR_LINE = re.compile(r"^[\s|｜\-—_=*#~]*$")
_DISTRICT = re.compile(r"[\u4e00-\u9fff]{2}(?:区|县|市)")


def parse_bulletin(text: str, doc_id: str, path: str = "<memory>") -> Document:
    """Parse one bulletin; raise CorpusError naming the file and line when it is malformed."""
    if not text.strip():
        raise CorpusError(f"{path}: 文件为空 (empty file)")
    return _BulletinReader(text, doc_id, path).read()


def load_corpus(folder: Path) -> Corpus:
    """Read every ``*.txt`` bulletin in a folder (or a single file), each with its ``NAME.toml`` metadata when
    there is one; the file stem is its id."""
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
        document = parse_bulletin(text, path.stem, str(path))
        document.meta = read_meta(path)
        documents.append(document)
    return Corpus(documents)


class _BulletinReader:
    """One pass over the lines: an optional title line, the preamble, then numbered projects and their
    fields, a field's value running on over the lines that follow it."""

    def __init__(self, text: str, doc_id: str, path: str) -> None:
        self.text, self.doc_id, self.path = text, doc_id, path
        self.title: str | None = None
        self.preamble: list[tuple[int, int]] = []
        self.projects: list[Project] = []
        self.current: Project | None = None
        self.field: str | None = None
        self.spans: dict[str, list[int]] = {}  # field -> [start, end] in the project being read

    def read(self) -> Document:
        lines = _lines_with_offsets(self.text)
        for line_number, offset, line in lines:
            self._read_line(line_number, offset, line)
        self._close_project(len(lines))
        if not self.projects:
            raise CorpusError(f"{self.path}: 未找到任何治理项目（需要单独一行的项目编号“1”） (no projects found)")
        title = self.title or _default_title(self.text)
        return Document(self.doc_id, title, self.path, self.text, [*self._preamble_project(), *self.projects])

    def _read_line(self, line_number: int, offset: int, line: str) -> None:
        at_start = self.title is None and not self.projects and self.current is None and not self.preamble
        if at_start and (title := _TITLE_LINE.match(line)):
            self.title = title.group(1) or title.group(2)
        elif _SEPARATOR_LINE.match(line):
            return
        elif number := _PROJECT_NUMBER.match(line):
            self._start_project(line_number, _number(number.group(1)))
        elif heading := _PROJECT_HEADING.match(line):
            self._start_project(line_number, _number(heading.group(1)))
            self._start_field(line_number, TITLE, offset + heading.start(2), offset + heading.end(2))
        elif self.current is None:
            if field := _FIELD_LINE.match(line):
                self._fail(line_number, f"“{field.group(1)}”出现在项目编号之前 (field before any project number)")
            self.preamble.append(trimmed(self.text, offset, offset + len(line)))
        elif field := _FIELD_LINE.match(line):
            self._start_field(line_number, field.group(1), offset + field.end(), offset + len(line))
        elif self.field is None:
            self._fail(line_number, f"无法识别的行，应为“治理项目:”等字段 (unrecognised line: {line[:30]!r})")
        else:  # a field value wrapped onto the next line
            self.spans[self.field][1] = trimmed(self.text, offset, offset + len(line))[1]

    def _start_project(self, line_number: int, number: int) -> None:
        self._close_project(line_number)
        expected = len(self.projects) + 1
        if number != expected:
            self._fail(
                line_number, f"项目编号应为{expected}，实为{number} (expected project {expected}, found {number})"
            )
        self.current, self.field, self.spans = Project(self.doc_id, number, ""), None, {}

    def _start_field(self, line_number: int, name: str, start: int, end: int) -> None:
        if name in self.spans:
            self._fail(line_number, f"第{self.current.number}项的“{name}”重复 (duplicate field)")
        self.field = name
        self.spans[name] = list(trimmed(self.text, start, end))

    def _close_project(self, line_number: int) -> None:
        project = self.current
        if project is None:
            return
        for name in REQUIRED_FIELDS:
            if name not in self.spans:
                self._fail(line_number, f"第{project.number}项缺少“{name}” (project {project.number} lacks {name})")
        for name, (start, end) in self.spans.items():
            project.fields[name] = Span(self.doc_id, project.number, name, "field", start, end, self.text[start:end])
        project.title = project.fields[TITLE].text
        for name in FIELDS:
            if name in project.fields:
                project.units.extend(field_units(self.doc_id, self.text, project.number, project.fields[name]))
        self.projects.append(project)

    def _preamble_project(self) -> list[Project]:
        """The preamble as project 0, when the bulletin has one."""
        if not self.preamble:
            return []
        start, end = self.preamble[0][0], self.preamble[-1][1]
        intro = Project(self.doc_id, 0, "专项治理总体情况")
        intro.fields[PREAMBLE_FIELD] = Span(self.doc_id, 0, PREAMBLE_FIELD, "field", start, end, self.text[start:end])
        units = sentence_and_clause_units(self.doc_id, self.text, 0, PREAMBLE_FIELD, start, end, None)
        intro.units = [intro.fields[PREAMBLE_FIELD], *units]
        return [intro]

    def _fail(self, line_number: int, message: str) -> None:
        raise CorpusError(f"{self.path}:{line_number}: {message}")


def _number(numeral: str) -> int:
    return int(numeral) if numeral.isdigit() else chinese_to_int(numeral) or 0


def _lines_with_offsets(text: str) -> list[tuple[int, int, str]]:
    """(line number, start offset, line without its newline) for each line."""
    lines, offset = [], 0
    for number, raw in enumerate(text.splitlines(keepends=True), start=1):
        line = raw.rstrip("\r\n")
        lines.append((number, offset, line))
        offset += len(raw)
    return lines


def _default_title(text: str) -> str:
    districts = Counter(_DISTRICT.findall(text))
    district = districts.most_common(1)[0][0] if districts else ""
    return f"{district}专项治理成果公告"
