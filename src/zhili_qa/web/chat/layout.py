"""The chat page's parts, top to bottom, and what follows an answer: feedback and suggested questions.

Each answer redraws the page through Gradio's event outputs, and every output costs Gradio work per answer
(a changed property rebuilds the component, a new value re-serialises its config: ~0.5-2 ms of Python each,
py-spy under bench/chat_load.py). So what follows an answer - the thumbs, the comment form, the feedback
status, the suggested questions - is plain HTML drawn after the conversation in the one gr.HTML that shows it;
its buttons ask Gradio through ``trigger`` with the question, rating or comment as the event's data.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from ..assets import BUTTON_CSS
from ..service import MAX_COMMENT_CHARS, QAService
from ..suggestions import Suggestion
from ..templating import fragment

SUBTITLE = "问答助手 · 回答均摘自公告原文并注明出处，点出处可看原文"
PLACEHOLDER = "请输入您的问题，例如：种植牙费用降了多少？"
CHIP_SLOTS = 3
CHAT = "chat.html"  # the template of the page's fixed pieces

# A suggested question is shown as asked at once (as the 提问 button does) and asked; a thumb or a comment
# is sent with what it says. The event's handler tells the three apart by the data's key.
ON_CLICK = """element.addEventListener('click', (event) => {
  const button = event.target.closest('.zq-after button');
  if (!button) return;
  if (button.dataset.q) {
    window.zqPending && window.zqPending(button.dataset.q);
    trigger('click', {question: button.dataset.q});
  } else if (button.dataset.rating) {
    button.disabled = true;
    trigger('click', {rating: Number(button.dataset.rating)});
  } else if (button.id === 'zq-send-comment') {
    trigger('click', {comment: element.querySelector('#zq-comment textarea').value});
  }
});"""


@dataclass
class Page:
    """The components the events read and redraw."""

    turns: gr.BrowserState
    rated: gr.State  # [answer id, feedback row] of the last thumb, which a comment is added to
    chat: gr.HTML
    question: gr.Textbox
    starters_box: gr.Accordion
    starters: list[gr.Button]
    clear: gr.Button


@dataclass(frozen=True)
class After:
    """What follows the last answer: its thumbs, a comment form, the feedback status, suggested questions."""

    thumbs: bool = False
    comment: bool = False
    status: str = ""
    chips: tuple[Suggestion, ...] = ()
    label: str = ""

    def html(self) -> str:
        questions = [c.question for c in self.chips[:CHIP_SLOTS]]
        return fragment(
            "after", self.thumbs, self.status, self.comment, MAX_COMMENT_CHARS, self.label, questions, template=CHAT
        )


def header(service: QAService) -> None:
    header_html = fragment("header", service.document_title, SUBTITLE, template=CHAT)
    gr.HTML(header_html, elem_id="zq-header", js_on_load=None)
    if service.assistant.degraded:
        gr.HTML(fragment("degraded", template=CHAT), js_on_load=None)


def question_box() -> gr.Textbox:
    with gr.Column(elem_id="zq-ask"):  # sticks to the bottom of the screen, above a long answer
        # No max_length: the box would cut a long paste silently; the answer says how long is too long.
        return gr.Textbox(
            placeholder=PLACEHOLDER,
            label="您的问题",
            show_label=False,
            lines=1,
            max_lines=4,
            submit_btn="提问",
            elem_id="zq-question",
        )


def starters_part(service: QAService) -> tuple[gr.Accordion, list[gr.Button]]:
    with gr.Accordion("可以这样问", open=True, elem_id="zq-starters") as box, gr.Row(elem_classes="zq-chips"):
        return box, [gr.Button(s.question, size="sm", min_width=0) for s in service.starters]


def footer(service: QAService) -> None:
    footer_html = fragment("footer", len(service.projects), service.document_title, template=CHAT)
    gr.HTML(footer_html, elem_id="zq-footer", js_on_load=None)


def page(service: QAService, conversation_key: str, welcome: str) -> Page:
    """The page, top to bottom (inside a gr.Blocks)."""
    # Kept in the browser's localStorage and sent with every question: a reload, Back from another page or a
    # server restart leaves the conversation and its follow-ups working.
    turns = gr.BrowserState([], storage_key="zq-chat-turns", secret=conversation_key)
    rated = gr.State(None)
    header(service)
    chat = gr.HTML(welcome, elem_id="zq-chat", js_on_load=ON_CLICK, css_template=BUTTON_CSS)
    question = question_box()
    starters_box, starters = starters_part(service)
    clear = gr.Button("清空对话", size="sm", variant="secondary", elem_id="zq-clear", visible=False)
    footer(service)
    return Page(turns, rated, chat, question, starters_box, starters, clear)
