"""``zhili-qa corpus check|add|replace|remove|rollback``: the bulletins of the corpus folder, changed safely."""

from __future__ import annotations

from pathlib import Path

import click

from .config import Settings
from .corpus import validate_meta
from .errors import CorpusError


def _meta_options(function):
    for name, text in reversed(
        (
            ("title", "标题"),
            ("publisher", "发布单位"),
            ("published", "发布日期 YYYY-MM-DD"),
            ("period", "报告年份，如 2024"),
            ("url", "原文网址"),
        )
    ):
        function = click.option(f"--{name}", help=text)(function)
    return function


def _inspected(file: Path, doc_id: str | None):
    from .library import inspect_text, read_upload

    inspection = inspect_text(read_upload(file.read_bytes(), str(file)), doc_id or file.stem, str(file))
    for line in inspection.report():
        click.echo(line)
    if inspection.document is None:
        raise CorpusError("公告未加入，语料没有任何改动 (rejected; nothing changed)")
    return inspection


def _settings(flags: dict) -> Settings:
    return Settings.from_env(corpus=flags.get("corpus"), index_dir=flags.get("index_dir"))


@click.group()
def corpus() -> None:
    """增加、替换、删除公告（语料目录），或回退上一次更改。"""


@corpus.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check(file: Path) -> None:
    """只检查公告文件：列出读到的项目和字段，或指出有问题的行。"""
    _inspected(file, None)


def _change_command(replace: bool):
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--id", "doc_id", help="公告编号（默认为文件名，不含 .txt）")
    @_meta_options
    @click.option("--corpus", type=click.Path(path_type=Path), help="公告目录 [ZHILI_CORPUS]")
    @click.option("--index-dir", type=click.Path(path_type=Path), help="索引目录 [ZHILI_INDEX_DIR]")
    def command(file: Path, doc_id: str | None, **flags: object) -> None:
        from .library import change

        inspection = _inspected(file, doc_id)
        stated = {k: v for k in ("title", "publisher", "published", "period", "url") if (v := flags.get(k))}
        meta = validate_meta(stated, "命令行参数") if stated else None
        if meta is None:
            from .corpus import read_meta

            meta = read_meta(file)  # a NAME.toml beside the file comes along
        change(
            _settings(flags), inspection.doc_id, inspection.document.text, meta, replace=replace, progress=click.echo
        )
        click.echo(
            f"已{'替换' if replace else '加入'}公告 {inspection.doc_id}；上一版本可用 `zhili-qa corpus rollback` 恢复"
        )

    return command


corpus.command("add", help="加入一份公告：先检查，再在后台建立新索引，成功后切换。")(_change_command(False))
corpus.command("replace", help="用新文件替换同名公告：先检查，再建立新索引，成功后切换。")(_change_command(True))


@corpus.command()
@click.argument("doc_id")
@click.option("--corpus", type=click.Path(path_type=Path), help="公告目录 [ZHILI_CORPUS]")
@click.option("--index-dir", type=click.Path(path_type=Path), help="索引目录 [ZHILI_INDEX_DIR]")
def remove(doc_id: str, **flags: object) -> None:
    """删除一份公告（编号即文件名，不含 .txt）。"""
    from .library import change

    change(_settings(flags), doc_id, None, progress=click.echo)
    click.echo(f"已删除公告 {doc_id}；可用 `zhili-qa corpus rollback` 恢复")


@corpus.command()
@click.option("--corpus", type=click.Path(path_type=Path), help="公告目录 [ZHILI_CORPUS]")
@click.option("--index-dir", type=click.Path(path_type=Path), help="索引目录 [ZHILI_INDEX_DIR]")
def rollback(**flags: object) -> None:
    """撤销上一次公告更改：恢复原来的文件和原来的索引（不必重建）。"""
    from .library import rollback as undo

    restored = undo(_settings(flags))
    click.echo(f"已回退：{restored}")
