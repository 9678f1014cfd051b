"""The pages in a real Chromium (Debian's, driven by Playwright) against a live uvicorn on loopback.

Every page here also checks that nothing was requested from any host but the local server: WeChat
users in mainland China cannot reach outside fonts or CDNs, and the page would stall on them.
"""

from __future__ import annotations

import http.server
import re
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from live import CHROMIUM, LAUNCH_ARGS, LiveServer, free_port
from zhili_qa.config import Settings
from zhili_qa.web.app import create_app
from zhili_qa.web.pages import embed_example_html

pytestmark = [
    pytest.mark.browser,
    # Gradio's queue calls pandas APIs that pandas 3 deprecates; not ours to fix.
    pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated:Warning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:Warning"),
]

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "mobile": {
        "viewport": {"width": 375, "height": 667},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}
LEAD_QUESTION = "电信网络诈骗专项治理的牵头单位是哪个"
OFF_TOPIC = "今天股市行情怎么样"
TIMEOUT = 30_000

if not CHROMIUM.exists():
    pytest.skip(
        "Debian's Chromium is not installed (apt-get install chromium); Playwright cannot download its own "
        "browser here",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")
# A loaded machine (CI, or tests beside other work) may take longer than expect()'s own 5 s to render a page.
sync_api.expect.set_options(timeout=TIMEOUT)


def serve(assistant, tmp_path_factory, **overrides) -> LiveServer:
    data = tmp_path_factory.mktemp("browser-data")
    settings = Settings.from_env(**{"data_dir": data, "rate_limit_per_minute": 10_000, **overrides})
    return LiveServer(create_app(assistant, settings))


@pytest.fixture(scope="module")
def server(assistant, tmp_path_factory):
    with serve(assistant, tmp_path_factory) as live:
        yield live


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser):
    """open_page(kind) -> a page that records every request and every dialog; checked after the test."""
    contexts, requests, dialogs = [], [], []

    def opener(kind: str = "desktop", **options):
        context = browser.new_context(**VIEWPORTS[kind], **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.on("request", lambda request: requests.append(request.url))
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        return page

    opener.dialogs = dialogs
    yield opener
    for context in contexts:
        context.close()
    outside = [
        u
        for u in requests
        if urlsplit(u).scheme in ("http", "https", "ws", "wss") and urlsplit(u).hostname not in LOCAL_HOSTS
    ]
    assert outside == [], f"requests left the machine: {outside}"
    assert dialogs == [], f"a dialog opened: {dialogs}"


def shoot(page, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


# What the server rendered: the page's own bubble for a question still on its way (.zq-pending) is not counted.
ANSWERED = "#zq-chat .zq-turn:not(.zq-pending), #zq-chat .zq-notice"


def ask(page, question: str) -> None:
    """Ask and wait for the server's reply: one more turn, or a notice (a new notice replaces the last one)."""
    page.wait_for_selector("#zq-question textarea")
    before = page.locator(ANSWERED).all_inner_texts()
    box = page.locator("#zq-question textarea")
    box.fill(question)
    page.locator("#zq-question").get_by_role("button", name="提问").click()
    page.wait_for_function(
        "([selector, before]) => { const now = [...document.querySelectorAll(selector)].map(e => e.innerText);"
        " return !document.querySelector('#zq-chat .zq-pending') && JSON.stringify(now) !== JSON.stringify(before); }",
        arg=[ANSWERED, before],
    )


def last_answer(page):
    return page.locator("#zq-chat .zq-turn .zq-a").last


def no_horizontal_scroll(page_or_frame) -> bool:
    return page_or_frame.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def tap(page, locator, kind: str) -> None:
    if kind == "mobile":
        locator.tap()
    else:
        locator.click()


@pytest.mark.parametrize("kind", ["desktop", "mobile"])
def test_ask_see_the_cited_source_and_open_it_highlighted(server, open_page, kind):
    page = open_page(kind)
    page.goto(server.url + "/")
    page.wait_for_selector("#zq-chat .zq-welcome")
    # The header names the bulletin by the title its NAME.toml states (nothing district-specific in the code).
    assert (
        page.locator("#zq-header h1").inner_text()
        == server.app.state.service.document_title
        == "定海区漠视侵害群众利益问题专项治理成果公告"
    )
    ask(page, LEAD_QUESTION)

    answer = last_answer(page)
    assert "区公安分局" in answer.locator(".zq-answer-text").inner_text()
    marker = answer.locator("a.zq-marker", has_text="[1]")
    sync_api.expect(marker).to_be_visible()
    source = answer.locator("a.zq-src").first
    sync_api.expect(source).to_contain_text("第2项 电信网络诈骗专项治理 · 牵头单位")
    sync_api.expect(source.locator(".zq-quote")).to_have_text("区公安分局")
    assert no_horizontal_scroll(page)
    if kind == "mobile":  # touch targets: sources, chips, the ask button
        for target in (
            source,
            page.locator("#zq-follow-ups button").first,
            page.locator("#zq-question").get_by_role("button", name="提问"),
        ):
            assert target.bounding_box()["height"] >= 44
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)  # the smooth scroll to the new answer may still be running
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, f"{kind}-answer")
    shoot(page, f"{kind}-answer-full", full_page=True)

    tap(page, source, kind)
    mark = page.locator("#zq-viewer mark#zq-hl")
    sync_api.expect(mark).to_have_text("区公安分局")
    sync_api.expect(page.locator("#zq-viewer .zq-viewer-title")).to_have_text("第2项 电信网络诈骗专项治理")
    body, spot = page.locator("#zq-viewer .zq-viewer-body").bounding_box(), mark.bounding_box()
    assert body["y"] <= spot["y"] and spot["y"] + spot["height"] <= body["y"] + body["height"]  # scrolled into view
    shoot(page, f"{kind}-source")

    page.locator("#zq-viewer .zq-close").click()
    sync_api.expect(page.locator("#zq-viewer")).to_be_hidden()
    tap(page, marker, kind)  # the [1] marker opens the same place
    sync_api.expect(page.locator("#zq-viewer mark#zq-hl")).to_have_text("区公安分局")


