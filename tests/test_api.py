"""The HTTP API and plain pages against the real app and the real engine (FastAPI TestClient)."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from zhili_qa.config import Settings
from zhili_qa.corpus import parse_bulletin
from zhili_qa.schema import Answer, Citation, Passage
from zhili_qa.storage import DB_NAME, open_storage
from zhili_qa.web.api_models import response_model
from zhili_qa.web.app import QUEUE_WORKERS, create_app
from zhili_qa.web.pages import embed_example_html
from zhili_qa.web.render import answer_html, conversation_html, project_html
from zhili_qa.web.service import ENGINE_CONCURRENCY
from zhili_qa.web.sources import citation_url, project_url
from zhili_qa.web.suggestions import starters

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
LEAD_QUESTION = "电信网络诈骗专项治理的牵头单位是哪个"
OFF_TOPIC = "今天股市行情怎么样"
LOCAL = ("127.0.0.1", 50000)


def settings_for(tmp_path: Path, **overrides) -> Settings:
    return Settings.from_env(**{"data_dir": tmp_path / "data", "rate_limit_per_minute": 10_000, **overrides})


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("web-data")


@pytest.fixture(scope="module")
def client(assistant, data_dir):
    """The whole app, Gradio pages included, as `python app.py` serves it."""
    app = create_app(assistant, Settings.from_env(data_dir=data_dir, rate_limit_per_minute=10_000))
    with TestClient(app, client=LOCAL) as test_client:  # staff routes answer this machine when no account is set
        yield test_client


def ask(client, question, history=None):
    body = {"question": question} if history is None else {"question": question, "history": history}
    return client.post("/api/ask", json=body)


def document_text(assistant, doc: str) -> str:
    return assistant.corpus.document(doc).text


# ---------------------------------------------------------------- /api/ask
def test_ask_answers_with_a_citation_that_quotes_the_bulletin(client, assistant):
    response = ask(client, LEAD_QUESTION)
    assert response.status_code == 200
    answer = response.json()
    assert answer["found"] is True
    assert "区公安分局" in answer["answer"] and "[1]" in answer["answer"]
    first = answer["citations"][0]
    assert (first["n"], first["project"], first["field"]) == (1, 2, "牵头单位")
    assert document_text(assistant, first["doc"])[first["start"] : first["end"]] == first["quote"]
    assert set(answer) >= {"answer", "found", "citations", "confidence", "degraded", "note"}


def test_ask_follows_up_on_the_project_in_the_history(client):
    history = [
        {"role": "user", "content": LEAD_QUESTION},
        {"role": "assistant", "content": ask(client, LEAD_QUESTION).json()["answer"]},
    ]
    answer = ask(client, "它的治理目标是什么", history).json()
    assert answer["found"] is True
    assert {c["project"] for c in answer["citations"]} == {2}


def test_ask_refuses_what_the_bulletin_does_not_say(client):
    answer = ask(client, OFF_TOPIC).json()
    assert answer["found"] is False
    assert answer["citations"] == []
    assert CJK.search(answer["answer"])


def test_a_500_character_question_is_accepted(client):
    assert ask(client, "种植牙" + "啊" * 497).status_code == 200


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"question": ""}, "请输入问题"),
        ({"question": "   "}, "请输入问题"),
        ({"question": "问" * 501}, "500字以内"),
        ({}, "请输入问题"),
        ({"question": 42}, "请输入问题"),
        ({"question": "牵头单位是谁", "history": [{"role": "system", "content": "x"}]}, "对话历史格式不正确"),
        ({"question": "牵头单位是谁", "history": [{"role": "user"}]}, "对话历史格式不正确"),
        ({"question": "牵头单位是谁", "history": "你好"}, "对话历史格式不正确"),
        ({"question": "牵头单位是谁", "history": [{"role": "user", "content": "x"}] * 21}, "对话历史格式不正确"),
        ({"question": "牵头单位是谁", "history": [{"role": "user", "content": 7}]}, "对话历史格式不正确"),
        ([1, 2], "JSON 对象"),
    ],
)
def test_bad_input_is_a_422_in_chinese(client, body, expected):
    response = client.post("/api/ask", json=body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert expected in detail and CJK.search(detail)
    assert "Traceback" not in response.text


_turns = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["user", "assistant", "system", ""]),
        "content": st.one_of(st.text(max_size=40), st.integers(), st.none()),
    }
)
_bodies = st.fixed_dictionaries(
    {
        "question": st.one_of(
            st.text(max_size=520),
            st.text(alphabet="牵头单位成果目标噪声种植牙 ？", max_size=30),
            st.integers(),
            st.none(),
        )
    },
    optional={"history": st.one_of(st.lists(_turns, max_size=3), st.text(max_size=5), st.none())},
)


@settings(max_examples=60, deadline=None)
@given(body=_bodies)
def test_no_request_body_makes_a_500(client, body):
    response = client.post("/api/ask", json=body)
    assert response.status_code in (200, 422), (body, response.text)
    if response.status_code == 422:
        assert CJK.search(response.json()["detail"])
    else:
        assert set(response.json()) >= {"answer", "found", "citations"}


def test_a_body_that_is_not_json_is_a_422_in_chinese(client):
    response = client.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"] == "请求体不是有效的 JSON。"


def test_an_oversized_body_is_refused_before_parsing(client):
    response = client.post("/api/ask", content=b"x" * 70_000, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert CJK.search(response.json()["detail"])


def test_every_starter_chip_is_answered_from_its_own_project(client, assistant):
    for chip in starters(assistant.projects()):
        answer = ask(client, chip.question).json()
        assert answer["found"], chip.question
        assert chip.project in {c["project"] for c in answer["citations"]}, (chip.question, answer)


# ---------------------------------------------------------------- /api/search, /api/projects
def test_search_ranks_passages_with_citation_fields(client, assistant):
    response = client.get("/api/search", params={"q": "种植牙价格", "k": 5})
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert 0 < len(hits) <= 5
    assert hits[0]["project"] == 10
    for hit in hits:
        assert document_text(assistant, hit["doc"])[hit["start"] : hit["end"]] == hit["text"]
        assert hit["source"].startswith(
            f"（来源：定海区漠视侵害群众利益问题专项治理成果公告（2023年） 第{hit['project']}项 {hit['title']}·"
        )
        assert hit["url"].startswith(f"/project/{hit['project']}?")


def test_search_filters_by_project_and_by_lead_department(client, assistant):
    hits = client.get("/api/search", params={"q": "成果", "project": 6}).json()["hits"]
    assert hits and {h["project"] for h in hits} == {6}
    lead = next(p.lead for p in assistant.projects() if p.number == 12)
    by_lead = client.get("/api/search", params={"q": "成果", "lead": lead}).json()["hits"]
    leads = {p.number: p.lead for p in assistant.projects()}
    assert by_lead and all(lead in leads[h["project"]] for h in by_lead)  # 区卫健局 also leads 区卫健局(区医保局)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "成果", "k": 0},
        {"q": "成果", "k": 51},
        {"q": "成果", "project": "x"},
        {"q": "成果", "project": 99},
    ],
)
def test_bad_search_parameters_are_a_422_in_chinese(client, params):
    response = client.get("/api/search", params=params)
    assert response.status_code == 422
    assert CJK.search(response.json()["detail"])


def test_projects_is_the_directory_of_twelve(client):
    body = client.get("/api/projects").json()
    assert body["document"] == "定海区漠视侵害群众利益问题专项治理成果公告"  # the title data/bulletin.toml states
    projects = body["projects"]
    assert [p["number"] for p in projects] == list(range(1, 13))
    assert all(p["lead"] and p["goal"] and p["results"] for p in projects)
    assert projects[1]["lead"] == "区公安分局"


def test_one_project_with_field_offsets(client, assistant):
    body = client.get("/api/projects/10").json()
    assert body["title"] == "口腔种植医疗服务提质降费专项治理"
    text = document_text(assistant, body["doc"])
    for field in body["fields"].values():
        assert text[field["start"] : field["end"]] == field["text"]
    missing = client.get("/api/projects/99")
    assert missing.status_code == 404 and CJK.search(missing.json()["detail"])


def test_healthz_reports_model_and_index_state(client):
    body = client.get("/healthz").json()
    assert body["status"] in ("ok", "degraded")
    assert body["status"] == ("degraded" if body["degraded"] else "ok")
    assert body["projects"] == 12 and body["index"]["units"]


def test_openapi_docs_are_served(client):
    assert client.get("/docs").status_code == 200
    assert "/api/ask" in client.get("/openapi.json").json()["paths"]


def test_the_api_models_are_the_schema_dataclasses(client):
    """Citation, the answer and a hit in the OpenAPI schema have exactly the dataclasses' fields (plus what the API
    adds), so a field added to schema.py is in the API without touching the web layer."""
    schemas = client.get("/openapi.json").json()["components"]["schemas"]

    def names(name: str) -> list[str]:
        return list(schemas[name]["properties"])

    assert names("Citation") == [f.name for f in dataclasses.fields(Citation)]
    assert names("AnswerOut") == [f.name for f in dataclasses.fields(Answer)] + ["answer_id"]
    assert names("Hit") == [f.name for f in dataclasses.fields(Passage)] + ["source", "url"]
    answer = ask(client, LEAD_QUESTION).json()
    assert list(answer["citations"][0]) == names("Citation")
    hit = client.get("/api/search", params={"q": "种植牙"}).json()["hits"][0]
    assert set(hit) == set(names("Hit"))


def test_a_field_added_to_a_dataclass_is_in_its_response_model():
    Later = dataclasses.make_dataclass("Later", [("n", int), ("published", "str | None", None)])
    model = response_model(Later, "LaterOut", {"n": "编号"}, url=(str, ...))
    assert list(model.model_fields) == ["n", "published", "url"]
    assert model.model_json_schema()["properties"]["n"]["description"] == "编号"
    with pytest.raises(TypeError):
        response_model(Later, "Bad", {"no_such_field": "…"})


def test_project_links_encode_their_parameters():
    assert project_url(3) == "/project/3"
    assert project_url(3, "a b&c=d#e") == "/project/3?doc=a+b%26c%3Dd%23e"
    citation = {"project": 3, "doc": "第2期", "start": 10, "end": 20}
    url = urlsplit(citation_url(citation))
    assert (url.path, parse_qs(url.query), url.fragment) == (
        "/project/3",
        {"doc": ["第2期"], "start": ["10"], "end": ["20"]},
        "zq-hl",
    )


def test_concurrent_asks_wait_in_line_for_the_engine_threads_and_all_get_their_answer(assistant, tmp_path, monkeypatch):
    app = create_app(assistant, settings_for(tmp_path), ui=False)
    answerer = app.state.service.answerer
    in_progress, peak, lock = 0, 0, threading.Lock()
    answer = answerer.answer

    def counted(*args, **kwargs):
        nonlocal in_progress, peak
        with lock:
            in_progress += 1
            peak = max(peak, in_progress)
        try:
            time.sleep(0.05)  # long enough for the other requests to arrive meanwhile
            return answer(*args, **kwargs)
        finally:
            with lock:
                in_progress -= 1

    monkeypatch.setattr(answerer, "answer", counted)
    questions = [LEAD_QUESTION, "种植牙价格降了多少"] * 6
    with TestClient(app) as client, ThreadPoolExecutor(len(questions)) as senders:
        alone = {question: ask(client, question).json()["answer"] for question in set(questions)}
        peak = 0
        responses = list(senders.map(lambda question: ask(client, question), questions))
    assert [r.status_code for r in responses] == [200] * len(questions)
    assert [r.json()["answer"] for r in responses] == [alone[q] for q in questions]
    assert "区公安分局" in alone[LEAD_QUESTION]
    # No thread per waiting request: at most ENGINE_CONCURRENCY answers are being worked on at once.
    assert peak == ENGINE_CONCURRENCY


# ---------------------------------------------------------------- storage: feedback, question log, gaps
def test_feedback_is_stored_in_sqlite_with_question_answer_and_citations(client, data_dir):
    answer = ask(client, LEAD_QUESTION).json()
    response = client.post(
        "/api/feedback", json={"answer_id": answer["answer_id"], "rating": "down", "comment": "想知道联系电话"}
    )
    assert response.status_code == 200 and response.json()["stored"] is True
    assert client.app.state.service.storage.flush()
    with sqlite3.connect(data_dir / DB_NAME) as db:
        row = db.execute(
            "SELECT f.rating, f.comment, q.question, q.answer, q.citations FROM feedback f"
            " JOIN questions q ON q.answer_id = f.answer_id WHERE f.id = ?",
            (response.json()["id"],),
        ).fetchone()
    assert row[:4] == (-1, "想知道联系电话", LEAD_QUESTION, answer["answer"])
    assert json.loads(row[4]) == answer["citations"]
    gap = next(g for g in client.get("/api/gaps").json()["gaps"] if g["question"] == LEAD_QUESTION)
    assert "thumbs_down" in gap["kinds"] and gap["down"] >= 1 and "想知道联系电话" in gap["comments"]


def test_bad_feedback_is_a_422_in_chinese(client):
    response = client.post("/api/feedback", json={"rating": "meh", "answer_id": "x"})
    assert response.status_code == 422 and "评价" in response.json()["detail"]


def test_refused_questions_reach_the_gap_report_newest_first_with_counts(client, data_dir):
    before = client.get("/api/gaps").json()["counts"]["refused"]
    for question in ("明天会下雨吗", OFF_TOPIC, OFF_TOPIC):
        assert ask(client, question).json()["found"] is False
    report = client.get("/api/gaps").json()
    assert report["counts"]["refused"] == before + 3
    questions = [g["question"] for g in report["gaps"]]
    assert questions.index(OFF_TOPIC) < questions.index("明天会下雨吗")
    assert next(g for g in report["gaps"] if g["question"] == OFF_TOPIC)["asked"] == 1  # one client, asked twice
    with sqlite3.connect(data_dir / DB_NAME) as db:
        logged = db.execute(
            "SELECT channel, found, answer FROM questions WHERE question = ? ORDER BY id DESC", (OFF_TOPIC,)
        ).fetchone()
    assert logged[0] == "api" and logged[1] == 0 and logged[2]


def test_an_unwritable_data_dir_still_answers(assistant, tmp_path, short_storage_waits):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data folder should be")
    storage = open_storage(blocker / "data", waits=short_storage_waits)  # its rows can never be written: not waited out
    app = create_app(assistant, settings_for(tmp_path, data_dir=blocker / "data"), storage=storage, ui=False)
    with TestClient(app, client=LOCAL) as client:
        answer = ask(client, LEAD_QUESTION)
        assert answer.status_code == 200 and answer.json()["found"] is True
        feedback = client.post("/api/feedback", json={"rating": "up", "answer_id": answer.json()["answer_id"]})
        assert feedback.status_code == 200 and feedback.json()["stored"] is False
        gaps = client.get("/api/gaps")
        assert gaps.status_code == 200 and gaps.json()["available"] is False


# ---------------------------------------------------------------- rate limit and headers
def test_ask_is_rate_limited_per_client_with_a_chinese_message(assistant, tmp_path):
    app = create_app(assistant, settings_for(tmp_path, rate_limit_per_minute=3), ui=False)
    with TestClient(app) as client:
        assert [ask(client, LEAD_QUESTION).status_code for _ in range(3)] == [200, 200, 200]
        limited = ask(client, LEAD_QUESTION)
        assert limited.status_code == 429
        assert "请稍后再试" in limited.json()["detail"]
        assert int(limited.headers["retry-after"]) >= 1
        assert client.get("/api/projects").status_code == 200  # only asking is limited


@pytest.mark.parametrize("path", ["/api/projects", "/healthz", "/", "/project/2", "/embed-example", "/staff/"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "frame-ancestors 'self' http://localhost:* http://127.0.0.1:*" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_frame_ancestors_come_from_settings_and_cannot_add_directives(assistant, tmp_path):
    app = create_app(assistant, settings_for(tmp_path, frame_ancestors="https://mp.example.cn; script-src *"), ui=False)
    with TestClient(app) as client:
        csp = client.get("/healthz").headers["content-security-policy"]
    assert csp.endswith("; frame-ancestors https://mp.example.cn script-src *")  # one directive: sources only


def test_gradio_is_mounted_hardened(client):
    config = client.get("/config").json()
    assert config["analytics_enabled"] is False
    assert config["show_error"] is False
    assert config["max_file_size"] <= 1024
    assert config["footer_links"] == []
    blocks = [
        route.app.get_blocks() for route in client.app.routes if hasattr(getattr(route, "app", None), "get_blocks")
    ]
    assert len(blocks) == 2  # the chat at / and the staff tools at /staff
    for block in blocks:
        assert block.ssr_mode is False and block.show_error is False and block.allowed_paths == []
        assert block._queue.max_size and block._queue.default_concurrency_limit == QUEUE_WORKERS
    # However many events Gradio works on, the engine answers ENGINE_CONCURRENCY questions at a time.
    assert client.app.state.service.gate._initial_value == ENGINE_CONCURRENCY


# ---------------------------------------------------------------- plain pages and escaping
@pytest.mark.parametrize("question", [LEAD_QUESTION, "专项治理会同了多少家单位", "食堂采购有什么成果"])
def test_project_page_marks_each_cited_span(client, question):
    citations = ask(client, question).json()["citations"]
    assert citations
    for citation in citations:
        response = client.get(
            f"/project/{citation['project']}",
            params={"doc": citation["doc"], "start": citation["start"], "end": citation["end"]},
        )
        assert response.status_code == 200
        assert '<mark id="zq-hl">' in response.text
        marked = "".join(re.findall(r"<mark[^>]*>(.*?)</mark>", response.text))  # split only at item breaks
        assert html.unescape(marked) == citation["quote"]
        assert "default-src 'none'" in response.headers["content-security-policy"]


def test_project_page_ignores_a_span_outside_the_project(client):
    outside = client.get("/project/2", params={"start": 0, "end": 10**6})  # not inside project 2: no highlight
    assert "<mark" not in outside.text
    assert client.get("/project/99").status_code == 404


def test_bulletin_text_and_questions_are_escaped_everywhere():
    document = parse_bulletin(
        "前言<script>alert(1)</script>。\n1\n治理项目:<b>项目</b>专项治理\n牵头单位:区<i>局</i>\n"
        "治理成果:1.做了<img src=x onerror=alert(1)>。2.又做了。\n",
        "evil",
    )
    project = document.project(1)
    html = project_html(document, project, project.fields["牵头单位"].start, project.fields["牵头单位"].end)
    assert "<b>" not in html and "<i>" not in html and "<img" not in html
    assert '<mark id="zq-hl">区&lt;i&gt;局&lt;/i&gt;</mark>' in html
    citation = {
        "n": 1,
        "doc": "evil",
        "project": 1,
        "title": "<b>项目</b>",
        "field": "牵头单位",
        "quote": "<img src=x onerror=alert(1)>",
        "start": 1,
        "end": 2,
    }
    answer = {"answer": "<script>x</script>[1]", "found": True, "citations": [citation], "note": ""}
    rendered = answer_html(answer) + conversation_html([{"question": "<img src=x>", "answer": answer}])
    assert "<script>" not in rendered and "<img" not in rendered and "<b>" not in rendered
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered


def test_embed_mode_and_example_host_page(client, assistant):
    redirect = client.get("/embed", params={"q": "种植牙"}, follow_redirects=False)
    assert redirect.status_code == 307 and redirect.headers["location"].startswith("/?embed=1&q=")
    page = client.get("/embed-example").text
    assert 'src="/embed"' in page
    example = (ROOT / "examples" / "embed.html").read_text(encoding="utf-8")
    title = assistant.corpus.documents[0].label  # the host page is named after the bulletin's stated title
    assert title in page and example == embed_example_html("http://127.0.0.1:7860/embed", title)
    assert client.get("/staff", follow_redirects=False).headers["location"] == "/staff/"


def test_api_docs_load_nothing_from_outside(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(url.startswith("/docs-assets/") for url in assets)
    assert all(client.get(url).status_code == 200 for url in assets)
    assert "cdn" not in page.text.lower()
