# ruff: noqa: F811
"""The lite page (/lite) for slow links and old WebViews: server-rendered, under 30 KB on a first visit, the same
cited answers as the chat and the API, with JavaScript off (form posts) and on (ES5 only, in the background)."""

from __future__ import annotations

from pathlib import Path

import esprima
import httpx
import pytest

# The browser fixtures of test_browser, shared by importing them (pytest finds fixtures by name in the module).
from test_browser import LEAD_QUESTION, browser, open_page, server, sync_api  # noqa: F401

pytestmark = pytest.mark.browser
STATIC = Path(__file__).resolve().parents[1] / "src" / "zhili_qa" / "web" / "static"
SCRIPTS = ("copy.js", "lite.js")  # what the lite page loads, in order (copy.js: the chat pages' too)
FOLLOW_UP = "他们的成果呢"
FIRST_VISIT_LIMIT = 30_000
# Syntax an ES5 engine cannot parse, by the node types esprima gives it (let/const are checked by kind).
NOT_ES5 = {
    "ArrowFunctionExpression",
    "ClassDeclaration",
    "ClassExpression",
    "TemplateLiteral",
    "TaggedTemplateExpression",
    "SpreadElement",
    "RestElement",
    "ForOfStatement",
    "ArrayPattern",
    "ObjectPattern",
    "AssignmentPattern",
    "AwaitExpression",
    "YieldExpression",
    "Import",
}


def api_answer(server, question: str, history: list | None = None) -> str:
    body = {"question": question, "history": history or []}
    return httpx.post(server.url + "/api/ask", json=body, timeout=30).json()["answer"]


def visible_answer(page) -> str:
    return page.locator("#zq-new .zq-answer-text").inner_text()


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_scripts_are_es5_with_no_fetch_only_path(name):
    found: set[str] = set()

    def visit(node, _meta):
        if node.type in NOT_ES5 or (node.type == "VariableDeclaration" and node.kind != "var"):
            found.add(node.type if node.type != "VariableDeclaration" else node.kind)
        if getattr(node, "generator", False) or getattr(node, "isAsync", False):
            found.add("generator/async")

    source = (STATIC / name).read_text(encoding="utf-8")
    esprima.parseScript(source, delegate=visit)
    assert found == set()
    assert "fetch(" not in source


def test_the_lite_and_chat_pages_share_one_copy_script(server, open_page):
    lite = httpx.get(server.url + "/lite").text
    assert [f'<script src="/zq/{name}" defer></script>' in lite for name in SCRIPTS] == [True, True]
    assert lite.index("/zq/copy.js") < lite.index("/zq/lite.js")
    assert httpx.get(server.url + "/zq/copy.js").text == (STATIC / "copy.js").read_text(encoding="utf-8")
    assert "XMLHttpRequest" in (STATIC / "lite.js").read_text(encoding="utf-8")
    page = open_page("mobile")
    for path, ready in (("/lite", "#zq-q"), ("/", "#zq-question textarea")):  # the chat inlines it in its <head>
        page.goto(server.url + path)
        page.locator(ready).wait_for()
        assert page.evaluate("String(window.zqCopy).indexOf('execCommand') > 0"), path


def test_with_javascript_off_a_form_post_answers_follows_up_and_opens_the_source(server, open_page):
    page = open_page("mobile", java_script_enabled=False)
    page.goto(server.url + "/lite")
    page.locator("#zq-q").fill(LEAD_QUESTION)
    page.locator("#zq-send").click()
    sync_api.expect(page.locator("#zq-new .zq-a a.zq-src").first).to_contain_text("区公安分局")
    assert visible_answer(page) == api_answer(server, LEAD_QUESTION)

    page.locator("#zq-q").fill(FOLLOW_UP)  # the conversation rides in the hidden field
    page.locator("#zq-send").click()
    sync_api.expect(page.locator("#zq-log .zq-earlier .zq-q")).to_have_text("问：" + LEAD_QUESTION)
    first = api_answer(server, LEAD_QUESTION)
    history = [{"role": "user", "content": LEAD_QUESTION}, {"role": "assistant", "content": first}]
    assert visible_answer(page) == api_answer(server, FOLLOW_UP, history)
    assert "电信网络诈骗" in visible_answer(page)

    page.locator("#zq-chips .zq-chip").first.click()  # a suggested question is a submit button
    sync_api.expect(page.locator("#zq-log .zq-earlier")).to_have_count(2)
    page.locator("#zq-new a.zq-src").first.click()
    sync_api.expect(page.locator("mark#zq-hl")).to_be_visible()


