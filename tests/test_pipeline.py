"""The whole pipeline in the fast layer: the tiny bulletin, the hashing encoder, everything on disk in temporary
folders. Index built and reused, hybrid retrieval, cited answers, abstentions, follow-ups, the evaluator and
the command line: each stage the real model also goes through, in seconds.
"""

import dataclasses
import json
import logging

import pytest
from click.testing import CliRunner

from zhili_qa import cli
from zhili_qa.assistant import Assistant
from zhili_qa.embedding.cache import EMBEDDINGS_DIR
from zhili_qa.evaluate import ask_conversation, citation_is_valid, evaluate, judge, questions_of

FIGURE_QUESTION = "校车排查了多少辆"


def assert_exact_spans(assistant: Assistant, answer) -> None:
    for citation in answer.citations:
        assert citation_is_valid(assistant.corpus, dataclasses.asdict(citation)), citation


def test_the_index_is_built_into_its_folder_once_then_reused(small_assistant, caplog):
    settings = small_assistant.settings
    manifest = small_assistant.retriever.index.manifest
    assert manifest["model"] == "hashing-test" and manifest["units"] == len(small_assistant.retriever.index.units)
    assert (settings.index_dir / "CURRENT").is_file() and any((settings.index_dir / EMBEDDINGS_DIR).iterdir())
    with pytest.MonkeyPatch.context() as patch, caplog.at_level(logging.WARNING):
        patch.setattr("zhili_qa.assistant.load_encoder", lambda _settings, **_: small_assistant.retriever.encoder)
        again = Assistant.load(settings, progress=False)
    assert "正在重建索引" not in caplog.text  # current: loaded, not rebuilt
    assert again.retriever.index.manifest["built_at"] == manifest["built_at"]


def test_retrieval_fuses_both_signals_and_rolls_up_to_the_right_project(small_assistant):
    retriever = small_assistant.retriever
    assert not retriever.degraded  # the dense side takes part
    ranking = retriever.rank(retriever.prepare("校车安全排查"))
    assert ranking.dense_max > 0 and ranking.bm25_max > 0
    assert ranking.projects[0][0] == ("small", 2)
    hits = retriever.search("公平秤", k=3)
    assert hits[0].project == 1 and "公平秤" in hits[0].text
    text = small_assistant.corpus.document("small").text
    assert all(text[hit.start : hit.end] == hit.text for hit in hits)


@pytest.mark.parametrize(
    ("question", "project", "must"),
    [
        (FIGURE_QUESTION, 2, "12辆"),
        ("农贸市场计量专项治理的牵头单位是谁", 1, "县市场监管局"),
        ("公平秤设了几台", 1, "20台"),
    ],
)
def test_a_question_the_bulletin_answers_gets_the_figure_with_its_exact_source(
    small_assistant, question, project, must
):
    answer = small_assistant.ask(question)
    assert answer.found and must in answer.answer, answer.answer
    assert answer.citations and answer.citations[0].project == project
    assert_exact_spans(small_assistant, answer)


def test_what_the_bulletin_does_not_say_is_an_abstention_with_labelled_context(small_assistant):
    answer = small_assistant.ask("校车司机有多少人")
    assert not answer.found and "公告里没有写" in answer.answer
    assert_exact_spans(small_assistant, answer)


@pytest.mark.parametrize("question", ["明天会下雨吗", "你好"])
def test_off_topic_and_greetings_cite_nothing(small_assistant, question):
    answer = small_assistant.ask(question)
    assert not answer.found and answer.citations == []


def test_a_follow_up_stays_with_the_project_in_focus(small_assistant):
    answer = ask_conversation(small_assistant.ask, [FIGURE_QUESTION, "整改了多少隐患"])
    assert answer.found and "4处" in answer.answer and answer.citations[0].project == 2


def test_the_evaluator_scores_right_wrong_and_refused_answers(small_assistant):
    rows = [
        {"id": "a", "question": FIGURE_QUESTION, "expect": {"projects": [2], "must": ["12辆"], "refuse": False}},
        {"id": "b", "question": "公平秤设了几台", "expect": {"projects": [1], "must": ["21台"], "refuse": False}},
        {"id": "c", "turns": ["明天会下雨吗"], "expect": {"refuse": True}},
    ]
    answers = [ask_conversation(small_assistant.ask, questions_of(row)).to_dict() for row in rows]
    report = evaluate(rows, answers, small_assistant.corpus)
    assert (report.total, report.correct, report.misleading) == (3, 2, 1)  # "b" answered, with another figure
    assert [failure["id"] for failure in report.failures] == ["b"]
    assert report.metrics()["citation_valid"] == 1.0


def test_the_evaluator_reads_a_gold_string_as_the_answer_writes_it():
    """The gold copies the bulletin's stray space (3-5 年); answers close it (3-5年)."""
    row = {"id": "s", "question": "目标", "expect": {"projects": [5], "must": ["3-5 年未安置问题逐步解决"]}}
    answer = {
        "answer": "目标：3-5年未安置问题逐步解决[1]。",
        "found": True,
        "citations": [{"project": 5, "doc": "bulletin"}],
    }
    assert judge(row, answer)[0]
    assert not judge(row, {**answer, "answer": "目标：5年以上未安置问题全部解决[1]。"})[0]


def test_the_command_line_prints_the_answer_json_and_answers_a_batch(small_assistant, monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "_load", lambda **flags: small_assistant)
    runner = CliRunner()
    result = runner.invoke(cli.main, ["ask", FIGURE_QUESTION, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["found"] is True
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        json.dumps({"id": 1, "turns": [FIGURE_QUESTION, "整改了多少隐患"]}, ensure_ascii=False)
        + "\n"
        + json.dumps({"id": 2, "question": "   "}),
        encoding="utf-8",
    )
    result = runner.invoke(cli.main, ["answer-batch", str(batch)])
    first, second = (json.loads(line) for line in result.output.splitlines())
    assert first["id"] == 1 and "4处" in first["answer"]
    assert second["id"] == 2 and second["error"] is True and "请输入问题" in second["answer"]
    result = runner.invoke(cli.main, ["ask", "   "])
    assert result.exit_code == 1 and "错误：请输入问题" in result.output and "Traceback" not in result.output
