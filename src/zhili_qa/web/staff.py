"""The hotline staff page (Gradio Blocks at /staff): search, copyable answers, directory, gap report."""

from __future__ import annotations

import logging

import gradio as gr

from ..errors import UserInputError
from .chat import client_of
from .render import directory_html, esc, gaps_html, hits_html, staff_answer_html
from .security import RATE_LIMITED
from .service import QAService

log = logging.getLogger(__name__)

TABS = ("search", "answer", "directory", "gaps")
SEARCH_K = 10


def _message(text: str) -> str:
    return f'<p class="zq-empty" role="status">{esc(text)}</p>'


def build_staff(service: QAService) -> gr.Blocks:
    max_chars = service.settings.max_question_chars
    with gr.Blocks(title=f"热线工作台 · {service.document_title}", analytics_enabled=False) as demo:
        gr.HTML(
            f'<h1>热线工作台</h1><p>{esc(service.document_title)} · <a href="/">群众问答页</a></p>'
            '<form method="post" action="/staff/logout" class="zq-logout"><button type="submit">退出登录</button></form>',
            elem_id="zq-header",
            js_on_load=None,
        )
        with gr.Tabs(elem_id="zq-staff-tabs") as tabs:
            with gr.Tab("检索", id="search"):
                query = gr.Textbox(
                    label="检索词",
                    placeholder="如：种植牙 价格",
                    max_length=max_chars,
                    submit_btn="检索",
                    autofocus=True,  # staff open the desk to type a lookup
                    elem_id="zq-search-q",
                )
                with gr.Row():
                    project = gr.Dropdown(
                        [("全部项目", 0)] + [(f"第{p.number}项 {p.title}", p.number) for p in service.projects],
                        value=0,
                        label="项目",
                        elem_id="zq-search-project",
                        min_width=200,
                    )
                    lead = gr.Dropdown(
                        [("全部牵头单位", "")] + [(name, name) for name in service.leads()],
                        value="",
                        label="牵头单位",
                        elem_id="zq-search-lead",
                        min_width=200,
                    )
                results = gr.HTML("", elem_id="zq-search-results", js_on_load=None)
            with gr.Tab("答复", id="answer"):
                asked = gr.Textbox(
                    label="群众的问题",
                    placeholder="输入问题，生成带来源的答复",
                    max_length=max_chars,
                    submit_btn="生成答复",
                    elem_id="zq-staff-q",
                )
                reply = gr.HTML("", elem_id="zq-staff-answer", js_on_load=None)
            with gr.Tab("项目目录", id="directory"):
                gr.HTML(directory_html(service.assistant.corpus.documents), js_on_load=None)
            with gr.Tab("问题缺口", id="gaps") as gaps_tab:
                gr.HTML(
                    '<p class="zq-chips-label">群众问到但公告没有回答、回答把握不大或被点踩的问题，新的在前。</p>',
                    js_on_load=None,
                )
                refresh = gr.Button("刷新", size="sm", elem_classes="zq-big")
                gaps = gr.HTML("", elem_id="zq-gaps", js_on_load=None)

        def search(text: str, number: int, department: str) -> str:
            if not (text or "").strip():
                return _message("请输入检索词。")
            clash = filter_clash(number, department)
            if clash:
                return _message(clash)
            try:
                hits = service.search(text, k=SEARCH_K, project=number or None, lead=department or None, distinct=True)
            except UserInputError as error:
                return _message(str(error))
            except Exception:
                log.exception("staff search failed")
                return _message("检索出错了，请稍后再试。")
            if not hits and (number or department):
                return _message("所选项目或牵头单位范围内没有找到，可以把筛选改回“全部”再查。")
            return hits_html(hits, text, service.titles)

        def filter_clash(number: int, department: str) -> str:
            """Why a project and a department chosen together can find nothing: that project has another lead."""
            project = next((p for p in service.projects if p.number == number), None)
            if project is None or not department or department in project.lead:
                return ""
            return (
                f"第{number}项的牵头单位是{project.lead}，不是{department}：两个筛选条件互相矛盾，"
                "请把“项目”或“牵头单位”改回“全部”。"
            )

        def answer(text: str, request: gr.Request) -> str:
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

        def report() -> str:
            return gaps_html(service.gaps())

        def on_load(request: gr.Request):
            tab = request.query_params.get("tab") if request else None
            return gr.Tabs(selected=tab) if tab in TABS else gr.skip()

        private = {"api_visibility": "private"}
        for trigger in (query.submit, project.change, lead.change):
            trigger(search, [query, project, lead], results, **private)
        asked.submit(answer, [asked], reply, **private)
        refresh.click(report, None, gaps, **private)
        gaps_tab.select(report, None, gaps, **private)
        demo.load(on_load, None, tabs, **private).then(report, None, gaps, **private)
    return demo
