"""Faults seen from the outside: what /api/ask and /healthz do when the index, the model or the database fail.

test_index.py covers the index store itself (problems() for each kind of damage, a SIGKILL during a build);
these tests take each kind of damage through ``Assistant.load`` and the HTTP app, and check the one thing
a citizen sees: a right answer with valid citations, or a clear degraded state, never a wrong answer.
The real model is loaded once (the session ``assistant``) and handed to every load here.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bulletins import SMALL
from zhili_qa import assistant as assistant_module
from zhili_qa import index as store
from zhili_qa.assistant import Assistant
from zhili_qa.config import Settings
from zhili_qa.corpus import load_corpus
from zhili_qa.embedding.encoders import HashingEncoder
from zhili_qa.embedding.loader import DEFAULT_MODEL_DIRNAME, SETUP_COMMAND
from zhili_qa.files import sha256_file
from zhili_qa.storage import DB_NAME, open_storage, sqlite_storage
from zhili_qa.text import Tokenizer, corpus_terms

# The same bulletin with other figures: an index built from it must never answer for SMALL.
OTHER = SMALL.replace("15家次", "51家次").replace("12辆", "87辆").replace("20台", "99台")
FIGURE_QUESTION, FIGURE, WRONG_FIGURE = "校车排查了多少辆", "12辆", "87辆"
LEAD_QUESTION = "电信网络诈骗专项治理的牵头单位是哪个"


@pytest.fixture(scope="module")
def encoder(assistant):
    return assistant.retriever.encoder


@pytest.fixture
def use_encoder(monkeypatch, encoder):
    """Every Assistant.load in the test gets the already loaded real model."""
    monkeypatch.setattr(assistant_module, "load_encoder", lambda settings, **_: encoder)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, encoder) -> Path:
    """A corpus folder and a real index for SMALL, built once; tests work on copies."""
    base = tmp_path_factory.mktemp("pristine")
    (base / "corpus").mkdir()
    (base / "corpus" / "small.txt").write_text(SMALL, encoding="utf-8")
    build_into(base / "corpus", base / "index", encoder)
    return base


def build_into(corpus_dir: Path, index_dir: Path, encoder) -> None:
    corpus = load_corpus(corpus_dir)
    fingerprint = store.corpus_fingerprint(corpus, Settings.from_env().thesaurus)
    store.build(corpus, Tokenizer(corpus_terms(corpus)), encoder, index_dir, fingerprint, progress=False)


def generation(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def workspace(pristine: Path, tmp_path: Path) -> Settings:
    shutil.copytree(pristine / "corpus", tmp_path / "corpus")
    shutil.copytree(pristine / "index", tmp_path / "index")
    return Settings.from_env(
        corpus=tmp_path / "corpus",
        index_dir=tmp_path / "index",
        data_dir=tmp_path / "var",
        rate_limit_per_minute=10_000,
    )


def client_for(assistant: Assistant, settings: Settings, storage=None) -> TestClient:
    from zhili_qa.web.app import create_app  # here, not above: the fast tests of this module need no Gradio

    return TestClient(create_app(assistant, settings, storage=storage, ui=False), client=("127.0.0.1", 50000))


def assert_citations_valid(assistant: Assistant, answer: dict) -> None:
    for citation in answer["citations"]:
        text = assistant.corpus.document(citation["doc"]).text
        assert text[citation["start"] : citation["end"]] == citation["quote"], citation


# ---------------------------------------------------------------- damaged index -> rebuilt, right answers
def _delete_vectors(settings: Settings, encoder) -> None:
    (generation(settings.index_dir) / "dense.faiss").unlink()


def _truncate_bm25(settings: Settings, encoder) -> None:
    biggest = max((generation(settings.index_dir) / "bm25").iterdir(), key=lambda p: p.stat().st_size)
    biggest.write_bytes(biggest.read_bytes()[: biggest.stat().st_size // 3])


def _corrupt_manifest(settings: Settings, encoder) -> None:
    (generation(settings.index_dir) / "manifest.json").write_text('{"format": "2", "units": ', encoding="utf-8")


def _garbage_that_passes_the_checksum(settings: Settings, encoder) -> None:
    """A damaged file whose checksum was rewritten to match: only loading it can tell."""
    folder = generation(settings.index_dir)
    (folder / "dense.faiss").write_bytes(b"\x00garbage" * 64)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["dense.faiss"] = sha256_file(folder / "dense.faiss")
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _built_by_another_model(settings: Settings, encoder) -> None:
    shutil.rmtree(settings.index_dir)
    build_into(settings.corpus, settings.index_dir, HashingEncoder())


def _built_from_another_corpus(settings: Settings, encoder) -> None:
    other = settings.corpus.parent / "other-corpus"
    other.mkdir()
    (other / "small.txt").write_text(OTHER, encoding="utf-8")  # same file name, same document id
    shutil.rmtree(settings.index_dir)
    build_into(other, settings.index_dir, encoder)


@pytest.mark.usefixtures("use_encoder")
@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_delete_vectors, "dense.faiss"),
        (_truncate_bm25, "bm25"),
        (_corrupt_manifest, "manifest"),
        (_garbage_that_passes_the_checksum, "load failed"),
        (_built_by_another_model, "model"),
        (_built_from_another_corpus, "corpus_sha256"),
    ],
    ids=["missing", "truncated", "corrupt-json", "bad-file-good-checksum", "other-model", "other-corpus"],
)
def test_damaged_index_is_rebuilt_and_answers_stay_right(pristine, tmp_path, encoder, caplog, damage, reason):
    settings = workspace(pristine, tmp_path)
    damage(settings, encoder)
    with caplog.at_level(logging.WARNING):
        loaded = Assistant.load(settings, progress=False)
    assert "正在重建索引" in caplog.text and reason in caplog.text
    expected = store.expected_manifest(
        loaded.corpus,
        store.indexed_units(loaded.corpus),
        encoder,
        store.corpus_fingerprint(loaded.corpus, settings.thesaurus),
    )
    assert store.problems(settings.index_dir, expected) == []  # what is on disk now is sound

    with client_for(loaded, settings) as client:
        health = client.get("/healthz").json()
        assert health["status"] == "ok" and health["degraded"] is False
        assert health["index"]["units"] == len(store.indexed_units(loaded.corpus))
        answer = client.post("/api/ask", json={"question": FIGURE_QUESTION}).json()
    assert answer["found"] is True and answer["degraded"] is False
    assert FIGURE in answer["answer"] and WRONG_FIGURE not in answer["answer"]
    assert_citations_valid(loaded, answer)


@pytest.mark.usefixtures("use_encoder")
def test_a_sound_index_is_loaded_without_a_rebuild(pristine, tmp_path, caplog):
    settings = workspace(pristine, tmp_path)
    before = generation(settings.index_dir)
    with caplog.at_level(logging.WARNING):
        Assistant.load(settings, progress=False)
    assert "正在重建索引" not in caplog.text
    assert generation(settings.index_dir) == before


@pytest.mark.usefixtures("use_encoder")
def test_an_index_that_cannot_be_built_degrades_to_lexical_with_a_clear_reason(pristine, tmp_path):
    settings = workspace(pristine, tmp_path)
    blocker = tmp_path / "read-only-volume"
    blocker.write_text("a file where the index folder should be", encoding="utf-8")
    settings = Settings.from_env(corpus=settings.corpus, index_dir=blocker / "index", data_dir=tmp_path / "var")
    loaded = Assistant.load(settings, progress=False)
    assert loaded.degraded and SETUP_COMMAND in loaded.degraded_reason
    with client_for(loaded, settings) as client:
        health = client.get("/healthz").json()
        answer = client.post("/api/ask", json={"question": FIGURE_QUESTION}).json()
    assert health["status"] == "degraded" and SETUP_COMMAND in health["reason"]
    assert answer["degraded"] is True and FIGURE in answer["answer"]
    assert_citations_valid(loaded, answer)


# ---------------------------------------------------------------- embedding model missing or broken
def broken_model_folder(tmp_path: Path, models_dir: Path) -> Path:
    """The real model's folder with its weights cut short (config and tokenizer intact)."""
    source = models_dir / DEFAULT_MODEL_DIRNAME
    folder = tmp_path / "broken-model"
    folder.mkdir()
    for item in source.iterdir():
        if item.name == "model.safetensors":
            (folder / item.name).write_bytes(item.read_bytes()[:4096])
        else:
            (folder / item.name).symlink_to(item)
    return folder


