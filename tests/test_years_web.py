# ruff: noqa: F811
"""Two years' bulletins on a live server (hashing encoder): projects keyed by (bulletin, number) in /api/search,
the project pages and the staff desk's filter; and the staff desk showing a bulletin added at /staff/corpus on
its next load, without a restart."""

from __future__ import annotations

import re
import shutil
import time

import httpx
import pytest

from live import LiveServer

# The browser fixtures of test_browser, shared by importing them (pytest finds fixtures by name in the module).
from test_browser import browser, open_page, sync_api  # noqa: F401


def serve(tmp_path, corpus, patch) -> LiveServer:
    from zhili_qa import assistant as assistant_module
    from zhili_qa.config import Settings
    from zhili_qa.embedding.encoders import HashingEncoder
    from zhili_qa.web.app import create_app

    # Also what the corpus desk's background build loads, while the patch lasts.
    patch.setattr(assistant_module, "load_encoder", lambda _settings, **_: HashingEncoder())
    settings = Settings.from_env(
        {},
        corpus=corpus,
        index_dir=tmp_path / "index",
        data_dir=tmp_path / "data",
        models_dir=tmp_path / "no-models",
        rate_limit_per_minute=100_000,
        search_rate_limit_per_minute=100_000,
    )
    return LiveServer(create_app(assistant_module.Assistant.load(settings, progress=False), settings))


@pytest.fixture(scope="module")
def two_years(years_corpus, tmp_path_factory):
    with (
        pytest.MonkeyPatch.context() as patch,
        serve(tmp_path_factory.mktemp("two-years"), years_corpus, patch) as live,
    ):
        yield live


def search(url: str, **params) -> httpx.Response:
    return httpx.get(f"{url}/api/search", params={"q": "治理成果", "k": 20, **params}, timeout=30)


def test_a_search_on_project_10_of_2024_finds_only_2024_passages(two_years):
    for doc in ("dinghai-2024", "dinghai-2023"):
        hits = search(two_years.url, project=10, doc=doc).json()["hits"]
        assert hits and {(h["doc"], h["project"]) for h in hits} == {(doc, 10)}
    whole = search(two_years.url, doc="dinghai-2024").json()["hits"]
    assert {h["doc"] for h in whole} == {"dinghai-2024"} and len({h["project"] for h in whole}) > 1
    assert {h["doc"] for h in search(two_years.url).json()["hits"]} == {"dinghai-2023", "dinghai-2024"}


def test_a_project_number_both_bulletins_have_needs_its_bulletin_named(two_years):
    ambiguous = search(two_years.url, project=10)
    assert ambiguous.status_code == 422
    assert re.search(r"第10项在2份公告中都有.*doc=dinghai-2024.*doc=dinghai-2023", ambiguous.json()["detail"])
    unknown = search(two_years.url, project=10, doc="dinghai-2019")
    assert unknown.status_code == 422 and "没有这份公告" in unknown.json()["detail"]
    missing = search(two_years.url, project=13, doc="dinghai-2024")
    assert missing.status_code == 422 and "没有第13项" in missing.json()["detail"]


def test_a_project_page_without_its_bulletin_opens_the_latest(two_years):
    page = httpx.get(f"{two_years.url}/project/10", timeout=30)
    assert page.status_code == 200 and "5500元" in page.text and "6000元" not in page.text
    older = httpx.get(f"{two_years.url}/project/10", params={"doc": "dinghai-2023"}, timeout=30)
    assert "6000元" in older.text and "5500元" not in older.text
    assert httpx.get(f"{two_years.url}/api/projects/10", timeout=30).json()["doc"] == "dinghai-2024"
    assert httpx.get(f"{two_years.url}/project/13", timeout=30).status_code == 404


def test_the_staff_filter_on_project_10_of_2024_shows_only_2024_passages(two_years, open_page):
    page = open_page("desktop")
    page.goto(two_years.url + "/staff/")
    page.locator("#zq-search-q textarea").fill("种植牙 费用")
    page.locator("#zq-search-project input").click()
    page.get_by_role("option", name=re.compile(r"^第10项 .* · 2024年公告$")).click()
    where = page.locator("#zq-search-results .zq-hit-where")
    sync_api.expect(where.first).to_contain_text("第10项")
    assert all(re.search(r"第10项 .*2024年公告$", text) for text in where.all_inner_texts())
    assert "5500元" in page.locator("#zq-search-results").inner_text()


def test_the_staff_desk_lists_a_bulletin_added_at_the_desk_on_its_next_load(years_corpus, tmp_path, open_page):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("dinghai-2023.txt", "dinghai-2023.toml"):
        shutil.copy2(years_corpus / name, corpus / name)
    with pytest.MonkeyPatch.context() as patch, serve(tmp_path, corpus, patch) as live:
        page = open_page("desktop")
        page.goto(live.url + "/staff/?tab=directory")
        sync_api.expect(page.locator(".zq-dir")).to_have_count(12)
        with httpx.Client(base_url=live.url, timeout=30) as client:
            added = client.post(
                "/staff/corpus",
                files={"file": ("dinghai-2024.txt", (years_corpus / "dinghai-2024.txt").read_bytes(), "text/plain")},
                data={"period": "2024"},
                headers={"Origin": live.url},
            )
            assert added.status_code == 303
            deadline = time.monotonic() + 300
            while (state := client.get("/staff/corpus/status").json())["state"] == "running":
                assert time.monotonic() < deadline
                time.sleep(0.2)
            assert state["state"] == "done", state
        page.goto(live.url + "/staff/?tab=directory")  # a fresh load of the page built before the change
        sync_api.expect(page.locator(".zq-dir")).to_have_count(24)
        sync_api.expect(page.locator(".zq-dir", has_text="2024年公告")).to_have_count(12)
        page.get_by_role("tab", name="检索").click()
        page.locator("#zq-search-project input").click()
        sync_api.expect(page.get_by_role("option", name=re.compile(r"· 2024年公告$"))).to_have_count(12)
        page.get_by_role("option", name=re.compile(r"^第10项 .* · 2024年公告$")).click()
        page.locator("#zq-search-q textarea").fill("种植牙 费用")
        page.locator("#zq-search-q textarea").press("Enter")
        sync_api.expect(page.locator("#zq-search-results .zq-hit-where").first).to_contain_text("2024年公告")
