"""The staff desk's bulletins page on a live server: a rejected file changes nothing, an added bulletin answers
after the background build, and a question asked throughout never fails."""

import shutil
import threading
import time

import httpx
import pytest

from live import LiveServer

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
QUESTION = "种植牙现在多少钱"


@pytest.fixture
def live(tmp_path, years_corpus, models_dir):
    from zhili_qa.assistant import Assistant
    from zhili_qa.config import Settings
    from zhili_qa.embedding.cache import EMBEDDINGS_DIR
    from zhili_qa.web.app import create_app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("dinghai-2023.txt", "dinghai-2023.toml"):
        shutil.copy2(years_corpus / name, corpus / name)
    if (ROOT / "index" / EMBEDDINGS_DIR).is_dir():
        shutil.copytree(ROOT / "index" / EMBEDDINGS_DIR, tmp_path / "index" / EMBEDDINGS_DIR)
    settings = Settings.from_env(
        {},
        corpus=corpus,
        index_dir=tmp_path / "index",
        data_dir=tmp_path / "data",
        models_dir=models_dir,
        rate_limit_per_minute=100_000,
    )
    app = create_app(Assistant.load(settings, progress=False), settings, ui=False)
    with LiveServer(app) as server:
        yield server, corpus


def upload(client, url, name, data, **fields):
    files = {"file": (name, data, "text/plain")}
    return client.post(f"{url}/staff/corpus", files=files, data=fields, headers={"Origin": url})


def ask(client, url) -> dict:
    response = client.post(f"{url}/api/ask", json={"question": QUESTION})
    response.raise_for_status()
    return response.json()


def test_a_bulletin_added_at_the_desk_answers_with_no_failed_request(live, years_corpus):
    server, corpus = live
    url = server.url
    before = sorted(p.name for p in corpus.iterdir())
    failures, answers, stop = [], [], threading.Event()

    def keep_asking():
        with httpx.Client(timeout=30) as client:
            while not stop.is_set():
                try:
                    answers.append(ask(client, url))
                except Exception as error:  # every failure counted, whatever its kind
                    failures.append(repr(error))

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        with httpx.Client(timeout=30) as client:
            assert "6000元" in ask(client, url)["answer"]
            bad = (years_corpus / "dinghai-2024.txt").read_text(encoding="utf-8").replace("\n2\n", "\n3\n", 1)
            rejected = upload(client, url, "dinghai-2024.txt", bad.encode("utf-8"), period="2024")
            assert rejected.status_code == 422 and "项目编号应为2" in rejected.text and "没有任何改动" in rejected.text
            assert sorted(p.name for p in corpus.iterdir()) == before
            too_big = upload(client, url, "big.txt", b"x" * 70_000)
            assert too_big.status_code == 413
            data = (years_corpus / "dinghai-2024.txt").read_bytes()
            added = upload(client, url, "dinghai-2024.txt", data, period="2024", title="2024年定海区公告")
            assert added.status_code == 303 and added.headers["location"] == "/staff/corpus"
            shown = client.get(f"{url}/staff/corpus").text
            assert "dinghai-2024" in shown and "第10项 口腔种植医疗服务提质降费专项治理" in shown  # what was read
            deadline = time.monotonic() + 600
            while (state := client.get(f"{url}/staff/corpus/status").json())["state"] == "running":
                assert time.monotonic() < deadline
                time.sleep(0.5)
            assert state["state"] == "done", state
            count = len(answers)
            while len(answers) < count + 3:  # the asker's answers after the switch
                time.sleep(0.1)
            after = ask(client, url)
    finally:
        stop.set()
        asker.join()
    assert failures == []
    assert "5500元" in after["answer"] and after["citations"][0]["doc"] == "dinghai-2024"
    assert after["citations"][0]["period"] == "2024" and after["citations"][0]["doc_title"] == "2024年定海区公告"
    assert any("6000元" in a["answer"] for a in answers) and "5500元" in answers[-1]["answer"]
    assert (corpus / "dinghai-2024.toml").read_text(encoding="utf-8").count('period = "2024"') == 1
