"""Plain server-rendered pages: a project's original text (cited span marked), the directory, embedding."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from .assets import PAGE_CSS
from .catalog import find_project
from .render import directory_projects, project_html, project_view, valid_highlight
from .security import frame_ancestors_header
from .service import QAService
from .templating import render


def page_csp(frame_ancestors: str) -> str:
    """These pages run no script and load nothing but themselves."""
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-src 'self' http: https:; "
        f"base-uri 'none'; form-action 'none'; {frame_ancestors_header(frame_ancestors)}"
    )


def page(template: str, csp: str, **values: object) -> HTMLResponse:
    html = render(template, css=Markup(PAGE_CSS), **values)
    return HTMLResponse(html, headers={"Content-Security-Policy": csp, "Cache-Control": "no-cache"})


def embed_example_html(src: str, title: str) -> str:
    """A host page (as a WeChat-linked H5 page would be) with the chat at ``src`` in an iframe and a link to the lite
    page for slow links; ``title``: the bulletin's. Ends with a newline, as the copy in examples/ does."""
    return render("embed_example.html", name=f"{title}问答", heading=title, src=src) + "\n"


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
        """Project ``number`` of bulletin ``doc``, or of the newest bulletin that has it."""
        document, project = find_project(service.assistant.corpus.documents, number, doc or None)
        if not valid_highlight(document, project, start, end):
            start = end = None
        if fragment:
            return HTMLResponse(project_html(document, project, start, end), headers={"Content-Security-Policy": csp})
        view = project_view(document, project, start, end)
        return page("project_page.html", csp, title=f"{project.title} - {document.label}", project=view)

    @router.get("/projects")
    def directory_page() -> HTMLResponse:
        projects = directory_projects(service.assistant.corpus.documents)
        return page("directory_page.html", csp, title=service.document_title, projects=projects)

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
        html = embed_example_html("/embed", service.document_title)
        return HTMLResponse(html, headers={"Content-Security-Policy": csp})

    return router
