"""The staff desk's bulletins page (``/staff/corpus``, behind the staff login): upload a bulletin, see what was
read from it, watch the background build, and roll back. The running assistant keeps answering until the new
one is ready, then the service switches to it in one step; a rejected file changes nothing.

Uploads stay disabled for Gradio: this is a plain form of its own, its body held to ``max_body_bytes``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from .. import library
from ..assistant import Assistant
from ..corpus import DocumentMeta, validate_meta
from ..errors import ZhiliError
from .auth import StaffAuth
from .service import QAService

log = logging.getLogger(__name__)

META_FIELDS = ("title", "publisher", "published", "period", "url")


@dataclass
class Job:
    """The one corpus change that may run at a time, as the page shows it."""

    doc_id: str = ""
    state: str = "idle"  # idle, running, done, failed
    steps: list[str] = field(default_factory=list)
    report: list[str] = field(default_factory=list)
    error: str = ""


class CorpusDesk:
    def __init__(self, service: QAService) -> None:
        self.service = service
        self.job = Job()
        self._lock = threading.Lock()

    def start(self, doc_id: str, text: str | None, meta: DocumentMeta | None, replace: bool, report: list[str]) -> str:
        """Start a change in the background; the reason it cannot start, or ""."""
        with self._lock:
            if self.job.state == "running":
                return "另一项公告更改正在进行，请稍后再试。"
            self.job = Job(doc_id, "running", [], report)
        threading.Thread(target=self._run, args=(self.job, text, meta, replace), daemon=True).start()
        return ""

    def _run(self, job: Job, text: str | None, meta: DocumentMeta | None, replace: bool) -> None:
        settings = self.service.settings
        try:
            library.change(settings, job.doc_id, text, meta, replace=replace, progress=job.steps.append)
            job.steps.append("载入新的索引")
            self.service.use(Assistant.load(settings, progress=False))
            job.steps.append("已切换：新的公告集合正在回答")
            job.state = "done"
        except ZhiliError as error:
            job.error, job.state = str(error), "failed"
        except Exception:  # logged with its traceback; the page shows a plain sentence
            log.exception("corpus change failed")
            job.error, job.state = "更改失败，原有公告照常回答；详情见服务器日志。", "failed"


class DeskPages:
    """The routes of the bulletins page: show it, report progress, check and start an upload, remove, roll back."""

    def __init__(self, service: QAService, auth: StaffAuth) -> None:
        self.service = service
        self.auth = auth
        self.desk = CorpusDesk(service)

    def _page(self, status: int = 200, problem: str = "", report: list[str] | None = None) -> Response:
        job = self.desk.job
        return self.auth.page(
            "corpus.html",
            status,
            documents=self.service.assistant.corpus.documents,
            job=job,
            problem=problem,
            report=report if report is not None else job.report,
        )

    def _started(self, refused: str) -> Response:
        return self._page(409, refused) if refused else RedirectResponse("/staff/corpus", status_code=303)

    def show(self) -> Response:
        return self._page()

    def status(self) -> JSONResponse:
        job = self.desk.job
        return JSONResponse({"doc": job.doc_id, "state": job.state, "steps": job.steps, "error": job.error})

    async def upload(self, request: Request) -> Response:
        await request.body()  # the body cap decides first (a 413), as for the login form
        form = await request.form(max_files=1, max_fields=10)
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            return self._page(422, "请选择一个公告文件（UTF-8 文本 .txt）。")
        data = await file.read()
        values = {k: str(form.get(k, "")).strip() for k in META_FIELDS}
        return await run_in_threadpool(self._checked, data, file.filename, values, form.get("replace") == "1")

    def _checked(self, data: bytes, filename: str, values: dict[str, str], replace: bool) -> Response:
        doc_id = filename.rsplit("/", 1)[-1].removesuffix(".txt")
        try:
            text = library.read_upload(data, filename)
            meta = validate_meta({k: v for k, v in values.items() if v}, "表单")
        except ZhiliError as error:
            return self._page(422, str(error), [])
        inspection = library.inspect_text(text, doc_id, filename)
        if inspection.document is None:
            return self._page(422, inspection.problem + "。公告未加入，现有公告没有任何改动。", inspection.report())
        return self._started(self.desk.start(doc_id, text, meta, replace, inspection.report()))

    async def remove(self, request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=2)
        return self._started(self.desk.start(str(form.get("doc", "")), None, None, False, []))

    def undo(self) -> Response:
        try:
            restored = library.rollback(self.service.settings)
            self.service.use(Assistant.load(self.service.settings, progress=False))
        except ZhiliError as error:
            return self._page(409, str(error))
        return self._page(200, f"已回退：{restored}")


def create_corpus_desk(service: QAService, auth: StaffAuth) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    pages = DeskPages(service, auth)
    router.get("/staff/corpus")(pages.show)
    router.get("/staff/corpus/status")(pages.status)
    router.post("/staff/corpus")(pages.upload)
    router.post("/staff/corpus/remove")(pages.remove)
    router.post("/staff/corpus/rollback")(pages.undo)
    return router
