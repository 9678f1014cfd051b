"""The hotline staff page (Gradio Blocks at /staff): search, copyable answers, directory, gap report.

The corpus may change while the server runs (the bulletins page switches the service to a new assistant), and a
Gradio page is built once: so each page load redraws what the corpus decides (header, project and department
filters, directory) when the corpus has changed since the page was built.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import gradio as gr

from ..errors import UserInputError
from .catalog import ALL, chosen, project_choices
from .chat import client_of
from .render import directory_html, gaps_html, hits_html, staff_answer_html
from .security import RATE_LIMITED
from .service import QAService
from .templating import fragment

log = logging.getLogger(__name__)

TABS = ("search", "answer", "directory", "gaps")
SEARCH_K = 10
PRIVATE = {"api_visibility": "private"}


def _message(text: str) -> str:
    return fragment("message", text, template="staff.html")


@dataclass
class Desk:
    """The components the events read and redraw."""

    header: gr.HTML
    tabs: gr.Tabs
    query: gr.Textbox
    project: gr.Dropdown
    lead: gr.Dropdown
    results: gr.HTML
    asked: gr.Textbox
    reply: gr.HTML
    directory: gr.HTML
    gaps_tab: gr.Tab
    refresh: gr.Button
    gaps: gr.HTML


# ---------------------------------------------------------------- what the corpus decides
def header_html(service: QAService) -> str:
    return fragment("header", service.document_title, template="staff.html")


def project_filter(service: QAService) -> list[tuple[str, str]]:
    return [("全部项目", ALL), *project_choices(service.assistant.corpus.documents)]


def lead_filter(service: QAService) -> list[tuple[str, str]]:
    return [("全部牵头单位", "")] + [(name, name) for name in service.leads()]


def the_directory(service: QAService) -> str:
    return directory_html(service.assistant.corpus.documents)


# ---------------------------------------------------------------- the page, tab by tab
def search_tab(service: QAService) -> tuple[gr.Textbox, gr.Dropdown, gr.Dropdown, gr.HTML]:
    with gr.Tab("检索", id="search"):
        query = gr.Textbox(
            label="检索词",
            placeholder="如：种植牙 价格",
            max_length=service.settings.max_question_chars,
            submit_btn="检索",
            autofocus=True,  # staff open the desk to type a lookup
            elem_id="zq-search-q",
        )
        with gr.Row():
            project = gr.Dropdown(
                project_filter(service), value=ALL, label="项目", elem_id="zq-search-project", min_width=200
            )
            lead = gr.Dropdown(
                lead_filter(service), value="", label="牵头单位", elem_id="zq-search-lead", min_width=200
            )
        results = gr.HTML("", elem_id="zq-search-results", js_on_load=None)
    return query, project, lead, results


def answer_tab(service: QAService) -> tuple[gr.Textbox, gr.HTML]:
    with gr.Tab("答复", id="answer"):
        asked = gr.Textbox(
            label="群众的问题",
            placeholder="输入问题，生成带来源的答复",
            max_length=service.settings.max_question_chars,
            submit_btn="生成答复",
            elem_id="zq-staff-q",
        )
        return asked, gr.HTML("", elem_id="zq-staff-answer", js_on_load=None)


def gaps_part() -> tuple[gr.Tab, gr.Button, gr.HTML]:
    with gr.Tab("问题缺口", id="gaps") as tab:
        gr.HTML(fragment("gaps_intro", template="staff.html"), js_on_load=None)
        refresh = gr.Button("刷新", size="sm", elem_classes="zq-big")
        return tab, refresh, gr.HTML("", elem_id="zq-gaps", js_on_load=None)


def desk_page(service: QAService) -> Desk:
    """The page, top to bottom (inside a gr.Blocks)."""
    header = gr.HTML(header_html(service), elem_id="zq-header", js_on_load=None)
    with gr.Tabs(elem_id="zq-staff-tabs") as tabs:
        query, project, lead, results = search_tab(service)
        asked, reply = answer_tab(service)
        with gr.Tab("项目目录", id="directory"):
            directory = gr.HTML(the_directory(service), js_on_load=None)
        gaps_tab, refresh, gaps = gaps_part()
    return Desk(header, tabs, query, project, lead, results, asked, reply, directory, gaps_tab, refresh, gaps)


# ---------------------------------------------------------------- events
class Handlers:
    def __init__(self, service: QAService, desk: Desk) -> None:
        self.service = service
        self.desk = desk
        self.built_with = service.assistant  # the corpus the page's own filters and directory show

    def search(self, text: str, value: str, department: str) -> str:
        if not (text or "").strip():
            return _message("请输入检索词。")
        key = chosen(value)
        clash = self.filter_clash(key, department)
        if clash:
            return _message(clash)
        doc, number = key or (None, None)
        try:
            hits = self.service.search(
                text, k=SEARCH_K, project=number, lead=department or None, distinct=True, doc=doc
            )
        except UserInputError as error:
            return _message(str(error))
        except Exception:
            log.exception("staff search failed")
            return _message("检索出错了，请稍后再试。")
        if not hits and (key or department):
            return _message("所选项目或牵头单位范围内没有找到，可以把筛选改回“全部”再查。")
        return hits_html(hits, text, self.service.titles)

    def filter_clash(self, key: tuple[str, int] | None, department: str) -> str:
        """Why a project and a department chosen together can find nothing: that project has another lead."""
        project = next((p for p in self.service.projects if key == (p.doc, p.number)), None)
        if project is None or not department or department in project.lead:
            return ""
        return (
            f"第{project.number}项的牵头单位是{project.lead}，不是{department}：两个筛选条件互相矛盾，"
            "请把“项目”或“牵头单位”改回“全部”。"
        )

    def answer(self, text: str, request: gr.Request) -> str:
        service = self.service
        if not service.limits.hit("ask", client_of(request)):
            return _message(RATE_LIMITED)
        try:
            result = service.ask(text, channel="staff", client=client_of(request))
        except UserInputError as error:
            return _message(str(error))
        except Exception:
            log.exception("staff answer failed")
            return _message("生成答复出错了，请稍后再试。")
        return staff_answer_html(result, service.titles)

    def report(self) -> str:
        return gaps_html(self.service.gaps())

    def on_load(self, request: gr.Request) -> dict:
        """The tab the address asks for; and the current corpus's projects where it changed since the build."""
        desk, service = self.desk, self.service
        tab = request.query_params.get("tab") if request else None
        updates = {desk.tabs: gr.Tabs(selected=tab) if tab in TABS else gr.skip()}
        if service.assistant is not self.built_with:
            updates[desk.header] = header_html(service)
            # Choices only: a fresh page's filters stand at 全部, which every corpus has.
            updates[desk.project] = gr.Dropdown(choices=project_filter(service))
            updates[desk.lead] = gr.Dropdown(choices=lead_filter(service))
            updates[desk.directory] = the_directory(service)
        return updates

    def wire(self, demo: gr.Blocks) -> None:
        desk = self.desk
        for trigger in (desk.query.submit, desk.project.change, desk.lead.change):
            trigger(self.search, [desk.query, desk.project, desk.lead], desk.results, **PRIVATE)
        desk.asked.submit(self.answer, [desk.asked], desk.reply, **PRIVATE)
        desk.refresh.click(self.report, None, desk.gaps, **PRIVATE)
        desk.gaps_tab.select(self.report, None, desk.gaps, **PRIVATE)
        redrawn = [desk.tabs, desk.header, desk.project, desk.lead, desk.directory]
        demo.load(self.on_load, None, redrawn, **PRIVATE).then(self.report, None, desk.gaps, **PRIVATE)


def build_staff(service: QAService) -> gr.Blocks:
    with gr.Blocks(title=f"热线工作台 · {service.document_title}", analytics_enabled=False) as demo:
        Handlers(service, desk_page(service)).wire(demo)
    return demo
