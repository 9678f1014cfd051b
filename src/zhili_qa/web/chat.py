"""The citizens' chat page (Gradio Blocks): questions, cited answers, chips, feedback, ``?q=`` deep links.

With an LLM configured the answer streams in as plain escaped text and is then replaced by the verified
final answer (or the extractive one) with its sources; without one there is a single update, as before.

The conversation is one HTML fragment rendered by :mod:`render` (everything escaped there), so the
sources under each answer and the [n] markers are plain links the page script opens in a viewer.
"""

from __future__ import annotations

import hashlib
import logging
import time

import gradio as gr

from ..errors import UserInputError
from ..storage import ALREADY_RATED
from . import suggestions
from .assets import SETTLE_JS, SHOW_QUESTION_JS
from .inputs import echoable, optional
from .render import conversation_html, esc
from .security import RATE_LIMITED
from .service import MAX_COMMENT_CHARS, MAX_HISTORY, QAService

ECHOED_TIMES_THE_LIMIT = 2  # a question box value echoed back at most this many times the question limit

log = logging.getLogger(__name__)

TITLE = "定海区漠视侵害群众利益问题专项治理成果"
SUBTITLE = "问答助手 · 回答均摘自公告原文并注明出处，点出处可看原文"
PLACEHOLDER = "请输入您的问题，例如：种植牙费用降了多少？"
CHIP_SLOTS = 3
KEPT_TURNS = 30  # what one page keeps and re-renders; older turns drop off the top
FAILED = "抱歉，系统出了点问题，请稍后再试。"
PROVISIONAL_INTERVAL = 0.1  # seconds between re-renders of the text being written (each sends the whole log)
LLM_CONCURRENCY = 8  # chat questions answered at once when an LLM is configured (it does the waiting)


def engine_history(turns: list[dict]) -> list[dict]:
    """The exchanges so far as the engine's [{"role","content"}] history (notices left out)."""
    history = []
    for turn in turns:
        if "answer" in turn:
            history += [
                {"role": "user", "content": turn["question"]},
                {"role": "assistant", "content": turn["answer"]["answer"]},
            ]
    return history[-MAX_HISTORY:]


def with_notice(turns: list[dict], notice: str) -> list[dict]:
    """The exchanges with one notice after them: a new notice replaces the last instead of stacking up."""
    return [*(t for t in turns if "notice" not in t), {"notice": notice}]


def conversation_key(service: QAService) -> str:
    """What Gradio encrypts the conversation kept in the browser with. Gradio sends it to the page anyway, so it
    is no secret; derived from the bulletin, it stays the same across restarts (a conversation survives them)
    and changes with the bulletin (whose answers an old conversation quotes)."""
    text = "".join(d.text for d in service.assistant.corpus.documents)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def client_of(request: gr.Request | None) -> str:
    client = getattr(request, "client", None)
    return getattr(client, "host", None) or "unknown"


def status_html(text: str) -> str:
    return f'<p class="zq-chips-label" role="status">{esc(text)}</p>'


def _llm_concurrency(service: QAService) -> dict:
    if not service.answerer.enabled:
        return {}
    return {"concurrency_limit": LLM_CONCURRENCY, "concurrency_id": "zq-ask"}


