"""Public deployment (issue 11): each numbered problem of the issue, probed over HTTP as an outsider would.

1 staff routes need a login · 2 feedback only for this server's answers, once, clients counted apart ·
3 body size enforced while reading · 4 forwarded headers only from configured proxies, CSP, Cache-Control ·
5 no uploads · 6 header and body timeouts, a connection cap · 7 rate limits on search and feedback and Chinese
errors for bad bytes, deep JSON, invisible or unpaired text, a non-boolean stream and an unknown Gradio event.
"""

from __future__ import annotations

import json
import re
import socket
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from live import LiveServer
from zhili_qa.config import Settings
from zhili_qa.web.accounts import set_account
from zhili_qa.web.app import create_app

CJK = re.compile(r"[\u4e00-\u9fff]")
LEAD_QUESTION = "电信网络诈骗专项治理的牵头单位是哪个"
OFF_TOPIC = "今天股市行情怎么样"
PASSWORD = "correct horse battery"
OUTSIDER = ("203.0.113.7", 40000)  # a documentation address: somebody on the internet


def settings_for(tmp_path: Path, **overrides) -> Settings:
    return Settings.from_env(**{"data_dir": tmp_path / "data", "rate_limit_per_minute": 10_000, **overrides})


def with_account(tmp_path: Path, **overrides) -> Settings:
    settings = settings_for(tmp_path, **overrides)
    set_account(settings.accounts_file, "hotline", PASSWORD)
    return settings


def client(assistant, settings: Settings, *, ui: bool = False, address=OUTSIDER) -> TestClient:
    return TestClient(create_app(assistant, settings, ui=ui), client=address)


def login(http: TestClient, name: str = "hotline", password: str = PASSWORD, **headers):
    form = http.get("/staff/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    return http.post(
        "/staff/login",
        data={"name": name, "password": password, "csrf": csrf, "next": "/staff/"},
        headers=headers,
        follow_redirects=False,
    )


