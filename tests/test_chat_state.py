# ruff: noqa: F811
"""Waiting and state in the Gradio chat (issue 12, problems 4-6), in Chromium against a live server: the question
shows at once without Gradio's greyed-out timers, screen readers hear no untranslated keys, a lost connection is
told in Chinese, the conversation outlives a server restart, Back closes the source viewer, ``?q=`` leaves the
address, the input stays in reach, empty and over-long sends are handled, notices do not stack."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from live import LiveServer

# The browser fixtures of test_browser, shared by importing them (pytest finds fixtures by name in the module).
from test_browser import LEAD_QUESTION, ask, browser, last_answer, open_page, serve, server, sync_api  # noqa: F401
from zhili_qa.config import Settings
from zhili_qa.web.app import create_app

pytestmark = pytest.mark.browser
FOLLOW_UP = "他们的成果呢"
LONG_ANSWER = "电信网络诈骗专项治理取得了哪些成果"
ENTRIES = "#zq-chat .zq-turn, #zq-chat .zq-notice"
# The request a question sends: straight to run/predict without an LLM, through the queue with one.
ASKING = re.compile(r"/gradio_api/(run/predict|queue/join)")
# Gradio's progress timers ("0.5s") that are painted: on screen with no transparent wrapper around them.
PAINTED_TIMERS = """
() => [...document.querySelectorAll('.progress-text, .eta-bar')].filter(e => {
  for (let node = e; node; node = node.parentElement) if (getComputedStyle(node).opacity === '0') return false;
  return e.getBoundingClientRect().width > 0;
}).map(e => e.textContent)
"""


def send(page, text: str) -> None:
    page.locator("#zq-question textarea").fill(text)
    page.locator("#zq-question").get_by_role("button", name="提问").click()


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


def test_the_question_shows_at_once_with_no_timers_and_nothing_untranslated_is_announced(server, open_page):
    page = open_page("mobile")
    refused = []  # the page runs under issue 11's Content-Security-Policy; Chromium reports what that blocks
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    page.goto(server.url + "/")
    page.wait_for_selector("#zq-question textarea")
    page.route(ASKING, lambda route: (page.wait_for_timeout(1500), route.continue_()))
    send(page, LEAD_QUESTION)
    sync_api.expect(page.locator("#zq-chat .zq-pending .zq-q")).to_have_text(LEAD_QUESTION, timeout=700)
    assert page.evaluate(PAINTED_TIMERS) == []
    assert page.locator("#zq-chat").evaluate("e => getComputedStyle(e.closest('.block') || e).opacity") == "1"
    sync_api.expect(last_answer(page)).to_contain_text("区公安分局")
    page.unroute_all(behavior="ignoreErrors")
    page.wait_for_timeout(500)
    spoken = page.evaluate(
        "[...document.querySelectorAll('[aria-live], [role=status], [role=alert]')].map(e => e.textContent).join(' ')"
    )
    assert "common." not in spoken and "status." not in spoken
    assert refused == [] and "script-src" in page.evaluate(
        "fetch('/').then(r => r.headers.get('content-security-policy'))"
    )


def test_empty_sends_add_nothing_an_over_long_paste_is_told_and_notices_do_not_stack(server, open_page):
    page = open_page("mobile")
    page.goto(server.url + "/")
    ask(page, LEAD_QUESTION)
    for _ in range(2):
        send(page, "  ")
    page.wait_for_timeout(1000)
    assert page.locator(ENTRIES).count() == 1
    long = "种植牙多少钱" * 100
    for _ in range(2):
        send(page, long)
        sync_api.expect(page.locator("#zq-chat .zq-notice")).to_contain_text("500字以内")
    assert page.locator("#zq-chat .zq-notice").count() == 1
    assert page.locator("#zq-question textarea").input_value() == long  # not cut, left to shorten


def test_a_rate_limit_says_when_to_try_again_once(assistant, tmp_path_factory, open_page):
    with serve(assistant, tmp_path_factory, rate_limit_per_minute=1) as limited:
        page = open_page("mobile")
        page.goto(limited.url + "/")
        ask(page, LEAD_QUESTION)
        for _ in range(2):
            send(page, LEAD_QUESTION)
            page.wait_for_timeout(800)
        sync_api.expect(page.locator("#zq-chat .zq-notice")).to_have_count(1)
        sync_api.expect(page.locator("#zq-chat .zq-notice")).to_contain_text("秒后再试")


def test_the_conversation_outlives_a_server_restart_and_a_lost_connection_is_told_in_chinese(
    assistant, tmp_path, open_page
):
    settings = Settings.from_env(data_dir=tmp_path, rate_limit_per_minute=10_000)
    first = LiveServer(create_app(assistant, settings))
    page = open_page("mobile")
    with first:
        page.goto(first.url + "/")
        ask(page, LEAD_QUESTION)
    send(page, FOLLOW_UP)  # the server is gone
    sync_api.expect(page.get_by_text("连接中断").first).to_be_visible(timeout=20_000)
    assert page.get_by_text("Connection to the server was lost").count() == 0
    with LiveServer(create_app(assistant, settings), port=first.port):
        page.reload()
        sync_api.expect(page.locator("#zq-chat .zq-q").first).to_contain_text(LEAD_QUESTION)
        ask(page, FOLLOW_UP)
        sync_api.expect(last_answer(page)).to_contain_text("电信网络诈骗")


def test_back_closes_the_source_viewer_and_a_deep_link_leaves_the_address(server, open_page):
    page = open_page("mobile")
    page.goto(f"{server.url}/?q={quote(LEAD_QUESTION)}")
    sync_api.expect(last_answer(page)).to_contain_text("区公安分局")
    page.wait_for_function("() => !location.search.includes('q=')")
    page.reload()  # a reload shows the conversation, and does not ask again
    sync_api.expect(page.locator("#zq-chat .zq-turn")).to_have_count(1)
    page.locator("#zq-chat a.zq-src").first.tap()
    sync_api.expect(page.locator("#zq-viewer mark#zq-hl")).to_be_visible()
    for _ in range(3):  # Tab stays inside the open viewer
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('#zq-viewer')")
    page.go_back()  # Android's back button
    sync_api.expect(page.locator("#zq-viewer")).to_be_hidden()
    assert page.url.rstrip("/") == server.url and page.locator("#zq-chat .zq-turn").count() == 1
    page.locator("#zq-footer a[href='/projects']").click()
    page.go_back()
    sync_api.expect(page.locator("#zq-chat .zq-turn")).to_have_count(1)


def test_after_each_answer_the_input_is_in_reach_and_a_short_turn_is_not_pulled_to_the_top(server, open_page):
    page = open_page("mobile")
    page.goto(server.url + "/")
    for question in (LONG_ANSWER, LEAD_QUESTION):
        ask(page, question)
        page.wait_for_timeout(1200)  # the smooth scroll
        assert in_view(page, "#zq-question textarea"), question
    last = page.locator("#zq-chat .zq-turn").last.bounding_box()
    assert last["y"] > 120  # the short answer sits above the input, the earlier one still in sight above it
    sync_api.expect(last_answer(page).get_by_role("button", name="复制回答")).to_be_visible()


def test_the_starters_close_with_the_first_answer_a_thumb_leaves_them_and_clear_brings_them_back(server, open_page):
    page = open_page("mobile")
    page.goto(server.url + "/")
    starter = page.locator("#zq-starters .zq-chips button").first
    clear = page.locator("#zq-clear")
    sync_api.expect(starter).to_be_visible()
    sync_api.expect(clear).to_be_hidden()
    ask(page, LEAD_QUESTION)
    sync_api.expect(starter).to_be_hidden()
    sync_api.expect(clear).to_be_visible()
    page.locator("#zq-starters").get_by_text("可以这样问").click()  # opened again by hand
    sync_api.expect(starter).to_be_visible()
    page.locator("#zq-up").tap()
    sync_api.expect(page.locator("#zq-feedback-status")).to_contain_text("谢谢")
    sync_api.expect(starter).to_be_visible()  # a thumb changes the conversation's buttons, not the starters
    starter.tap()  # a starter asked: the new answer closes them again
    sync_api.expect(page.locator("#zq-chat .zq-turn")).to_have_count(2)
    sync_api.expect(starter).to_be_hidden()
    clear.tap()
    sync_api.expect(page.locator("#zq-chat .zq-welcome")).to_be_visible()
    sync_api.expect(starter).to_be_visible()
    sync_api.expect(clear).to_be_hidden()
