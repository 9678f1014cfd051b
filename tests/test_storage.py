"""The storage interface on both backends (SQLite and a real throw-away PostgreSQL): the same tests."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from zhili_qa.config import Settings
from zhili_qa.storage import ALREADY_RATED, open_storage

REFUSED = {"answer": "公告里没有提到", "found": False, "confidence": 0.0, "citations": []}
ANSWERED = {"answer": "区公安分局[1]", "found": True, "confidence": 0.9, "citations": [{"n": 1, "quote": "区公安分局"}]}


@pytest.fixture
def storage(database):
    data_dir, url = database
    return open_storage(data_dir, url)


def test_feedback_joins_the_logged_answer_and_is_taken_once_per_answer(storage):
    storage.log_question("api", "牵头单位是谁", ANSWERED, answer_id="a1", client="c1")
    first = storage.add_feedback("a1", -1, "想知道电话", client="c1")
    assert isinstance(first, int) and first > 0
    assert storage.add_feedback("a1", 1, client="c2") == ALREADY_RATED
    assert storage.add_comment(first, "补充意见") is True
    assert storage.add_comment(10**9, "没有这条") is False
    row = storage.feedback(limit=1)[0]
    assert (row["rating"], row["comment"], row["question"], row["answer"]) == (
        -1,
        "补充意见",
        "牵头单位是谁",
        "区公安分局[1]",
    )
    assert row["citations"] == ANSWERED["citations"]


def test_the_gap_report_counts_each_client_once_per_question(storage):
    for n in range(4):
        storage.log_question("api", "明天会下雨吗", REFUSED, answer_id=f"r{n}", client="same")
    storage.log_question("chat", "明天会下雨吗", REFUSED, answer_id="r9", client="other")
    storage.log_question("staff", "员工自己问的", REFUSED, answer_id="s1", client="staff")
    storage.log_question("api", "种植牙多少钱", ANSWERED, answer_id="a2", client="same")
    storage.add_feedback("a2", -1, "不对", client="same")
    report = storage.gaps().to_dict()
    assert report["available"] is True
    assert report["counts"] == {"refused": 5, "low_confidence": 0, "thumbs_down": 1}
    gaps = {g["question"]: g for g in report["gaps"]}
    assert set(gaps) == {"明天会下雨吗", "种植牙多少钱"}  # staff questions are left out
    assert (gaps["明天会下雨吗"]["asked"], gaps["明天会下雨吗"]["clients"]) == (2, 2)
    assert gaps["种植牙多少钱"]["down"] == 1 and gaps["种植牙多少钱"]["comments"] == ["不对"]


def test_staff_sessions_live_until_they_expire_or_end(storage):
    assert storage.session("nobody") is None
    assert storage.add_session("tok1", "hotline", time.time() + 60)
    assert storage.add_session("tok2", "hotline", time.time() - 1)  # already expired
    assert storage.session("tok1") == "hotline" and storage.session("tok2") is None
    assert storage.end_session("tok1") is True
    assert storage.session("tok1") is None


def test_feedback_from_many_threads_beside_the_question_log_is_all_stored_with_distinct_ids(storage):
    ids: list[int | None] = []

    def client(number: int) -> None:
        for step in range(20):
            answer_id = f"{number}-{step}"
            storage.log_question("api", f"问题{answer_id}", ANSWERED, answer_id=answer_id, client=str(number))
            ids.append(storage.add_feedback(answer_id, 1, comment="好", client=str(number)))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert storage.flush()
    assert None not in ids and len(set(ids)) == 16 * 20
    with storage.backend.reading() as db:
        for table in ("questions", "feedback"):
            assert db.cursor().execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 16 * 20


def test_the_app_logs_asks_and_feedback_and_keeps_staff_sessions_in_the_configured_backend(assistant, database):
    from zhili_qa.web.app import create_app  # here, not above: the other tests of this module need no Gradio

    data_dir, url = database
    settings = Settings.from_env(data_dir=data_dir, database_url=url or None, rate_limit_per_minute=10_000)
    with TestClient(create_app(assistant, settings, ui=False), client=("127.0.0.1", 9)) as http:
        answer = http.post("/api/ask", json={"question": "今天股市行情怎么样"}).json()
        stored = http.post("/api/feedback", json={"answer_id": answer["answer_id"], "rating": "down"})
        assert stored.json()["stored"] is True
        report = http.get("/api/gaps").json()
    gap = next(g for g in report["gaps"] if g["question"] == "今天股市行情怎么样")
    assert gap["kinds"] == ["refused", "thumbs_down"] and gap["clients"] == 1
    assert type(http.app.state.service.storage.backend).__name__ == ("PostgresBackend" if url else "SQLiteBackend")


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_unreachable_database_is_a_side_channel_that_never_raises(tmp_path, kind, short_storage_waits):
    from live import free_port

    if kind == "sqlite":
        (tmp_path / "not-a-folder").write_text("a file where the data folder should be")
        storage = open_storage(tmp_path / "not-a-folder" / "data", waits=short_storage_waits)
    else:  # nothing listens on that port
        url = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres"
        storage = open_storage(tmp_path, url, waits=short_storage_waits)
    storage.log_question("api", "问题", ANSWERED, answer_id="a1", client="c1")
    assert storage.flush(timeout=0.3) is False  # held for later, not dropped, not raised
    assert storage.add_feedback("a1", 1) is None
    assert storage.add_session("tok", "hotline", time.time() + 60) is False
    assert storage.session("tok") is None
    assert storage.gaps().available is False and storage.feedback() == []


def test_a_thumbs_down_on_a_well_answered_question_counts_its_asking_too(storage):
    # A chip's question is answered (found, confident), then rated down: asked once, not "问过 0 次 · 差评 1 次".
    storage.log_question("chat", "电信网络诈骗治理由哪个部门牵头？", ANSWERED, answer_id="c1", client="phone")
    storage.add_feedback("c1", -1, client="phone")
    gap = storage.gaps().to_dict()["gaps"][0]
    assert (gap["question"], gap["asked"], gap["down"], gap["clients"]) == ("电信网络诈骗治理由哪个部门牵头？", 1, 1, 1)
