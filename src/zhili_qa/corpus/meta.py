"""What a bulletin says about itself, kept beside it: ``NAME.toml`` next to ``NAME.txt`` holds its title,
publisher, publication date, the period it reports and its address. The text file stays untouched, so every
offset into it stays exact.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorpusError

FIELD_NAMES = {"title": "标题", "publisher": "发布单位", "published": "发布日期", "period": "报告期", "url": "网址"}
# "2023" or "2023-2024": the year or years a bulletin reports.
_PERIOD = re.compile(r"^(?:19|20)\d{2}(?:\s*[-–~至]\s*(?:19|20)\d{2})?$")
_URL = re.compile(r"^https?://\S+$")


@dataclass(frozen=True)
class DocumentMeta:
    """Each value None where the bulletin's metadata file does not state it."""

    title: str | None = None
    publisher: str | None = None
    published: str | None = None  # YYYY-MM-DD
    period: str | None = None  # "2023" or "2023-2024"
    url: str | None = None

    @property
    def last_year(self) -> int | None:
        """The latest year the period reports (2024 for 2023-2024)."""
        return int(re.findall(r"\d{4}", self.period)[-1]) if self.period else None


def meta_path(text_path: Path) -> Path:
    return Path(text_path).with_suffix(".toml")


def read_meta(text_path: Path) -> DocumentMeta:
    """The metadata beside a bulletin (none: every value unknown); a bad file is a CorpusError naming the field."""
    path = meta_path(text_path)
    if not path.is_file():
        return DocumentMeta()
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CorpusError(f"{path}: 元数据文件不是有效的 TOML (invalid TOML: {error})") from error
    return validate_meta(values, str(path))


def validate_meta(values: dict, where: str = "<metadata>") -> DocumentMeta:
    """Checked metadata: known keys only, strings, a real date, a year or range of years, an http(s) address."""
    unknown = sorted(set(values) - set(FIELD_NAMES))
    if unknown:
        raise CorpusError(f"{where}: 未知字段“{unknown[0]}”，可用字段：{'、'.join(FIELD_NAMES)} (unknown field)")
    clean: dict[str, str] = {}
    for key, value in values.items():
        if isinstance(value, int) and key == "period":
            value = str(value)
        if isinstance(value, datetime.date) and key == "published":
            value = value.isoformat()
        if not isinstance(value, str) or not value.strip():
            raise CorpusError(f"{where}: 字段“{key}”（{FIELD_NAMES[key]}）应为非空文字 (must be a non-empty string)")
        clean[key] = value.strip()
    _check(clean, "published", _is_date, "应为日期，格式 YYYY-MM-DD，例如 2024-03-15", where)
    _check(clean, "period", _PERIOD.match, "应为年份，例如 2023 或 2023-2024", where)
    _check(clean, "url", _URL.match, "应为 http:// 或 https:// 开头的网址", where)
    return DocumentMeta(**clean)


def _check(values: dict[str, str], key: str, ok, expected: str, where: str) -> None:
    if key in values and not ok(values[key]):
        raise CorpusError(f"{where}: 字段“{key}”（{FIELD_NAMES[key]}）{expected}，实为“{values[key]}” (invalid {key})")


def _is_date(value: str) -> bool:
    try:
        return datetime.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def meta_toml(meta: DocumentMeta) -> str:
    """The metadata as a TOML file's text (values stated only)."""
    lines = []
    for key in FIELD_NAMES:
        value = getattr(meta, key)
        if value is not None:
            escaped = value.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'{key} = "{escaped}"')
    return "\n".join(lines) + "\n"