def _garbled_json_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "garbled-model"
    folder.mkdir()
    (folder / "modules.json").write_text('{"not": ', encoding="utf-8")
    (folder / "config.json").write_text("garbage", encoding="utf-8")
    return folder


@pytest.mark.parametrize("model", ["missing", "garbled", "truncated-weights"])
def test_a_missing_or_broken_model_degrades_to_lexical_and_names_the_setup_command(assistant, tmp_path, model):
    folder = {
        "missing": lambda: tmp_path / "no-such-model",
        "garbled": lambda: _garbled_json_folder(tmp_path),
        # the session's converted model (converted once per session when setup has not made it)
        "truncated-weights": lambda: broken_model_folder(tmp_path, assistant.settings.models_dir),
    }[model]()
    settings = Settings.from_env(
        model=str(folder), index_dir=tmp_path / "index", data_dir=tmp_path / "var", rate_limit_per_minute=10_000
    )
    loaded = Assistant.load(settings, progress=False)
    assert loaded.degraded is True
    assert SETUP_COMMAND in loaded.degraded_reason and str(folder) in loaded.degraded_reason
    assert not (tmp_path / "index").exists()  # nothing half-built on disk for a model that is not there

    with client_for(loaded, settings) as client:
        health = client.get("/healthz").json()
        answer = client.post("/api/ask", json={"question": LEAD_QUESTION}).json()
        refusal = client.post("/api/ask", json={"question": "明天会下雨吗"}).json()
    assert health["status"] == "degraded" and health["degraded"] is True
    assert SETUP_COMMAND in health["reason"]
    assert answer["found"] is True and answer["degraded"] is True and "区公安分局" in answer["answer"]
    assert_citations_valid(loaded, answer)
    assert refusal["found"] is False and refusal["citations"] == [] and refusal["degraded"] is True


