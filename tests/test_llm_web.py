"""LLM answers through the web app: the real engine, a live uvicorn on loopback, real HTTP to the scripted
OpenAI-compatible server of fake_openai.py.

``POST /api/ask`` with ``"stream": true`` sends server-sent events as they are written (deltas, then one
final event that carries the verified answer or the extractive one); without an LLM the only event
is the final, extractive one. The chat page shows the streamed text, then the final answer with sources.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from fake_openai import FakeOpenAI, Script
from live import CHROMIUM, LAUNCH_ARGS, LiveServer
from zhili_qa.config import Settings
from zhili_qa.llm import NOTE_GENERATED, NOTE_UNAVAILABLE, NOTE_UNVERIFIED
from zhili_qa.storage import DB_NAME
from zhili_qa.web.app import create_app
from zhili_qa.web.render import conversation_html

SECRET = "sk-web-test-5d1e0b-never-show-me"
TIMEOUT = 1.0
VIDEOS = "电信诈骗宣传视频做了多少篇？"  # extractive: 配套制作紧急预警58期、宣传视频36篇[1]
GOOD = "电信网络诈骗专项治理配套制作了紧急预警58期、宣传视频36篇[1]。"
INVENTED = "电信网络诈骗专项治理配套制作宣传视频40篇[1]。"
OFF_TOPIC = "今天股市行情怎么样"


# ---------------------------------------------------------------- a live app on loopback


@pytest.fixture(scope="module")
def fake():
    with FakeOpenAI() as server:
        yield server


def llm_settings(fake: FakeOpenAI, data_dir: Path, **overrides) -> Settings:
    return Settings.from_env(
        **{
            "llm_base_url": fake.base_url,
            "llm_model": fake.model,
            "llm_api_key": SECRET,
            "llm_timeout": TIMEOUT,
            "data_dir": data_dir,
            "rate_limit_per_minute": 10_000,
            **overrides,
        }
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("llm-web-data")


@pytest.fixture(scope="module")
def live(assistant, fake, data_dir):
    """The API with an LLM configured (the Gradio pages are left out: these tests speak HTTP)."""
    with LiveServer(create_app(assistant, llm_settings(fake, data_dir), ui=False)) as server:
        yield server


@pytest.fixture(scope="module")
def plain(assistant, tmp_path_factory):
    """The API with no LLM configured: extractive answers, as before issue 5."""
    settings = Settings.from_env(data_dir=tmp_path_factory.mktemp("plain-data"), rate_limit_per_minute=10_000)
    with LiveServer(create_app(assistant, settings, ui=False)) as server:
        yield server


@pytest.fixture(autouse=True)
def fresh_script_and_key_never_logged(fake, caplog: pytest.LogCaptureFixture):
    fake.reset()
    caplog.set_level(logging.DEBUG)
    yield
    for record in caplog.records:
        assert SECRET not in record.getMessage(), record.name
        assert SECRET not in (record.exc_text or "")


# ---------------------------------------------------------------- reading server-sent events
def stream_ask(url: str, question: str, **extra) -> tuple[httpx.Response, list[tuple[str, dict, float]]]:
    """POST /api/ask with stream=true; the response and its (event, data, arrival time) in order."""
    events = []
    with (
        httpx.Client(timeout=30) as client,
        client.stream("POST", url + "/api/ask", json={"question": question, "stream": True, **extra}) as response,
    ):
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            name, data = None, []
            for line in response.iter_lines():
                if line.startswith("event: "):
                    name = line[len("event: ") :]
                elif line.startswith("data: "):
                    data.append(line[len("data: ") :])
                elif line == "" and name is not None:
                    events.append((name, json.loads("\n".join(data)), time.monotonic()))
                    name, data = None, []
        else:
            response.read()
    return response, events


def split(events: list[tuple[str, dict, float]]) -> tuple[list[str], dict]:
    """The delta texts and the final answer; deltas come first and exactly one final event ends the stream."""
    kinds = [name for name, _, _ in events]
    assert kinds and kinds[-1] == "final" and kinds[:-1] == ["delta"] * (len(kinds) - 1), kinds
    return [data["text"] for name, data, _ in events[:-1]], events[-1][1]


def ask_json(url: str, question: str, **extra) -> httpx.Response:
    return httpx.post(url + "/api/ask", json={"question": question, **extra}, timeout=30)


def assert_exact_spans(assistant, answer: dict) -> None:
    assert [c["n"] for c in answer["citations"]] == list(range(1, len(answer["citations"]) + 1))
    for c in answer["citations"]:
        assert assistant.corpus.document(c["doc"]).text[c["start"] : c["end"]] == c["quote"]


def extractive(assistant, question: str) -> dict:
    return assistant.ask(question).to_dict()


# ---------------------------------------------------------------- streaming with an LLM
def test_stream_sends_deltas_as_written_then_the_verified_answer(live, fake, assistant):
    fake.script(Script(text=GOOD, chunk=3, hang_after=4, hang=0.6))  # a pause mid-answer, within the timeout
    response, events = stream_ask(live.url, VIDEOS)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache" and response.headers["x-accel-buffering"] == "no"
    assert response.headers["x-content-type-options"] == "nosniff"
    deltas, final = split(events)
    assert len(deltas) >= 4 and "".join(deltas) == GOOD
    assert events[-1][2] - events[0][2] >= 0.4, "the first delta arrived only with the final event: buffered"
    assert final["answer"] == GOOD and final["found"] is True
    assert final["source"] == "llm" and final["replaced"] is False and final["note"] == NOTE_GENERATED
    assert [c["quote"] for c in final["citations"]] == [extractive(assistant, VIDEOS)["citations"][0]["quote"]]
    assert_exact_spans(assistant, final)
    assert fake.requests[0].body["stream"] is True
    assert fake.requests[0].headers["authorization"] == f"Bearer {SECRET}"


def test_stream_with_an_invented_figure_ends_in_the_extractive_answer(live, fake, assistant):
    fake.script(Script(text=INVENTED, chunk=2))
    _, events = stream_ask(live.url, VIDEOS)
    deltas, final = split(events)
    assert deltas and "".join(deltas).startswith("电信网络诈骗")  # shown while written, then replaced
    expected = extractive(assistant, VIDEOS)
    assert final["replaced"] is True and final["source"] == "extractive"
    assert final["answer"] == expected["answer"] and final["citations"] == expected["citations"]
    assert final["note"].endswith(NOTE_UNVERIFIED)
    assert "40" not in final["answer"]


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "json"])
def test_endpoint_500_ends_in_the_extractive_answer(live, fake, assistant, caplog, stream):
    fake.script(Script(status=500, text="upstream exploded"))
    if stream:
        _, events = stream_ask(live.url, VIDEOS)
        deltas, answer = split(events)
        assert deltas == [] and answer["source"] == "extractive" and answer["replaced"] is False
    else:
        response = ask_json(live.url, VIDEOS)
        assert response.status_code == 200
        answer = response.json()
    expected = extractive(assistant, VIDEOS)
    assert answer["answer"] == expected["answer"] and answer["citations"] == expected["citations"]
    assert answer["note"].endswith(NOTE_UNAVAILABLE)
    assert len(fake.requests) == 1
    assert any("LLM answer not used" in r.getMessage() and "HTTP 500" in r.getMessage() for r in caplog.records)


def test_json_answer_with_an_llm_is_the_verified_llm_answer(live, fake, assistant):
    fake.script(Script(text=GOOD))
    response = ask_json(live.url, VIDEOS)
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    answer = response.json()
    assert answer["answer"] == GOOD and answer["note"] == NOTE_GENERATED and answer["found"] is True
    assert set(answer) == {"answer", "found", "citations", "confidence", "degraded", "note", "answer_id"}
    assert answer["citations"] == extractive(assistant, VIDEOS)["citations"][:1]
    assert not fake.requests[0].body.get("stream")


def test_a_refusal_streams_one_final_event_and_makes_no_call(live, fake, assistant):
    _, events = stream_ask(live.url, OFF_TOPIC)
    deltas, final = split(events)
    assert deltas == [] and final["found"] is False and final["source"] == "extractive"
    assert final["answer"] == extractive(assistant, OFF_TOPIC)["answer"]
    assert fake.requests == []


def test_streamed_answer_is_logged_like_a_json_one(live, fake, data_dir):
    question = "电信诈骗的宣传视频有多少篇"
    fake.script(Script(text=GOOD))
    _, final = split(stream_ask(live.url, question)[1])
    assert live.app.state.service.storage.flush()  # question rows are written by a background thread
    with sqlite3.connect(data_dir / DB_NAME) as db:
        row = db.execute(
            "SELECT channel, answer, found, citations FROM questions WHERE question = ? ORDER BY id DESC", (question,)
        ).fetchone()
    assert row[:3] == ("api", GOOD, 1) and json.loads(row[3]) == final["citations"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"question": ""}, "请输入问题"),
        ({"question": "问" * 501}, "500字以内"),
        ({"question": VIDEOS, "history": [{"role": "system", "content": "x"}]}, "对话历史格式不正确"),
        ({"question": VIDEOS, "stream": "maybe"}, "stream 应为"),
    ],
)
def test_bad_input_with_stream_is_a_422_before_any_event(live, fake, body, expected):
    response = httpx.post(live.url + "/api/ask", json={"stream": True, **body}, timeout=30)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/json")
    assert expected in response.json()["detail"]
    assert fake.requests == []


def test_streaming_asks_are_rate_limited_too(assistant, fake, tmp_path):
    app = create_app(assistant, llm_settings(fake, tmp_path, rate_limit_per_minute=2), ui=False)
    with LiveServer(app) as limited:
        assert [stream_ask(limited.url, VIDEOS)[0].status_code for _ in range(2)] == [200, 200]
        response, events = stream_ask(limited.url, VIDEOS)
        assert response.status_code == 429 and events == []
        assert "请稍后再试" in response.json()["detail"]


def test_healthz_names_the_llm_host_never_the_key(live, plain, fake):
    response = httpx.get(live.url + "/healthz", timeout=30)
    assert response.json()["llm"] == {"state": "configured", "host": "127.0.0.1", "model": fake.model}
    assert SECRET not in response.text and str(fake.port) not in json.dumps(response.json()["llm"])
    assert httpx.get(plain.url + "/healthz", timeout=30).json()["llm"] == {"state": "disabled"}


def test_openapi_documents_the_stream_flag(live):
    spec = httpx.get(live.url + "/openapi.json", timeout=30).json()
    operation = spec["paths"]["/api/ask"]["post"]
    assert "text/event-stream" in operation["responses"]["200"]["content"]
    assert "event: final" in operation["description"]
    assert "stream" in spec["components"]["schemas"]["AskRequest"]["properties"]


# ---------------------------------------------------------------- no LLM configured
def test_without_an_llm_a_stream_is_one_final_event_equal_to_the_extractive_answer(plain, assistant):
    response, events = stream_ask(plain.url, VIDEOS)
    assert response.status_code == 200
    deltas, final = split(events)
    assert deltas == []
    answer_id = final.pop("answer_id")  # minted for this answer: the JSON ask below gets another
    assert final == {**extractive(assistant, VIDEOS), "source": "extractive", "replaced": False}
    again = ask_json(plain.url, VIDEOS).json()
    assert again.pop("answer_id") != answer_id
    assert {k: v for k, v in final.items() if k not in ("source", "replaced")} == again


def test_text_being_written_is_escaped_and_links_nothing():
    shown = conversation_html([{"question": "<b>问</b>", "pending": "<img src=x onerror=alert(1)>宣传视频[1]"}])
    assert "<img" not in shown and "<b>" not in shown and "<a " not in shown
    assert "&lt;img src=x onerror=alert(1)&gt;宣传视频[1]" in shown and 'class="zq-turn zq-pending"' in shown


# ---------------------------------------------------------------- the chat page in a real browser


@pytest.mark.browser
@pytest.mark.filterwarnings("ignore:'future.no_silent_downcasting' is deprecated:Warning")
@pytest.mark.filterwarnings("ignore:The copy keyword is deprecated:Warning")
def test_chat_streams_the_llm_answer_then_shows_it_with_its_source(assistant, fake, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    quote = extractive(assistant, VIDEOS)["citations"][0]["quote"]
    # A pause after a few characters, so the text being written is seen before the final answer.
    # The chat re-renders at most every 0.1 s, but the first delta is never held back.
    fake.script(Script(text=GOOD, chunk=3, hang_after=3, hang=1.5))
    app = create_app(assistant, llm_settings(fake, tmp_path, llm_timeout=4.0))
    with LiveServer(app) as server, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_context(
                viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True
            ).new_page()
            page.set_default_timeout(30_000)
            requests, dialogs = [], []
            page.on("request", lambda request: requests.append(request.url))
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(server.url + "/")
            page.wait_for_selector("#zq-chat .zq-welcome")
            page.locator("#zq-question textarea").fill(VIDEOS)
            page.locator("#zq-question").get_by_role("button", name="提问").click()

            pending = page.locator("#zq-chat .zq-pending .zq-a")
            sync_api.expect(pending).to_contain_text("电信网")  # written so far, before the pause ends
            assert pending.locator("a").count() == 0  # no sources or marker links while provisional
            sync_api.expect(page.locator("#zq-feedback")).to_be_hidden()

            sync_api.expect(page.locator("#zq-chat .zq-pending")).to_have_count(0)
            answer = page.locator("#zq-chat .zq-turn .zq-a").last
            sync_api.expect(answer.locator(".zq-answer-text")).to_have_text(GOOD)
            sync_api.expect(answer.locator("a.zq-marker", has_text="[1]")).to_be_visible()
            source = answer.locator("a.zq-src").first
            sync_api.expect(source).to_contain_text("[1]")
            sync_api.expect(source.locator(".zq-quote")).to_have_text(quote)
            sync_api.expect(answer.locator(".zq-note")).to_have_text(NOTE_GENERATED)
            sync_api.expect(page.locator("#zq-feedback")).to_be_visible()
            sync_api.expect(page.locator("#zq-follow-ups button:visible").first).to_be_visible()
        finally:
            browser.close()
    assert fake.requests and fake.requests[0].body["stream"] is True
    assert dialogs == []
    assert [
        u
        for u in requests
        if urlsplit(u).hostname not in ("127.0.0.1", "localhost")
        and urlsplit(u).scheme in ("http", "https", "ws", "wss")
    ] == []