def test_a_refusal_is_friendly_and_suggests_questions(server, open_page):
    page = open_page("mobile")
    page.goto(server.url + "/")
    ask(page, OFF_TOPIC)
    sync_api.expect(page.locator("#zq-chat .zq-refusal")).to_be_visible()
    assert page.locator("#zq-chat .zq-refusal a.zq-src").count() == 0
    sync_api.expect(page.locator("#zq-chips-box")).to_contain_text("您可以试试")
    chips = page.locator("#zq-follow-ups button:visible")
    assert chips.count() == 3
    suggestion = chips.first.inner_text()
    shoot(page, "mobile-refusal")
    chips.first.tap()
    page.wait_for_function("() => document.querySelectorAll('#zq-chat .zq-turn').length === 2")
    sync_api.expect(page.locator("#zq-chat .zq-q").last).to_contain_text(suggestion)
    sync_api.expect(last_answer(page).locator("a.zq-src").first).to_be_visible()


def test_a_deep_link_asks_on_open(server, open_page):
    page = open_page("mobile")
    page.goto(f"{server.url}/?q={quote(LEAD_QUESTION)}")
    sync_api.expect(page.locator("#zq-chat .zq-q")).to_contain_text(LEAD_QUESTION)
    sync_api.expect(last_answer(page)).to_contain_text("区公安分局")


def test_markup_in_a_question_is_shown_as_text_and_runs_nothing(server, open_page):
    page = open_page("desktop")
    page.goto(server.url + "/")
    for question in ("<img src=x onerror=alert(1)>", "${alert(2)} {{alert(3)}} <script>alert(4)</script>种植牙"):
        ask(page, question)
        sync_api.expect(page.locator("#zq-chat .zq-q").last).to_have_text("问：" + question)
    page.wait_for_timeout(500)
    assert page.locator("#zq-chat img, #zq-chat script").count() == 0
    assert open_page.dialogs == []