# ---------------------------------------------------------------- 1 staff login
def test_staff_routes_need_a_login_and_citizens_routes_stay_open(assistant, tmp_path):
    with client(assistant, with_account(tmp_path), ui=True) as http:
        assert http.get("/api/gaps").status_code == 401
        assert CJK.search(http.get("/api/gaps").json()["detail"])
        page = http.get("/staff/?tab=gaps", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/staff/login")
        report = http.post("/staff/gradio_api/call/report", json={"data": []})
        assert report.status_code == 401
        assert http.get("/staff/config").status_code == 401
        # the citizens' side needs nothing
        assert http.get("/").status_code == 200
        assert http.post("/api/ask", json={"question": LEAD_QUESTION}).status_code == 200
        assert http.get("/api/search", params={"q": "种植牙"}).status_code == 200

        assert login(http, password="wrong password!").status_code == 401
        signed_in = login(http)
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/staff/"
        cookie = signed_in.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
        assert "Secure" not in cookie  # plain http on loopback; see the https test below
        assert http.get("/api/gaps").status_code == 200
        assert http.get("/staff/", params={"tab": "gaps"}).status_code == 200

        logout = http.post("/staff/logout", follow_redirects=False)
        assert logout.status_code == 303
        assert http.get("/api/gaps").status_code == 401  # the session is gone from storage, not just the cookie


def test_a_forged_cookie_or_a_cross_site_post_gets_nothing(assistant, tmp_path):
    with client(assistant, with_account(tmp_path)) as http:
        http.cookies.set("zq_staff", "hotline")
        assert http.get("/api/gaps").status_code == 401
        assert login(http).status_code == 303
        cross = http.post("/staff/logout", headers={"Origin": "https://evil.example"}, follow_redirects=False)
        assert cross.status_code == 403 and CJK.search(cross.json()["detail"])
        assert http.get("/api/gaps").status_code == 200  # still logged in
        form = {"name": "hotline", "password": PASSWORD, "csrf": "made-up", "next": "/staff/"}
        assert http.post("/staff/login", data=form).status_code == 403  # the login form's own token


def test_the_cookie_is_secure_behind_an_https_public_url_or_a_trusted_https_proxy(assistant, tmp_path):
    settings = with_account(tmp_path, public_url="https://qa.example.cn")
    with client(assistant, settings) as http:
        cookie = login(http, Origin="https://qa.example.cn").headers["set-cookie"]
    assert "Secure" in cookie
    proxied = with_account(tmp_path, forwarded_allow_ips="127.0.0.1")
    with client(assistant, proxied, address=("127.0.0.1", 7)) as http:
        forwarded = {"X-Forwarded-For": "203.0.113.8"}
        assert "Secure" not in http.get("/staff/login", headers=forwarded).headers["set-cookie"]
        forwarded["X-Forwarded-Proto"] = "https"  # the proxy says the browser came over HTTPS
        assert "Secure" in http.get("/staff/login", headers=forwarded).headers["set-cookie"]


def test_failed_logins_are_limited_per_client_and_name(assistant, tmp_path):
    with client(assistant, with_account(tmp_path, login_failures_per_hour=3)) as http:
        assert [login(http, password=f"guess number {n}").status_code for n in range(3)] == [401] * 3
        blocked = login(http)  # even the right password now waits
        assert blocked.status_code == 429 and "一小时" in blocked.text


def test_with_no_account_staff_pages_answer_only_this_machine_and_say_how_to_add_one(assistant, tmp_path):
    settings = settings_for(tmp_path)
    with client(assistant, settings, ui=True) as outsider:
        page = outsider.get("/staff/")
        assert page.status_code == 403 and "zhili-qa staff add" in page.text
        assert outsider.get("/api/gaps").status_code == 403
        assert outsider.post("/staff/gradio_api/call/report", json={"data": []}).status_code == 403
    with client(assistant, settings, address=("127.0.0.1", 50000)) as local:
        assert local.get("/api/gaps").status_code == 200
        # a local reverse proxy that is not configured as one does not make everyone local
        relayed = local.get("/api/gaps", headers={"X-Forwarded-For": "203.0.113.9"})
        assert relayed.status_code == 403


# ---------------------------------------------------------------- 2 feedback and the gap report
def test_feedback_only_for_this_servers_answers_and_once_each(assistant, tmp_path):
    with client(assistant, settings_for(tmp_path)) as http:
        fake = http.post("/api/feedback", json={"answer_id": "1234.abcd", "rating": "down", "question": "广告"})
        assert fake.status_code == 422 and CJK.search(fake.json()["detail"])
        answer = http.post("/api/ask", json={"question": LEAD_QUESTION}).json()
        body = {"answer_id": answer["answer_id"], "rating": "down", "question": "随便写的问题", "comment": "想知道电话"}
        first = http.post("/api/feedback", json=body)
        assert first.status_code == 200 and first.json()["stored"] is True
        again = http.post("/api/feedback", json=body)
        assert again.status_code == 409 and CJK.search(again.json()["detail"])
        stored = http.app.state.service.storage.feedback()
    assert len(stored) == 1
    assert (stored[0]["question"], stored[0]["comment"]) == (LEAD_QUESTION, "想知道电话")  # the server's question
    assert stored[0]["answer"] == answer["answer"]


def test_the_gap_report_counts_distinct_clients(assistant, tmp_path):
    app = create_app(assistant, settings_for(tmp_path), ui=False)
    with TestClient(app, client=("127.0.0.1", 1)) as one, TestClient(app, client=("127.0.0.2", 2)) as two:
        for _ in range(5):
            one.post("/api/ask", json={"question": OFF_TOPIC})
        report = one.get("/api/gaps").json()
        gap = next(g for g in report["gaps"] if g["question"] == OFF_TOPIC)
        assert report["counts"]["refused"] == 5 and gap["asked"] == 1 and gap["clients"] == 1
        two.post("/api/ask", json={"question": OFF_TOPIC})
        gap = next(g for g in one.get("/api/gaps").json()["gaps"] if g["question"] == OFF_TOPIC)
        assert gap["asked"] == 2
    rows = app.state.service.storage.backend
    with rows.reading() as db:
        clients = {row[0] for row in db.execute("SELECT client FROM questions")}
    assert len(clients) == 2 and not any("127.0.0" in c for c in clients)  # a keyed hash, never the address


def test_feedback_is_rate_limited_per_client(assistant, tmp_path):
    with client(assistant, settings_for(tmp_path, feedback_rate_limit_per_minute=2)) as http:
        statuses = [http.post("/api/feedback", json={"answer_id": "x", "rating": "up"}).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]


# ---------------------------------------------------------------- 3 body size while reading
def chunks(total: int, size: int = 8192):
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


@pytest.fixture(scope="module")
def live(assistant, tmp_path_factory):
    settings = settings_for(tmp_path_factory.mktemp("live"), body_timeout=1.0, header_timeout=1.0)
    with LiveServer(create_app(assistant, settings)) as server:
        yield server


@pytest.mark.parametrize(
    "path", ["/api/feedback", "/api/ask", "/gradio_api/run/predict", "/gradio_api/queue/join", "/staff/login"]
)
def test_a_chunked_body_past_the_cap_is_refused_while_reading(live, path):
    body = b'{"question": "' + b"x" * 200_000 + b'"}'
    kind = "application/x-www-form-urlencoded" if path == "/staff/login" else "application/json"
    response = httpx.post(
        live.url + path,
        content=iter([body[i : i + 8192] for i in range(0, len(body), 8192)]),  # no Content-Length: chunked
        headers={"content-type": kind},
        timeout=30,
    )
    assert response.status_code == 413, response.text[:200]
    assert response.json()["detail"] == "请求内容太大。"
    with live.app.state.service.storage.backend.reading() as db:
        assert db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] == 0


