# ruff: noqa: F811
"""The hotline staff desk (issue 12, problem 8): terse lookups, figures and shortened department names find
their passage; the desk opens ready to type; a filter clash says so; each department is listed once."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

# The browser fixtures of test_browser, shared by importing them (pytest finds fixtures by name in the module).
from test_browser import browser, open_page, server, sync_api  # noqa: F401
from zhili_qa.config import Settings
from zhili_qa.storage import sqlite_storage
from zhili_qa.web.service import QAService

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from staff_lookups import rank_of, read_lookups, score

TARGET = 0.95


@pytest.fixture(scope="module")
def service(assistant, tmp_path_factory) -> QAService:
    settings = Settings.from_env(data_dir=tmp_path_factory.mktemp("staff"))
    return QAService(assistant, settings, sqlite_storage(settings.data_dir))


def test_the_right_passage_is_in_the_top_3_for_95_percent_of_terse_lookups(service):
    lookups = read_lookups()
    assert len(lookups) >= 40
    report = score(service, lookups)
    assert report["hit_at_3"] >= TARGET, report["misses"]


@pytest.mark.parametrize(
    ("lookup", "project", "holds"),
    [
        ("96110", 2, "96110"),
        ("8.69", 4, "8.69万元"),
        ("88.16", 6, "88.16"),
        ("194", 0, "194次"),
        ("人社局", 4, "人力社保局"),
    ],
)
def test_figures_and_shortened_names_find_the_passage_that_holds_them_first(service, lookup, project, holds):
    assert rank_of(service, {"question": lookup, "passage": {"project": project, "contains": holds}}) == 1


def test_a_figure_is_not_found_inside_a_longer_one(service):
    assert all("96110" not in hit["text"] for hit in service.search("961", k=5))
    assert any("96%" in hit["text"] for hit in service.search("96%", k=3))


def test_each_department_is_listed_once_and_its_filter_finds_its_joint_projects(service):
    leads = service.leads()
    assert "区卫健局" in leads and not any("(" in name or "（" in name for name in leads)
    assert len(leads) == len(set(leads))
    found = {hit["project"] for hit in service.search("治理成果", k=20, lead="区卫健局")}
    assert found == {10, 12}


def test_the_desk_opens_ready_to_type_and_says_when_filters_clash(server, open_page):
    page = open_page("desktop")
    page.goto(server.url + "/staff/")
    page.wait_for_selector("#zq-search-q textarea")
    page.wait_for_function("() => document.activeElement && document.activeElement.closest('#zq-search-q')")
    page.keyboard.type("96110")
    page.keyboard.press("Enter")
    sync_api.expect(page.locator("#zq-search-results .zq-hit").first).to_contain_text("96110")
    page.locator("#zq-search-project input").click()
    page.get_by_role("option", name=re.compile("^第6项")).click()
    page.locator("#zq-search-lead input").click()
    page.get_by_role("option", name="区公安分局", exact=True).click()
    sync_api.expect(page.locator("#zq-search-results")).to_contain_text("互相矛盾")
    page.get_by_role("tab", name="项目目录").click()
    page.locator(".zq-dir h3 a").first.click()  # opens in the viewer, the desk stays
    sync_api.expect(page.locator("#zq-viewer .zq-viewer-title")).to_contain_text("第1项")
    assert page.url.endswith("/staff/")
