"""The JSON API: /api/ask, /api/search, /api/projects, /api/feedback, /api/gaps and /healthz.

``/api/ask`` with ``"stream": true`` answers as server-sent events instead (see ``ASK_DESCRIPTION``).

Bad input always ends in a 422 with a Chinese ``detail`` the caller can show as it is; unexpected
errors are logged and answered with a generic message, never a traceback.
"""

from __future__ import annotations

import json
import logging
import re

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import UserInputError, ZhiliError
from ..storage import ALREADY_RATED
from .api_models import MAX_TEXT_CHARS, AnswerOut, AskRequest, FeedbackOut, FeedbackRequest, SearchOut
from .catalog import find_project, search_scope
from .security import client_key
from .service import BAD_HISTORY, MAX_COMMENT_CHARS, QAService
from .sources import project_url

log = logging.getLogger(__name__)

INTERNAL_ERROR = "服务器内部错误，请稍后再试。"
MAX_K = 50
ALREADY_RATED_MESSAGE = "这个回答已经评价过了，谢谢！"
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Chinese for the errors Starlette and FastAPI raise in English, by status.
_STATUS_MESSAGES = {
    400: "请求体无法解析：应为 UTF-8 编码、嵌套不太深的 JSON。",
    404: "找不到这个地址。",
    405: "不支持这种请求方式。",
    413: "请求内容太大。",
}


# ---------------------------------------------------------------- Chinese validation messages
_FIELD_MESSAGES = {
    "question": "请输入问题（1到500字的文本）。",
    "history": BAD_HISTORY,
    "q": "请输入检索词。",
    "k": f"k 应为 1 到 {MAX_K} 之间的整数。",
    "project": "项目编号应为正整数。",
    "rating": "评价应为 up（有帮助）或 down（没帮助）。",
    "comment": f"意见请控制在{MAX_COMMENT_CHARS}字以内。",
    "number": "项目编号应为正整数。",
    "stream": "stream 应为 true 或 false。",
    "answer_id": "请提供本站回答的 answer_id。",
    "lead": "牵头单位名称太长。",
    "doc": "公告名称太长。",
}

ASK_DESCRIPTION = """\
返回带出处的答案：`answer` 中的 [n] 对应 `citations` 中第 n 条，`quote` 是公告原文 [start, end) 处的文字。
`found` 为 false 时为拒答。配置了大模型（ZHILI_LLM_BASE_URL）时，答案由大模型依据检索到的原文组织语言，
核验通过才返回；未通过或服务不可用时返回原文摘录，并在 `note` 中说明。

**流式返回**：请求体加 `"stream": true`，响应为 `text/event-stream`（server-sent events），依次为：

- 若干 `event: delta`，`data: {"text": "…"}`：大模型新写出的文字，按顺序拼接即可先行显示（未经核验）；
- 最后一个 `event: final`，`data:` 为与非流式相同的答案 JSON，另加 `source`（`llm` 或 `extractive`）
  和 `replaced`（true 表示已显示的文字作废）。收到 final 后一律以其中的 `answer` 为准替换已显示的文字。

未配置大模型或拒答时只有一个 final 事件。输入错误在流开始前以 422 返回；同样受频率限制（429）。
"""


def _message(error: dict) -> str:
    if error.get("type") == "json_invalid":
        return "请求体不是有效的 JSON。"
    names = [part for part in error.get("loc", ()) if isinstance(part, str) and part not in ("body", "query", "path")]
    for name in names:
        if name in _FIELD_MESSAGES:
            return _FIELD_MESSAGES[name]
    if error.get("loc") == ("body",):
        return "请求体应为 JSON 对象。"
    return "请求参数不正确。"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": _message(e)} for e in exc.errors()]
        return JSONResponse(
            {"detail": errors[0]["message"] if errors else "请求参数不正确。", "errors": errors}, status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) and _CJK.search(exc.detail) else None
        detail = detail or _STATUS_MESSAGES.get(exc.status_code, "请求不正确。")
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(UserInputError)
    async def user_input_error(request: Request, exc: UserInputError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(ZhiliError)
    async def engine_error(request: Request, exc: ZhiliError) -> JSONResponse:
        log.error("engine unavailable for %s: %s", request.url.path, exc)
        return JSONResponse({"detail": "问答服务暂时不可用，请稍后再试。"}, status_code=503)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"detail": INTERNAL_ERROR}, status_code=500)