def test_the_chat_never_echoes_more_than_its_box_takes(live):
    """A question far past the 500-character limit (but under the body cap) comes back cut, not whole (a paste
    somewhat over it, up to twice the limit, comes back whole to be shortened: test_chat_state)."""
    status, stream = gradio_call(live.url, 0, ["问" * 9_000, []])  # 54 KB as JSON escapes
    assert status == 200 and "500字以内" in stream
    assert "问" * 1001 not in stream


# ---------------------------------------------------------------- 4 proxies, CSP, Cache-Control
def test_forwarded_host_does_not_set_gradios_root_and_pages_carry_csp_and_cache_control(live):
    page = httpx.get(live.url + "/", headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
    assert page.status_code == 200
    assert "evil.example" not in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "connect-src 'self'" in csp and "frame-ancestors" in csp
    assert page.headers["cache-control"] == "no-cache"
    assert httpx.get(live.url + "/api/projects").headers["cache-control"] == "no-store"


def test_a_public_url_pins_gradios_root(assistant, tmp_path):
    settings = settings_for(tmp_path, public_url="https://qa.example.cn")
    with client(assistant, settings, ui=True) as http:
        page = http.get("/", headers={"X-Forwarded-Host": "evil.example", "Host": "other.example"})
    assert '"root":"https://qa.example.cn"' in page.text and "evil.example" not in page.text


def test_x_forwarded_for_is_believed_only_from_a_configured_proxy(assistant, tmp_path):
    def statuses(**overrides) -> list[int]:
        settings = settings_for(tmp_path, rate_limit_per_minute=2, **overrides)
        with LiveServer(create_app(assistant, settings, ui=False)) as server:
            return [
                httpx.post(
                    server.url + "/api/ask",
                    json={"question": LEAD_QUESTION},
                    headers={"X-Forwarded-For": f"198.51.100.{n}"},
                ).status_code
                for n in range(3)
            ]

    assert statuses() == [200, 200, 429]  # a local process cannot pick its rate-limit key
    assert statuses(forwarded_allow_ips="127.0.0.1") == [200, 200, 200]  # the proxy names each citizen


# ---------------------------------------------------------------- 5 uploads
@pytest.mark.parametrize("path", ["/gradio_api/upload", "/staff/gradio_api/upload"])
def test_uploads_are_off(live, path):
    response = httpx.post(live.url + path, files={"files": ("a.txt", b"hello")})
    assert 400 <= response.status_code < 500 and response.status_code != 413


# ---------------------------------------------------------------- 6 timeouts and the connection cap
def closed_within(sock: socket.socket, seconds: float) -> bytes | None:
    """What the server sent before closing, or None when it kept the connection open."""
    sock.settimeout(seconds)
    received = b""
    try:
        while chunk := sock.recv(4096):
            received += chunk
    except TimeoutError:
        return None
    return received


def test_half_sent_headers_and_bodies_are_cut_off(live):
    idle = [socket.create_connection(("127.0.0.1", live.port)) for _ in range(20)]
    half = socket.create_connection(("127.0.0.1", live.port))
    half.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # headers never finished
    slow = socket.create_connection(("127.0.0.1", live.port))
    slow.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
    try:
        assert all(closed_within(s, 5) == b"" for s in idle)
        assert closed_within(half, 5) == b""
        answer = closed_within(slow, 5)
        assert answer is not None and b" 408 " in answer.split(b"\r\n")[0]
    finally:
        for s in [*idle, half, slow]:
            s.close()


def test_connections_beyond_the_cap_are_refused(assistant, tmp_path):
    with LiveServer(create_app(assistant, settings_for(tmp_path, max_connections=4), ui=False)) as server:
        held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(4)]
        try:
            time.sleep(0.2)
            assert httpx.get(server.url + "/healthz").status_code == 503
        finally:
            for s in held:
                s.close()
        time.sleep(0.2)
        assert httpx.get(server.url + "/healthz").status_code == 200


