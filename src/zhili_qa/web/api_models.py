"""The API's request and response models. The answers' and hits' models are made from the dataclasses in
``schema.py`` (their fields, types and order), so a field added there is in the API and its OpenAPI schema at once;
here are only the descriptions and what the API adds (an answer's signed id, a hit's source line and page)."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal, get_type_hints

from pydantic import BaseModel, Field, StrictBool, create_model

from ..schema import Answer, Passage
from .service import MAX_COMMENT_CHARS, MAX_HISTORY, MAX_HISTORY_CHARS

MAX_TEXT_CHARS = 10_000  # a hard cap before the settings' own question limit is checked
MAX_ANSWER_ID_CHARS = 200


def response_model(dataclass: type, name: str, descriptions: dict[str, str], **added: Any) -> type[BaseModel]:
    """A pydantic model with the fields of ``dataclass`` (each required: a response always has it), the
    given descriptions, and the ``added`` fields after them. Nested dataclasses (Answer's citations) stay
    dataclasses, which pydantic validates and describes from their own fields."""
    hints = get_type_hints(dataclass)
    names = [f.name for f in dataclasses.fields(dataclass)]
    unknown = set(descriptions) - set(names)
    if unknown:
        raise TypeError(f"descriptions of fields {dataclass.__name__} does not have: {sorted(unknown)}")
    fields: dict[str, Any] = {n: (hints[n], Field(description=descriptions.get(n))) for n in names}
    return create_model(name, **fields, **added)


AnswerOut = response_model(
    Answer,
    "AnswerOut",
    {"answer": "答案，含 [n] 引用标记", "found": "公告中是否有答案；false 为拒答"},
    answer_id=(str, Field(description="本次回答的编号（已签名），评价时原样交回 /api/feedback")),
)

Hit = response_model(
    Passage,
    "Hit",
    {"text": "原文片段，即公告全文 [start, end) 处的文字"},
    source=(str, Field(description="来源行，如（来源：公告名称 第10项 项目名称·治理成果）")),
    url=(str, Field(description="原文页面，引用处高亮")),
)


class Turn(BaseModel):
    role: Literal["user", "assistant"] = Field(description="user（群众）或 assistant（助手）")
    content: str = Field(max_length=MAX_HISTORY_CHARS)


class AskRequest(BaseModel):
    question: str = Field(
        max_length=MAX_TEXT_CHARS, description="问题，1到500字", examples=["电信网络诈骗专项治理的牵头单位是哪个"]
    )
    history: list[Turn] | None = Field(
        default=None, max_length=MAX_HISTORY, description="此前的对话（可选），用于理解追问"
    )
    stream: StrictBool = Field(default=False, description="true：以 server-sent events 流式返回（见接口说明）")


class SearchOut(BaseModel):
    query: str
    hits: list[Hit]


class FeedbackRequest(BaseModel):
    answer_id: str = Field(max_length=MAX_ANSWER_ID_CHARS, description="/api/ask 返回的 answer_id")
    rating: Literal["up", "down"]
    comment: str = Field(default="", max_length=MAX_COMMENT_CHARS)


class FeedbackOut(BaseModel):
    stored: bool
    id: int | None