def test_with_javascript_off_an_over_long_or_empty_question_is_told_not_cut(server, open_page):
    page = open_page("mobile", java_script_enabled=False)
    page.goto(server.url + "/lite")
    page.locator("#zq-send").click()
    assert page.locator("#zq-log .zq-turn").count() == 0
    long = "种植牙" * 200
    page.locator("#zq-q").fill(long)
    page.locator("#zq-send").click()
    sync_api.expect(page.locator("#zq-new .zq-notice")).to_contain_text("500字以内")
    assert page.locator("#zq-q").input_value() == long  # kept for editing, not cut


def test_with_javascript_the_question_shows_at_once_and_the_answer_is_added_in_place(server, open_page):
    page = open_page("mobile")
    refused = []  # the page runs under its Content-Security-Policy header; Chromium reports what that blocks
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    page.goto(server.url + "/lite")
    page.evaluate("window.zqSamePage = true")
    page.route("**/lite", lambda route: (page.wait_for_timeout(800), route.continue_()))  # a slow link
    page.locator("#zq-q").fill(LEAD_QUESTION)
    page.locator("#zq-send").click()
    sync_api.expect(page.locator("#zq-new.zq-pending .zq-q")).to_have_text(LEAD_QUESTION, timeout=500)
    sync_api.expect(page.locator("#zq-new .zq-a a.zq-src").first).to_contain_text("区公安分局")
    page.unroute("**/lite")
    assert visible_answer(page) == api_answer(server, LEAD_QUESTION)
    page.locator("#zq-q").fill(FOLLOW_UP)
    page.locator("#zq-q").press("Enter")
    sync_api.expect(page.locator("#zq-log .zq-turn")).to_have_count(2)
    sync_api.expect(page.locator("#zq-new .zq-answer-text")).to_contain_text("电信网络诈骗")
    assert page.evaluate("window.zqSamePage") is True  # no page load happened

    page.locator("#zq-q").fill("   ")
    page.locator("#zq-send").click()
    assert page.locator("#zq-log .zq-turn").count() == 2  # an empty send adds nothing
    page.locator("#zq-q").fill("问" * 501)
    sync_api.expect(page.locator("#zq-count")).to_contain_text("超出1字")

    page.locator("#zq-new a.zq-src").first.click()  # the source page, then Android's back
    sync_api.expect(page.locator("mark#zq-hl")).to_be_visible()
    page.go_back()
    sync_api.expect(page.locator("#zq-log .zq-turn")).to_have_count(2)
    page.context.set_offline(True)
    page.locator("#zq-q").fill(LEAD_QUESTION)
    page.locator("#zq-send").click()
    sync_api.expect(page.locator("#zq-log .zq-notice").last).to_contain_text("网络连接中断")
    assert page.locator("#zq-q").input_value() == LEAD_QUESTION
    assert refused == []
    assert "script-src 'self'" in httpx.get(server.url + "/lite").headers["content-security-policy"]


def test_a_first_visit_is_under_30_kb_and_the_chat_page_points_to_the_lite_page(server, open_page):
    page = open_page("mobile")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(server.url + "/lite", wait_until="load")
    page.wait_for_timeout(300)
    assert 0 < sum(sizes.values()) < FIRST_VISIT_LIMIT, sizes
    assert httpx.get(server.url + "/?lite=1", follow_redirects=True).url.path == "/lite"
    assert httpx.get(server.url + "/embed?lite=1", follow_redirects=True).url.path == "/lite"
    assert 'href="/lite"' in httpx.get(server.url + "/").text
