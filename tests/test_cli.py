"""The command line: JSON output, batches with conversations, the evaluator, friendly errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from zhili_qa import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def runner(assistant, monkeypatch):
    monkeypatch.setattr(cli, "_load", lambda **flags: assistant)
    return CliRunner()


def test_ask_json(runner):
    result = runner.invoke(cli.main, ["ask", "反诈制作了多少期紧急预警", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["found"] and "58期" in answer["answer"]
    assert set(answer["citations"][0]) >= {"n", "doc", "project", "title", "field", "quote", "start", "end"}


def test_ask_plain_prints_sources(runner):
    result = runner.invoke(cli.main, ["ask", "菜篮子专项治理的牵头单位是谁"])
    assert result.exit_code == 0
    assert "[1] 第11项" in result.output and "牵头单位" in result.output


def test_answer_batch_with_turns(runner, tmp_path):
    batch = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "question": "噪声污染专项治理的牵头单位"},
        {"id": "b", "turns": ["老旧小区改造监管问题专项治理的牵头单位是谁", "它发放了几份整改通知书"]},
        {"id": "c", "question": "   "},
    ]
    batch.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = runner.invoke(cli.main, ["answer-batch", str(batch)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b", "c"]
    assert "7份" in lines[1]["answer"]
    assert lines[2]["found"] is False and "请输入问题" in lines[2]["answer"]


def test_eval_prints_the_six_metrics_last(runner):
    result = runner.invoke(cli.main, ["eval", str(ROOT / "eval" / "dev.jsonl"), "--no-failures"])
    assert result.exit_code == 0
    names = [line.split(":")[0] for line in result.output.strip().splitlines()[-6:]]
    assert names == ["answer_acc", "concise_acc", "citation_hit", "refusal_acc", "citation_valid", "misleading"]


def test_eval_reports_each_kind_the_gold_file_names(runner, tmp_path):
    gold = tmp_path / "kinds.jsonl"
    rows = [
        {
            "id": "k1",
            "kind": "figure",
            "question": "加油站罚没款多少",
            "expect": {"projects": [9], "must": ["124.839742万"]},
        },
        {
            "id": "k2",
            "kind": "near_miss",
            "question": "菜篮子惠民店一共有多少家",
            "expect": {"projects": [], "refuse": True},
        },
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = runner.invoke(cli.main, ["eval", str(gold), "--no-failures"])
    assert result.exit_code == 0, result.output
    assert "kind figure: 1.000 (1/1)" in result.output and "kind near_miss: 1.000 (1/1)" in result.output
    assert "misleading: 0.000" in result.output


@pytest.mark.slow  # a new process that loads the whole engine (~9 s)
def test_user_error_is_one_line_without_traceback(small_corpus, tmp_path):
    # A model that is not there: the engine answers from BM25 alone, so the process starts in seconds.
    settings = {
        "ZHILI_CORPUS": str(small_corpus),
        "ZHILI_MODEL": str(tmp_path / "no-such-model"),
        "ZHILI_INDEX_DIR": str(tmp_path / "index"),
        "ZHILI_DATA_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "zhili_qa.cli", "ask", "   "],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, **settings},
    )
    assert result.returncode == 1
    assert "错误：请输入问题" in result.stderr
    assert "Traceback" not in result.stderr


def test_staff_add_keeps_only_an_argon2_hash_that_logs_in_and_remove_ends_it(tmp_path, monkeypatch):
    from zhili_qa.web.accounts import load_accounts, verify

    monkeypatch.setenv("ZHILI_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    added = runner.invoke(cli.main, ["staff", "add", "张三"], input="a long password\na long password\n")
    assert added.exit_code == 0, added.output
    stored = (tmp_path / "staff-accounts").read_text(encoding="utf-8")
    assert stored.startswith("张三:$argon2id$") and "a long password" not in stored
    assert (tmp_path / "staff-accounts").stat().st_mode & 0o077 == 0  # its owner's only
    assert verify(load_accounts(tmp_path / "staff-accounts"), "张三", "a long password")
    short = runner.invoke(cli.main, ["staff", "add", "李四", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "密码至少" in short.output
    assert runner.invoke(cli.main, ["staff", "remove", "张三"]).exit_code == 0
    assert load_accounts(tmp_path / "staff-accounts") == {}
