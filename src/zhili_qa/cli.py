"""Command line: ``zhili-qa build-index | ask | answer-batch | eval | serve | staff | corpus``."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from .cli_corpus import corpus
from .config import Settings
from .embedding.encoders import prepare_runtime
from .errors import ZhiliError

log = logging.getLogger("zhili_qa")

_settings_options = [
    click.option("--corpus", type=click.Path(path_type=Path), help="公告文件或目录 [ZHILI_CORPUS]"),
    click.option("--index-dir", type=click.Path(path_type=Path), help="索引目录 [ZHILI_INDEX_DIR]"),
    click.option("--model", help="sentence-transformers 模型名或路径 [ZHILI_MODEL]"),
    click.option("--thesaurus", type=click.Path(path_type=Path), help="俗语词表 [ZHILI_THESAURUS]"),
    click.option(
        "--backend", type=click.Choice(["onnx", "torch"]), help="嵌入模型推理后端（默认 onnx） [ZHILI_BACKEND]"
    ),
    click.option("--quantize/--no-quantize", default=None, help="int8 量化嵌入模型（默认开启） [ZHILI_QUANTIZE]"),
    click.option("--models-dir", type=click.Path(path_type=Path), help="转换后模型的存放目录 [ZHILI_MODELS_DIR]"),
    click.option("--data-dir", type=click.Path(path_type=Path), help="反馈与提问日志目录 [ZHILI_DATA_DIR]"),
]


def settings_options(function):
    for option in reversed(_settings_options):
        function = option(function)
    return function


def _settings(**flags: object) -> Settings:
    return Settings.from_env(**flags)


class _FriendlyGroup(click.Group):
    """Turns user-facing errors into one plain line and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ZhiliError as error:
            click.echo(f"错误：{error}", err=True)
            sys.exit(1)


@click.group(cls=_FriendlyGroup)
@click.option("-v", "--verbose", is_flag=True, help="显示调试日志")
def main(verbose: bool) -> None:
    """治理问答：专项治理成果公告问答助手。"""
    # Before anything imports huggingface_hub (gradio does, for `serve`): offline by design.
    prepare_runtime()
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _load(progress: bool = False, **flags: object):
    from .assistant import Assistant  # heavy imports only for commands that need the engine

    return Assistant.load(_settings(**flags), progress=progress)


@main.command("build-index")
@settings_options
@click.option("--force", is_flag=True, help="即使索引是最新的也重建")
def build_index(force: bool, **flags: object) -> None:
    """转换嵌入模型（如需要）并建立索引。"""
    from .assistant import Assistant

    assistant = Assistant.load(_settings(**flags), progress=True, rebuild=force)
    manifest = assistant.retriever.index.manifest
    click.echo(f"索引就绪：{manifest.get('units')} 个片段，模型 {manifest.get('model')}")


@main.command()
@settings_options
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
def ask(question: str, as_json: bool, **flags: object) -> None:
    """回答一个问题并给出出处。"""
    answer = _load(**flags).ask(question)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
        return
    click.echo(answer.answer)
    for citation in answer.citations:
        click.echo(f"[{citation.n}] 第{citation.project}项 {citation.title}·{citation.field}：{citation.quote}")


@main.command("answer-batch")
@settings_options
@click.argument("questions", type=click.Path(exists=True, path_type=Path))
def answer_batch(questions: Path, **flags: object) -> None:
    """逐行回答 JSONL 中的问题（{"id","question"} 或 {"id","turns":[...]}）。"""
    from .evaluate import ask_conversation, questions_of, read_jsonl

    assistant = _load(**flags)
    for row in read_jsonl(questions):
        try:
            answer = ask_conversation(assistant.ask, questions_of(row)).to_dict()
        except ZhiliError as error:
            answer = {"answer": str(error), "found": False, "citations": [], "error": True}
        click.echo(json.dumps({"id": row.get("id"), **answer}, ensure_ascii=False))


@main.command("eval")
@settings_options
@click.argument("gold", type=click.Path(exists=True, path_type=Path))
@click.option("--failures/--no-failures", default=True, help="列出答错的问题")
def evaluate_command(gold: Path, failures: bool, **flags: object) -> None:
    """在标注集上评测：答案准确率、简洁率、引用命中、拒答准确率、引用有效率。"""
    from .evaluate import ask_conversation, evaluate, questions_of, read_jsonl

    assistant = _load(**flags)
    rows = read_jsonl(gold)
    answers = [ask_conversation(assistant.ask, questions_of(row)).to_dict() for row in rows]
    report = evaluate(rows, answers, assistant.corpus)
    if failures:
        for failure in report.failures:
            click.echo(json.dumps(failure, ensure_ascii=False))
    click.echo(f"questions: {report.total}")
    click.echo(f"false_refusal: {report.false_refusal:.3f}")
    for name, value in report.metrics().items():
        click.echo(f"{name}: {value:.3f}")
    for kind, (correct, total) in report.by_kind().items():
        click.echo(f"kind {kind}: {correct / total:.3f} ({correct}/{total})")


@main.group()
def staff() -> None:
    """热线工作台账号（ZHILI_STAFF_ACCOUNTS，默认数据目录下的 staff-accounts）。"""


@staff.command("add")
@settings_options
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="从标准输入读一行密码（脚本用），不提示")
def staff_add(name: str, password_stdin: bool, **flags: object) -> None:
    """添加账号或重设它的密码（只保存 argon2 哈希）。"""
    from .web.accounts import set_account

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")
    path = _settings(**flags).accounts_file
    set_account(path, name, password)
    click.echo(f"已保存账号 {name}（{path}）")


@staff.command("remove")
@settings_options
@click.argument("name")
def staff_remove(name: str, **flags: object) -> None:
    """删除账号；它的登录随即失效。"""
    from .web.accounts import remove_account

    path = _settings(**flags).accounts_file
    if not remove_account(path, name):
        raise ZhiliError(f"没有账号 {name}（{path}）")
    click.echo(f"已删除账号 {name}")


@main.command()
@settings_options
@click.option("--host", help="监听地址 [ZHILI_HOST，默认 127.0.0.1]")
@click.option("--port", type=int, help="端口 [ZHILI_PORT，默认 7860]")
def serve(**flags: object) -> None:
    """启动网页问答、热线工作台和 HTTP API。"""
    import os

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from .web import serve as serve_web

    serve_web(_settings(**flags))


main.add_command(corpus)

if __name__ == "__main__":
    main()