def test_degraded_lexical_answers_a_lead_question_with_the_named_projects_lead(tmp_path):
    (tmp_path / "corpus").mkdir()
    one_project = SMALL.split("2\n治理项目")[0]
    (tmp_path / "corpus" / "small.txt").write_text(one_project, encoding="utf-8")
    settings = Settings.from_env(
        corpus=tmp_path / "corpus",
        model=str(tmp_path / "no-such-model"),
        index_dir=tmp_path / "index",
        data_dir=tmp_path / "var",
    )
    loaded = Assistant.load(settings, progress=False)
    answer = loaded.ask("农贸市场计量专项治理的牵头单位是谁")
    assert loaded.degraded and answer.found
    assert "县市场监管局" in answer.answer, answer.answer


# ---------------------------------------------------------------- feedback and question log unusable
@pytest.fixture
def app_with_data_dir(assistant, tmp_path, short_storage_waits):
    def make(data_dir: Path) -> TestClient:
        settings = Settings.from_env(data_dir=data_dir, rate_limit_per_minute=10_000)
        return client_for(assistant, settings, open_storage(data_dir, waits=short_storage_waits))

    return make


def test_a_locked_database_still_answers_and_the_question_log_catches_up(app_with_data_dir, tmp_path, assistant):
    data_dir = tmp_path / "data"
    with app_with_data_dir(data_dir) as client:
        assert client.post("/api/ask", json={"question": LEAD_QUESTION}).status_code == 200  # creates the file
        assert client.app.state.service.storage.flush()
        holder = sqlite3.connect(data_dir / DB_NAME, timeout=0)
        holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
        try:
            answer = client.post("/api/ask", json={"question": LEAD_QUESTION})
            assert answer.status_code == 200 and "区公安分局" in answer.json()["answer"]
            feedback = client.post("/api/feedback", json={"rating": "up", "answer_id": answer.json()["answer_id"]})
            assert feedback.status_code == 200 and feedback.json()["stored"] is False
        finally:
            holder.rollback()
            holder.close()
        later = client.post("/api/ask", json={"question": "种植牙价格降了多少"})
        assert later.status_code == 200
        stored = client.post("/api/feedback", json={"rating": "down", "answer_id": later.json()["answer_id"]}).json()
    assert stored["stored"] is True
    with sqlite3.connect(data_dir / DB_NAME) as db:  # the app has stopped: its queued rows are written
        asked = [row[0] for row in db.execute("SELECT question FROM questions ORDER BY id")]
    # The question asked under the lock was held and written once the lock was gone.
    assert asked == [LEAD_QUESTION, LEAD_QUESTION, "种植牙价格降了多少"]


