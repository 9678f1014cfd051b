"""Shared fixtures: one real Assistant (real model, real index) per test session."""

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # the web tests: no telemetry from Gradio


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    from zhili_qa.assistant import Assistant
    from zhili_qa.config import Settings

    return Assistant.load(Settings.from_env(data_dir=tmp_path_factory.mktemp("data")), progress=False)


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
