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