def test_the_embed_page_inside_an_iframe_of_another_local_site(server, open_page, tmp_path):
    (tmp_path / "index.html").write_text(
        embed_example_html(f"{server.url}/embed", "专项治理成果公告"), encoding="utf-8"
    )
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path), **k)  # noqa: E731
    host = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=host.serve_forever, daemon=True).start()
    try:
        page = open_page("mobile")
        page.goto(f"http://127.0.0.1:{host.server_address[1]}/index.html")
        frame = page.frame_locator("iframe.zq-frame")
        sync_api.expect(frame.locator("#zq-chat .zq-welcome")).to_be_visible()
        sync_api.expect(frame.locator("#zq-header")).to_be_hidden()
        sync_api.expect(frame.locator("#zq-footer")).to_be_hidden()
        width = page.locator("iframe.zq-frame").bounding_box()["width"]
        assert 320 <= width <= 420
        frame.locator("#zq-question textarea").fill(LEAD_QUESTION)
        frame.locator("#zq-question").get_by_role("button", name="提问").click()
        sync_api.expect(frame.locator("#zq-chat .zq-a a.zq-src").first).to_contain_text("区公安分局")
        inner = next(f for f in page.frames if f.url.startswith(server.url))
        assert "embed=1" in inner.url and no_horizontal_scroll(inner)
        shoot(page, "mobile-embed")
        page.goto(server.url + "/embed-example")  # the example the app serves itself
        sync_api.expect(page.frame_locator("iframe.zq-frame").locator("#zq-question textarea")).to_be_visible()
    finally:
        host.shutdown()
        host.server_close()


def test_thumbs_down_with_a_comment_is_stored(server, open_page):
    page = open_page("mobile")
    page.goto(server.url + "/")
    ask(page, LEAD_QUESTION)
    page.locator("#zq-down").tap()
    comment = page.locator("#zq-comment textarea")
    sync_api.expect(comment).to_be_visible()
    comment.fill("想知道办事电话")
    page.locator("#zq-send-comment").tap()
    sync_api.expect(page.locator("#zq-feedback-status")).to_contain_text("已收到您的意见")
    stored = server.app.state.service.storage.feedback(limit=1)[0]
    assert (stored["rating"], stored["comment"], stored["question"]) == (-1, "想知道办事电话", LEAD_QUESTION)
    assert "区公安分局" in stored["answer"] and stored["citations"][0]["project"] == 2


def test_the_chat_is_rate_limited_with_a_clear_message(assistant, tmp_path_factory, open_page):
    with serve(assistant, tmp_path_factory, rate_limit_per_minute=2) as limited:
        page = open_page("mobile")
        page.goto(limited.url + "/")
        for _ in range(2):
            ask(page, LEAD_QUESTION)
        ask(page, LEAD_QUESTION)
        sync_api.expect(page.locator("#zq-chat .zq-notice").last).to_contain_text("秒后再试")


