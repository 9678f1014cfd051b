"""Bulletins over the years: the latest by default, a year's own bulletin, comparisons, lists named once.

The issue's done-when checks run on the real model over data/bulletin.txt as dinghai-2023 and a copy with
changed figures as dinghai-2024 (eval/years_corpus.py); the routing mechanics on the hashing encoder.
"""

import pytest

from bulletins import SMALL
from zhili_qa.evaluate import ask_conversation, evaluate, questions_of, read_jsonl
from zhili_qa.figures import strip_markers

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def docs(answer) -> list[str]:
    return [c.doc for c in answer.citations]


def test_a_question_about_now_gets_the_latest_bulletin_named(years_assistant):
    answer = years_assistant.ask("种植牙现在多少钱")
    assert answer.found and "5500元" in answer.answer and "6000" not in answer.answer
    assert docs(answer) == ["dinghai-2024"]
    assert "2024年公告" in answer.answer


def test_a_year_gets_the_bulletin_reporting_it(years_assistant):
    answer = years_assistant.ask("2023年种植牙总费用控制在多少")
    assert answer.found and "6000元" in answer.answer and "5500" not in answer.answer
    assert docs(answer) == ["dinghai-2023"]


def test_a_year_no_bulletin_reports_is_not_answered(years_assistant):
    assert not years_assistant.ask("2025年种植牙多少钱").found


def test_a_comparison_states_both_figures_each_cited(years_assistant):
    answer = years_assistant.ask("和去年比种植牙总费用有什么变化")
    assert answer.found
    text = strip_markers(answer.answer)
    assert "5500元" in text and "6000元" in text
    assert sorted(docs(answer)) == ["dinghai-2023", "dinghai-2024"]
    # Each figure is cited to the bulletin holding it, and no figure is stated that a quote does not hold.
    by_doc = {c.doc: c.quote for c in answer.citations}
    assert "5500元" in by_doc["dinghai-2024"] and "6000元" in by_doc["dinghai-2023"]
    assert "500元" not in text.replace("5500元", "")


def test_a_list_names_a_project_once_with_its_years(years_assistant):
    answer = years_assistant.ask("区教育局牵头的是哪个项目")
    assert answer.found
    assert answer.answer.count("中小学校食堂采购问题专项治理（") == 1
    assert "2023年、2024年" in answer.answer


def test_citations_carry_each_bulletins_metadata(years_assistant):
    answer = years_assistant.ask("和去年比种植牙总费用有什么变化")
    cited = {c["doc"]: c for c in answer.to_dict()["citations"]}
    assert cited["dinghai-2024"]["period"] == "2024" and cited["dinghai-2023"]["period"] == "2023"
    assert cited["dinghai-2024"]["doc_title"].startswith("2024年")
    assert all(c["published"] is None for c in cited.values())


def test_the_two_year_gold_set_meets_its_floor(years_assistant):
    rows = read_jsonl(ROOT / "eval" / "years.jsonl")
    answers = [ask_conversation(years_assistant.ask, questions_of(row)).to_dict() for row in rows]
    metrics = evaluate(rows, answers, years_assistant.corpus).metrics()
    assert metrics["answer_acc"] >= 0.9, metrics
    assert metrics["misleading"] == 0.0 and metrics["citation_valid"] == 1.0, metrics


@pytest.fixture(scope="module")
def two_small_years(tmp_path_factory):
    """SMALL as its 2024 bulletin and a 2025 copy with other figures, on the hashing encoder."""
    from zhili_qa import assistant as assistant_module
    from zhili_qa.config import Settings
    from zhili_qa.embedding.encoders import HashingEncoder

    folder = tmp_path_factory.mktemp("small-years")
    (folder / "county-2024.txt").write_text(SMALL, encoding="utf-8")
    (folder / "county-2024.toml").write_text('period = "2024"\n', encoding="utf-8")
    later = SMALL.replace("2024年以来", "2025年以来").replace("设立公平秤20台", "设立公平秤26台")
    (folder / "county-2025.txt").write_text(later, encoding="utf-8")
    (folder / "county-2025.toml").write_text('period = "2025"\npublished = "2026-02-01"\n', encoding="utf-8")
    settings = Settings.from_env(
        {},
        corpus=folder,
        index_dir=tmp_path_factory.mktemp("small-years-index"),
        models_dir=tmp_path_factory.mktemp("no-models"),
        data_dir=tmp_path_factory.mktemp("small-years-data"),
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assistant_module, "load_encoder", lambda _settings, **_: HashingEncoder())
        return assistant_module.Assistant.load(settings, progress=False)


def test_routing_by_year_on_a_small_corpus(two_small_years):
    latest = two_small_years.ask("设立公平秤多少台")
    assert "26台" in latest.answer and docs(latest) == ["county-2025"]
    assert latest.citations[0].published == "2026-02-01"
    older = two_small_years.ask("2024年设立公平秤多少台")
    assert "20台" in older.answer and docs(older) == ["county-2024"]
    both = two_small_years.ask("和去年比，公平秤设立数量有什么变化")
    assert "26台" in both.answer and "20台" in both.answer
    assert not two_small_years.ask("2019年设立公平秤多少台").found


def test_one_bulletin_or_one_year_is_answered_as_before(small_assistant):
    assert small_assistant.years is None
