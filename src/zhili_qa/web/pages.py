"""Plain server-rendered pages: a project's original text (cited span marked), the directory, embedding."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from .assets import PAGE_CSS
from .render import directory_html, esc, project_html, valid_highlight
from .security import frame_ancestors_header
from .service import QAService

EMBED_TITLE = "定海区专项治理成果问答"


def page_csp(frame_ancestors: str) -> str:
    """These pages run no script and load nothing but themselves."""
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self' http: https:; "
        f"base-uri 'none'; form-action 'none'; {frame_ancestors_header(frame_ancestors)}"
    )


def page(title: str, body: str, csp: str) -> HTMLResponse:
    html = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{PAGE_CSS}</style></head><body>{body}</body></html>"
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": csp, "Cache-Control": "no-cache"})


def embed_example_html(src: str) -> str:
    """A host page (as a WeChat-linked H5 page would be) with the chat in a 360-420 px iframe, and a link to the
    lite page for slow links."""
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>嵌入示例：{EMBED_TITLE}</title>
<style>
  body {{ margin: 0; padding: 16px; font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif;
         background: #f4f5f7; color: #1f2328; }}
  .article {{ max-width: 420px; margin: 0 auto; }}
  h1 {{ font-size: 20px; line-height: 1.4; }}
  .zq-frame {{ display: block; width: 100%; max-width: 420px; height: 640px; border: 1px solid #d0d7de;
              border-radius: 12px; background: #fff; }}
</style>
</head>
<body>
<div class="article">
  <h1>定海区漠视侵害群众利益问题专项治理成果公布</h1>
  <p>对专项治理成果有疑问？直接在下方提问，回答均摘自公告原文并注明出处。</p>
  <iframe class="zq-frame" src="{esc(src)}" title="{EMBED_TITLE}" loading="lazy"
          referrerpolicy="strict-origin-when-cross-origin"></iframe>
  <p>网速慢或打不开？<a href="{esc(src)}?lite=1">打开简洁版问答</a></p>
</div>
</body>
</html>
"""


def create_pages(service: QAService) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    csp = page_csp(service.settings.frame_ancestors)

    @router.get("/project/{number}")
    def project_page(
        number: int,
        doc: str | None = Query(default=None, max_length=200),
        start: int | None = Query(default=None),
        end: int | None = Query(default=None),
        fragment: bool = False,
    ) -> HTMLResponse:
        documents = service.assistant.corpus.documents
        document = next((d for d in documents if d.id == doc), None) if doc else documents[0]
        if document is None:
            raise HTTPException(404, "没有这份公告。")
        try:
            project = document.project(number)
        except KeyError:
            raise HTTPException(404, f"没有第{number}项。") from None
        if not valid_highlight(document, project, start, end):
            start = end = None
        article = project_html(document, project, start, end)
        if fragment:
            return HTMLResponse(article, headers={"Content-Security-Policy": csp})
        nav = '<nav class="zq-nav"><a href="/">← 返回问答</a><a href="/projects">全部项目</a></nav>'
        return page(f"{project.title} - {document.title}", f"{nav}<main>{article}</main>", csp)

    @router.get("/projects")
    def directory_page() -> HTMLResponse:
        body = (
            f'<nav class="zq-nav"><a href="/">← 返回问答</a></nav><main><h1>{esc(service.document_title)}</h1>'
            f"{directory_html(service.assistant.corpus.documents)}</main>"
        )
        return page(service.document_title, body, csp)

    @router.get("/embed")
    def embed(request: Request) -> RedirectResponse:
        """The compact chat for iframes: the same page without header and footer (``lite=1``: the lite page's)."""
        query = {k: v for k, v in request.query_params.items() if k in ("q",)}
        page = "/lite?" if request.query_params.get("lite") == "1" else "/?"
        return RedirectResponse(page + urlencode({"embed": "1", **query}), status_code=307)

    @router.get("/staff")
    def staff(request: Request) -> RedirectResponse:
        """The staff tools are mounted at /staff/; keep the short address working."""
        query = urlencode({k: v for k, v in request.query_params.items() if k in ("tab",)})
        return RedirectResponse("/staff/" + (f"?{query}" if query else ""), status_code=307)

    @router.get("/embed-example")
    def embed_example() -> HTMLResponse:
        return HTMLResponse(embed_example_html("/embed"), headers={"Content-Security-Policy": csp})

    return router