# ---------------------------------------------------------------- routes
def create_api(service: QAService) -> APIRouter:
    router = APIRouter()
    add_ask(router, service)
    add_search(router, service)
    add_projects(router, service)
    add_feedback(router, service)
    add_operations(router, service)
    return router


def add_ask(router: APIRouter, service: QAService) -> None:
    @router.post(
        "/api/ask",
        response_model=AnswerOut,
        tags=["问答"],
        summary="提问，返回带出处的答案",
        description=ASK_DESCRIPTION,
        responses={
            200: {
                "content": {"text/event-stream": {"schema": {"type": "string"}}},
                "description": "答案 JSON；stream 为 true 时为 server-sent events",
            }
        },
    )
    async def ask(body: AskRequest, request: Request):
        history = [t.model_dump() for t in body.history or []]
        client = client_key(request.scope)
        if not body.stream:
            return await service.ask_in_turn(body.question, history, channel="api", client=client)
        # input errors: 422 before any byte
        events = await run_in_threadpool(service.ask_stream, body.question, history, channel="api", client=client)
        return StreamingResponse(
            (_sse(event, answer) for event, answer in events),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )


def add_search(router: APIRouter, service: QAService) -> None:
    @router.get("/api/search", response_model=SearchOut, tags=["检索"], summary="检索公告片段（热线工作人员用）")
    def search(
        q: str = Query(max_length=MAX_TEXT_CHARS, description="检索词"),
        project: int | None = Query(default=None, ge=1, description="只看第几项（有多份公告时连同 doc）"),
        doc: str | None = Query(default=None, max_length=200, description="只看哪一份公告（文件名，不含 .txt）"),
        lead: str | None = Query(default=None, max_length=100, description="只看某牵头单位"),
        k: int = Query(default=10, ge=1, le=MAX_K),
    ) -> dict:
        doc = search_scope(service.assistant.corpus.documents, project, doc)
        return {"query": q, "hits": service.search(q, k=k, project=project, lead=lead, doc=doc)}


def add_projects(router: APIRouter, service: QAService) -> None:
    @router.get("/api/projects", tags=["项目"], summary="专项治理项目的目录")
    def projects() -> dict:
        return {"document": service.document_title, "projects": service.directory()}

    @router.get(
        "/api/projects/{number}",
        tags=["项目"],
        summary="一个项目的全部字段及其在公告中的位置（不指明 doc 时为有这一项的最新公告）",
    )
    def project(number: int, doc: str | None = Query(default=None, max_length=200)) -> dict:
        document, found = find_project(service.assistant.corpus.documents, number, doc)
        return {
            "doc": document.id,
            "document": document.label,
            "number": found.number,
            "title": found.title,
            "lead": found.lead,
            "url": project_url(found.number, document.id),
            "fields": {name: {"text": s.text, "start": s.start, "end": s.end} for name, s in found.fields.items()},
        }


def add_feedback(router: APIRouter, service: QAService) -> None:
    @router.post("/api/feedback", response_model=FeedbackOut, tags=["反馈"], summary="对答案点赞或点踩，可附意见")
    async def feedback(body: FeedbackRequest, request: Request) -> dict:
        rating = 1 if body.rating == "up" else -1
        stored = await service.feedback_async(body.answer_id, rating, body.comment, client_key(request.scope))
        if stored == ALREADY_RATED:
            raise HTTPException(409, ALREADY_RATED_MESSAGE)
        return {"stored": stored is not None, "id": stored}

    @router.get("/api/gaps", tags=["反馈"], summary="问题缺口：未能回答、把握不大和差评的问题，新的在前")
    def gaps() -> dict:
        return service.gaps()


def add_operations(router: APIRouter, service: QAService) -> None:
    @router.get("/healthz", tags=["运维"], summary="模型与索引状态（ok / degraded）")
    def healthz() -> dict:
        return service.health()


def _sse(event, answer: dict | None) -> str:
    """A delta as the model wrote it; the final event with the answer id this server minted for it."""
    if answer is None:
        return event.to_sse()
    return f"event: final\ndata: {json.dumps(answer, ensure_ascii=False)}\n\n"