# ---------------------------------------------------------------- 7 limits and Chinese errors everywhere
def test_search_is_rate_limited_per_client(assistant, tmp_path):
    with client(assistant, settings_for(tmp_path, search_rate_limit_per_minute=2)) as http:
        statuses = [http.get("/api/search", params={"q": "种植牙"}).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert http.post("/api/ask", json={"question": LEAD_QUESTION}).status_code == 200  # a limit of its own


@pytest.mark.parametrize(
    "body",
    [b'{"question": "\xff\xfe"}', b"[" * 5000 + b"]" * 5000, b'{"question": ' * 3000 + b"1" + b"}" * 3000],
    ids=["invalid-utf8", "deep-array", "deep-object"],
)
def test_bad_bytes_and_deep_json_are_a_chinese_4xx(live, body):
    response = httpx.post(live.url + "/api/ask", content=body, headers={"content-type": "application/json"})
    assert response.status_code in (400, 422) and CJK.search(response.json()["detail"])


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/ask", {"question": "\u200b\u200c\u2060 \u3000"}),
        ("/api/ask", {"question": "牵头单位\ud800是谁"}),
        ("/api/ask", {"question": LEAD_QUESTION, "history": [{"role": "user", "content": "\udfff"}]}),
        ("/api/ask", {"question": LEAD_QUESTION, "stream": "yes"}),
        ("/api/feedback", {"answer_id": "x", "rating": "up", "question": "问题", "comment": "\ud83d"}),
    ],
    ids=["invisible-only", "lone-surrogate", "surrogate-in-history", "stream-yes", "surrogate-comment"],
)
def test_invisible_or_unpaired_text_and_a_non_boolean_stream_are_a_chinese_422(live, path, body):
    raw = json.dumps(body).encode()  # \ud800 stays an escape: what a hostile client sends
    response = httpx.post(live.url + path, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert CJK.search(response.json()["detail"]) and "Traceback" not in response.text


def test_invisible_questions_are_not_logged_and_search_refuses_them(live):
    before = len(live.app.state.service.storage.gaps().gaps)
    httpx.post(live.url + "/api/ask", json={"question": "\u200b\u200b"})
    search = httpx.get(live.url + "/api/search", params={"q": "\u2060\u200b"})
    assert search.status_code == 422 and CJK.search(search.json()["detail"])
    assert len(live.app.state.service.storage.gaps().gaps) == before


def gradio_call(base: str, fn_index: int, data: list, *, queued: bool = False) -> tuple[int, str]:
    """A chat event as the page sends it: without an LLM one POST to /gradio_api/run/predict; with one (queued),
    a join of Gradio's queue and its event stream read to the end."""
    session = "deploytest" + str(time.monotonic_ns())
    body = {"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None, "trigger_id": None}
    route = "/gradio_api/queue/join" if queued else "/gradio_api/run/predict"
    sent = httpx.post(  # json.dumps keeps a lone surrogate as its escape, as a hostile page would send it
        base + route, content=json.dumps(body), headers={"content-type": "application/json"}
    )
    if sent.status_code != 200 or not queued:
        return sent.status_code, sent.text
    with httpx.stream("GET", base + "/gradio_api/queue/data", params={"session_hash": session}, timeout=30) as events:
        text = ""
        for line in events.iter_lines():
            text += line + "\n"
            if '"process_completed"' in line:
                break
    return 200, text


def chat_event(base: str, name: str, elem_id: str) -> tuple[int, int]:
    """(fn_index, trigger_id) of the chat's event ``name`` on the component with ``elem_id``."""
    config = httpx.get(base + "/config").json()
    target = next(c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == elem_id)
    index = next(d["id"] for d in config["dependencies"] if [target, name] in d["targets"])
    return index, target


def test_a_comment_goes_with_the_thumb_on_the_last_answer_only(live):
    """The page keeps the rating a comment is added to; after a newer answer that rating takes no comment."""
    session = "comment" + str(time.monotonic_ns())
    ask, click = chat_event(live.url, "submit", "zq-question"), chat_event(live.url, "click", "zq-chat")

    def call(event: tuple[int, int], data: list, event_data: dict | None = None) -> dict:
        body = {"data": data, "fn_index": event[0], "trigger_id": event[1], "session_hash": session}
        response = httpx.post(live.url + "/gradio_api/run/predict", json={**body, "event_data": event_data})
        assert response.status_code == 200, response.text
        return response.json()["data"]

    rated_turns = call(ask, [LEAD_QUESTION, []])[1]
    assert "能说说哪里不对吗" in call(click, [rated_turns, None], {"rating": -1})[0]
    newer_turns = call(ask, ["专项治理会同了多少家单位", rated_turns])[1]
    assert "意见暂时无法保存" in call(click, [newer_turns, None], {"comment": "不是这个"})[0]
    assert "已收到您的意见" in call(click, [rated_turns, None], {"comment": "想知道办事电话"})[0]
    stored = live.app.state.service.storage.feedback(limit=1)[0]
    assert (stored["rating"], stored["comment"], stored["question"]) == (-1, "想知道办事电话", LEAD_QUESTION)


def test_a_lone_surrogate_in_the_chat_gets_a_chinese_notice_and_an_unknown_event_is_not_a_500(live):
    status, stream = gradio_call(live.url, 0, ["牵头单位\ud800", []])
    assert status == 200 and "无法识别的字符" in stream
    assert "系统出了点问题" not in stream
    for queued in (False, True):
        status, text = gradio_call(live.url, 999, ["x", []], queued=queued)
        assert 400 <= status < 500 and CJK.search(text)
