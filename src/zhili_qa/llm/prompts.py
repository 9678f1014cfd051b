"""The prompt files in ``prompts/``, read once at start, and the messages built from them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ZhiliError
from ..schema import MARKER, Citation

HISTORY_TURNS = 4  # earlier messages shown to the follow-up rewriter
HISTORY_CHARS = 300  # of each of them


class PromptError(ZhiliError):
    """A prompt file is missing or lacks a placeholder; the message names the file."""


@dataclass(frozen=True)
class Prompts:
    system: str
    answer: str
    rewrite: str

    @classmethod
    def load(cls, folder: Path) -> Prompts:
        texts = {}
        for name, placeholders in (
            ("system", ()),
            ("answer", ("{passages}", "{question}")),
            ("rewrite", ("{history}", "{question}")),
        ):
            path = Path(folder) / f"{name}.md"
            try:
                text = path.read_text(encoding="utf-8").strip()
            except OSError as error:
                raise PromptError(
                    f"提示词文件无法读取：{path}（{error.strerror}）。请恢复 prompts/ 目录或设置 ZHILI_PROMPTS_DIR。"
                ) from error
            missing = [p for p in placeholders if p not in text]
            if not text or missing:
                raise PromptError(f"提示词文件 {path} 缺少占位符 {'、'.join(missing) or '（文件为空）'}。")
            texts[name] = text
        return cls(**texts)

    def answer_messages(self, question: str, passages: list[Citation]) -> list[dict]:
        user = _fill(self.answer, passages=format_passages(passages), question=_data(question))
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]

    def rewrite_messages(self, question: str, history: list[dict]) -> list[dict]:
        turns = []
        for message in history[-HISTORY_TURNS:]:
            who = {"user": "群众", "assistant": "助手"}.get(str(message.get("role")))
            if who:
                content = MARKER.sub("", str(message.get("content", "")))[:HISTORY_CHARS]
                turns.append(f"{who}：{_data(content)}")
        user = _fill(self.rewrite, history="\n".join(turns), question=_data(question))
        return [{"role": "user", "content": user}]


def format_passages(passages: list[Citation]) -> str:
    return "\n".join(
        f'<材料 编号="{n}" 项目="{_data(p.title)}" 字段="{p.field}">\n{_data(p.quote)}\n</材料>'
        for n, p in enumerate(passages, 1)
    )


def _fill(template: str, **values: str) -> str:
    """Placeholders replaced in one pass, so a value holding "{question}" is left as it is."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


def _data(text: str) -> str:
    """Text that cannot close or open the tags it sits in."""
    return text.replace("<", "＜").replace(">", "＞").replace('"', "＂")