def test_staff_search_filter_answer_copy_directory_and_gaps(server, open_page):
    page = open_page("desktop")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.goto(server.url + "/")
    ask(page, OFF_TOPIC)  # something for the gap report
    page.goto(server.url + "/staff")

    page.locator("#zq-search-q textarea").fill("种植牙 价格")
    page.locator("#zq-search-q").get_by_role("button", name="检索").click()
    hits = page.locator("#zq-search-results .zq-hit")
    sync_api.expect(hits.first).to_be_visible()
    sync_api.expect(hits.first.locator("mark").first).to_be_visible()
    sync_api.expect(hits.first.locator(".zq-hit-source")).to_contain_text(
        "（来源：定海区漠视侵害群众利益问题专项治理成果公告（2023年） 第10项"
    )
    page.locator("#zq-search-project input").click()
    page.get_by_role("option", name=re.compile("^第6项")).click()
    sync_api.expect(page.locator("#zq-search-results .zq-hit-where").first).to_contain_text("第6项")
    assert all("第6项" in text for text in page.locator("#zq-search-results .zq-hit-where").all_inner_texts())
    shoot(page, "desktop-staff-search")

    page.get_by_role("tab", name="答复").click()
    page.locator("#zq-staff-q textarea").fill("口腔种植费用降了多少")
    page.locator("#zq-staff-q").get_by_role("button", name="生成答复").click()
    copy_text = page.locator("#zq-staff-answer .zq-copy-text")
    sync_api.expect(copy_text).to_contain_text(
        "（来源：定海区漠视侵害群众利益问题专项治理成果公告（2023年） 第10项 口腔种植医疗服务提质降费专项治理·"
    )
    page.locator("#zq-staff-answer").get_by_role("button", name="一键复制答复").click()
    sync_api.expect(page.locator("#zq-staff-answer").get_by_role("button", name="已复制")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == copy_text.inner_text()
    assert not re.search(r"\[\d+\]", copy_text.inner_text())

    page.get_by_role("tab", name="项目目录").click()
    sync_api.expect(page.locator(".zq-dir")).to_have_count(12)
    page.get_by_role("tab", name="问题缺口").click()
    sync_api.expect(page.locator("#zq-gaps .zq-gap").first).to_contain_text(OFF_TOPIC)
    sync_api.expect(page.locator("#zq-gaps .zq-gap-counts")).to_contain_text("未能回答")
    shoot(page, "desktop-staff-gaps")


def test_a_forwarded_host_header_sends_nothing_elsewhere_and_the_chat_still_works(server, open_page):
    """Issue 11, problem 4: the page's root and scripts stay on this server whatever X-Forwarded-Host says,
    and the CSP (script-src and connect-src 'self') lets the whole chat work: no violation is reported."""
    page = open_page("desktop", extra_http_headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto(server.url + "/")
    ask(page, LEAD_QUESTION)
    sync_api.expect(last_answer(page)).to_contain_text("区公安分局")
    page.locator("#zq-up").click()
    sync_api.expect(page.locator("#zq-feedback-status")).to_contain_text("谢谢您的反馈")
    assert refused == []
    # open_page's own check then fails the test on any request to evil.example


def test_staff_log_in_through_the_form_use_the_tools_and_log_out(assistant, tmp_path_factory, open_page):
    from zhili_qa.web.accounts import set_account

    data = tmp_path_factory.mktemp("staff-login")
    set_account(data / "staff-accounts", "hotline", "correct horse battery")
    with serve(assistant, tmp_path_factory, data_dir=data) as live:
        page = open_page("desktop")
        page.goto(live.url + "/staff?tab=directory")
        sync_api.expect(page.get_by_role("heading", name="热线工作台登录")).to_be_visible()
        page.get_by_label("账号").fill("hotline")
        page.get_by_label("密码").fill("wrong password")
        page.get_by_role("button", name="登录").click()
        sync_api.expect(page.get_by_role("alert")).to_contain_text("账号或密码不正确")
        page.get_by_label("账号").fill("hotline")
        page.get_by_label("密码").fill("correct horse battery")
        page.get_by_role("button", name="登录").click()
        sync_api.expect(page.locator(".zq-dir")).to_have_count(12)  # back on the tab first asked for
        page.get_by_role("tab", name="检索").click()
        page.locator("#zq-search-q textarea").fill("种植牙 价格")
        page.locator("#zq-search-q").get_by_role("button", name="检索").click()
        sync_api.expect(page.locator("#zq-search-results .zq-hit").first).to_be_visible()
        page.get_by_role("button", name="退出登录").click()
        sync_api.expect(page.get_by_role("heading", name="热线工作台登录")).to_be_visible()
        assert page.request.get(live.url + "/api/gaps").status == 401