def build_chat(service: QAService) -> gr.Blocks:
    max_chars = service.settings.max_question_chars
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        # Kept in the browser's localStorage and sent with every question: a reload, Back from another page or
        # a server restart leaves the conversation and its follow-ups working.
        turns = gr.BrowserState([], storage_key="zq-chat-turns", secret=conversation_key(service))
        feedback_id = gr.State(None)
        gr.HTML(f"<h1>{esc(TITLE)}</h1><p>{esc(SUBTITLE)}</p>", elem_id="zq-header", js_on_load=None)
        if service.assistant.degraded:
            gr.HTML('<div class="zq-notice">当前为简易检索模式，回答可能不够准确。</div>', js_on_load=None)
        chat = gr.HTML(conversation_html([]), elem_id="zq-chat", js_on_load=None)

        with gr.Column(visible=False, elem_id="zq-feedback") as feedback_box:
            with gr.Row(elem_classes="zq-feedback") as thumbs:
                gr.HTML('<span class="zq-chips-label">这个回答有帮助吗？</span>', js_on_load=None)
                up = gr.Button("👍 有帮助", size="sm", elem_id="zq-up")
                down = gr.Button("👎 没帮助", size="sm", elem_id="zq-down")
            feedback_status = gr.HTML("", js_on_load=None, elem_id="zq-feedback-status")
            with gr.Column(visible=False) as comment_box:
                comment = gr.Textbox(
                    label="补充意见（可选）", lines=2, max_length=MAX_COMMENT_CHARS, elem_id="zq-comment"
                )
                send_comment = gr.Button("提交意见", size="sm", elem_classes="zq-big", elem_id="zq-send-comment")

        with gr.Column(visible=False, elem_id="zq-chips-box") as chips_box:
            chips_label = gr.HTML("", js_on_load=None)
            with gr.Row(elem_classes="zq-chips", elem_id="zq-follow-ups"):
                chips = [gr.Button("", visible=False, size="sm", min_width=0) for _ in range(CHIP_SLOTS)]

        with gr.Column(elem_id="zq-ask"):  # sticks to the bottom of the screen, above a long answer
            # No max_length: the box would cut a long paste silently; the answer says how long is too long.
            question = gr.Textbox(
                placeholder=PLACEHOLDER,
                label="您的问题",
                show_label=False,
                lines=1,
                max_lines=4,
                submit_btn="提问",
                elem_id="zq-question",
            )

        with (
            gr.Accordion("可以这样问", open=True, elem_id="zq-starters") as starters_box,
            gr.Row(elem_classes="zq-chips"),
        ):
            starters = [gr.Button(s.question, size="sm", min_width=0) for s in service.starters]

        clear = gr.Button("清空对话", size="sm", variant="secondary", elem_id="zq-clear", visible=False)
        gr.HTML(
            f'<a href="/projects">查看全部{len(service.projects)}个治理项目</a> · '
            '<a href="/lite">网速慢？用简洁版</a> · '
            f"内容来源：{esc(service.document_title)}",
            elem_id="zq-footer",
            js_on_load=None,
        )

        outputs = [
            chat,
            turns,
            question,
            chips_box,
            chips_label,
            *chips,
            starters_box,
            feedback_box,
            thumbs,
            comment_box,
            feedback_status,
            feedback_id,
            clear,
        ]

        # Updates are gr.update() dicts: a component constructed only to say "visible=False" costs ~1-2 ms of
        # Python each (ids, upload folder lookups), a dozen per answer; measured in bench/chat_load.py.
        def view(turns: list[dict], chip_list: list[suggestions.Suggestion], label: str, question_value: str):
            answered = bool(turns) and "answer" in turns[-1]
            chip_updates = [gr.update(value=c.question, visible=True) for c in chip_list[:CHIP_SLOTS]]
            chip_updates += [gr.update(visible=False)] * (CHIP_SLOTS - len(chip_updates))
            return (
                conversation_html(turns, service.titles),
                turns,
                # A paste somewhat over the limit comes back whole to be shortened; a flood never comes back whole.
                echoable(question_value[: ECHOED_TIMES_THE_LIMIT * max_chars]),
                gr.update(visible=bool(chip_list)),
                f'<span class="zq-chips-label">{esc(label)}</span>',
                *chip_updates,
                gr.update(open=not any("answer" in t for t in turns)),
                gr.update(visible=answered),
                gr.update(visible=True),
                gr.update(visible=False),
                "",
                None,
                gr.update(visible=bool(turns)),
            )

        def respond(text: str, turns: list[dict], request: gr.Request):
            """A generator: with an LLM, the text as it is written (escaped, no sources yet), then always
            the final answer in its place; without one, just the final answer, as a single update."""
            turns = list(turns or [])
            if not (text or "").strip():  # an empty send changes nothing
                yield tuple(gr.skip() for _ in outputs)
                return
            client = client_of(request)
            refused = service.over_limit(client)
            if refused:
                yield view(with_notice(turns, refused), [], "", text)
                return
            kept = [t for t in turns if "answer" in t][-(KEPT_TURNS - 1) :]
            answer, written, shown_at = None, "", 0.0
            try:
                for event, final in service.ask_stream(text, engine_history(turns), channel="chat", client=client):
                    if event.kind == "delta":
                        written += event.text
                        if time.monotonic() - shown_at >= PROVISIONAL_INTERVAL:  # the final answer follows anyway
                            shown_at = time.monotonic()
                            yield provisional([*kept, {"question": text, "pending": written}])
                    elif final is not None:
                        answer = final  # replaces what was written, whatever ``replaced`` says
            except UserInputError as error:
                yield view(with_notice(turns, str(error)), [], "", text)
                return
            except Exception:
                log.exception("chat could not answer")
                yield view(with_notice(turns, FAILED), [], "", text)
                return
            if answer is None:  # a stream that ended without its final event: not shown as an answer
                log.error("chat stream ended without a final answer")
                yield view(with_notice(turns, FAILED), [], "", text)
                return
            turns = [*kept, {"question": text, "answer": answer}]
            if answer["found"]:
                chip_list, label = suggestions.follow_ups(service.projects, answer, text), "接着问："
            else:
                chip_list, label = service.related_suggestions(text), "您可以试试："
            yield view(turns, chip_list, label, "")

        def provisional(shown: list[dict]):
            """While the model writes only the conversation changes; the state waits for the final answer,
            and the last answer's chips and thumbs are hidden so they cannot be taken for this one's."""
            hidden = (chips_box, feedback_box)
            return tuple(
                conversation_html(shown, service.titles)
                if c is chat
                else gr.update(visible=False)
                if any(c is h for h in hidden)
                else gr.skip()
                for c in outputs
            )

        def on_load(turns: list[dict], request: gr.Request):
            """``?q=`` asks at once; otherwise the conversation the browser kept is shown again."""
            asked = (request.query_params.get("q") or "").strip() if request else ""
            if asked:
                yield from respond(asked[: max_chars + 1], turns, request)
            elif turns:
                yield view([t for t in turns if "answer" in t], [], "", "")
            else:
                yield tuple(gr.skip() for _ in outputs)

        def rate(rating: int):
            def handler(turns: list[dict], request: gr.Request):
                exchange = next((t for t in reversed(turns or []) if "answer" in t), None)
                if exchange is None:
                    return gr.update(visible=True), gr.update(visible=False), "", None
                client = client_of(request)
                if not service.limits.hit("feedback", client):
                    return gr.skip(), gr.skip(), status_html(RATE_LIMITED), None
                try:
                    stored = service.feedback(exchange["answer"].get("answer_id", ""), rating, client=client)
                except UserInputError as error:
                    return gr.update(visible=False), gr.update(visible=False), status_html(str(error)), None
                if stored == ALREADY_RATED:
                    return (
                        gr.update(visible=False),
                        gr.update(visible=False),
                        status_html("这个回答已经评价过了。"),
                        None,
                    )
                thanks = "谢谢您的反馈！" + ("能说说哪里不对吗？（可选）" if rating < 0 else "")
                return gr.update(visible=False), gr.update(visible=stored is not None), status_html(thanks), stored

            return handler

        def save_comment(text: str, stored: int | None):
            try:
                text = optional((text or "").strip(), "")
            except UserInputError as error:
                return gr.skip(), gr.skip(), status_html(str(error))
            if not text:
                return gr.skip(), gr.skip(), status_html("请先写下您的意见。")
            ok = stored is not None and service.comment(stored, text)
            message = "已收到您的意见，谢谢！" if ok else "意见暂时无法保存，请稍后再试。"
            return "", gr.update(visible=not ok), status_html(message)

        def reset():
            return view([], [], "", "")

        scroll = {"fn": None, "js": SETTLE_JS, "show_progress": "hidden"}
        # The page shows the question and its own waiting line (SHOW_QUESTION_JS): Gradio's progress would grey
        # the conversation out, put timers on it and announce untranslated keys to screen readers.
        # With an LLM, a question spends most of its time waiting on the endpoint, not on the 2 cores
        # (the engine gate in the service still bounds engine work), so more questions may be in flight.
        quiet = {"api_visibility": "private", "show_progress": "hidden"}
        asking = {**quiet, "js": SHOW_QUESTION_JS}
        asking |= _llm_concurrency(service)

        def respond_once(text: str, turns: list[dict], request: gr.Request):
            """Without an LLM there is one update: a plain function spares Gradio's generator machinery
            (measured in bench/chat_load.py)."""
            return next(respond(text, turns, request))

        answer = respond if service.answerer.enabled else respond_once
        question.submit(answer, [question, turns], outputs, **asking).then(**scroll)
        for button in chips + starters:
            button.click(answer, [button, turns], outputs, **asking).then(**scroll)
        demo.load(on_load, [turns], outputs, **quiet, **_llm_concurrency(service)).then(**scroll)
        up.click(rate(1), [turns], [thumbs, comment_box, feedback_status, feedback_id], **quiet)
        down.click(rate(-1), [turns], [thumbs, comment_box, feedback_status, feedback_id], **quiet)
        send_comment.click(save_comment, [comment, feedback_id], [comment, comment_box, feedback_status], **quiet)
        clear.click(reset, None, outputs, **quiet)
    return demo