def test_question_rows_wait_out_an_unusable_file_and_are_written_once_it_is_fixed(tmp_path, short_storage_waits):
    data_dir = tmp_path / "data"
    (data_dir / DB_NAME).mkdir(parents=True)  # cannot be opened as a database
    storage = sqlite_storage(data_dir, short_storage_waits)
    for number in range(3):
        storage.log_question("api", f"问题{number}", {"answer": "答", "found": True, "citations": []})
    assert storage.flush(timeout=0.5) is False  # nothing can be written yet, nothing is dropped either
    (data_dir / DB_NAME).rmdir()
    storage.log_question("api", "问题3", {"answer": "答", "found": False, "citations": []})
    assert storage.flush(timeout=10)
    with sqlite3.connect(data_dir / DB_NAME) as db:
        asked = [row[0] for row in db.execute("SELECT question FROM questions ORDER BY id")]
    assert asked == ["问题0", "问题1", "问题2", "问题3"]


def test_a_database_file_moved_away_is_reopened_not_written_into_the_void(tmp_path):
    data_dir = tmp_path / "data"
    storage = sqlite_storage(data_dir)
    storage.log_question("api", "问题0", {"answer": "答", "found": True, "citations": []})
    assert storage.flush()
    (data_dir / DB_NAME).rename(tmp_path / "rotated.sqlite3")  # a cleanup or log rotation
    storage.log_question("api", "问题1", {"answer": "答", "found": True, "citations": []})
    assert storage.add_feedback("answer-1", 1) == 1
    assert storage.flush()
    with sqlite3.connect(data_dir / DB_NAME) as db:
        assert [row[0] for row in db.execute("SELECT question FROM questions")] == ["问题1"]
        assert db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] == 1


@pytest.mark.parametrize("damage", ["directory", "garbage"])
def test_an_unusable_database_file_still_answers(app_with_data_dir, tmp_path, damage):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if damage == "directory":
        (data_dir / DB_NAME).mkdir()  # cannot be opened as a database at all
    else:
        (data_dir / DB_NAME).write_bytes(b"this is not an SQLite database" * 100)
    with app_with_data_dir(data_dir) as client:
        answer = client.post("/api/ask", json={"question": LEAD_QUESTION})
        assert answer.status_code == 200 and "区公安分局" in answer.json()["answer"]
        feedback = client.post("/api/feedback", json={"rating": "up", "answer_id": answer.json()["answer_id"]})
        assert feedback.status_code == 200 and feedback.json()["stored"] is False
        assert client.get("/api/gaps").json()["available"] is False
        assert client.get("/healthz").json()["status"] == "ok"  # storage is a side channel
