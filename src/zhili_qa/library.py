"""Changing the corpus while the assistant keeps answering: add, replace or remove a bulletin, and roll back.

A change is read and checked first (``inspect_text``: the projects and fields found, or the problem and its
line); then the whole new corpus is put together in a staging folder and its index built as a new generation
while the current one keeps answering; only then are the bulletin's files switched in (each file by an atomic
rename) and the new generation made current. What the change replaced is kept in ``index_dir/rollback/`` (the
previous generation, hard-linked, and the previous files), so ``rollback`` restores it without a rebuild.
A rejected file changes nothing. One change at a time, across processes (a file lock).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from . import index as index_store
from .config import Settings
from .corpus import FIELDS, Document, DocumentMeta, load_corpus, parse_bulletin
from .corpus.meta import meta_path, meta_toml
from .errors import ConfigError, CorpusError

log = logging.getLogger(__name__)

ROLLBACK_DIR = "rollback"
_DOC_ID = re.compile(r"^[\w\u4e00-\u9fff][\w\u4e00-\u9fff.-]{0,80}$")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Inspection:
    """What a bulletin file was read as: its document, or the problem (naming the line) that stops it."""

    doc_id: str
    document: Document | None
    problem: str = ""

    def report(self) -> list[str]:
        """The findings, in Chinese, one line each."""
        if self.document is None:
            return [f"无法读取公告 {self.doc_id}：{self.problem}"]
        projects = [p for p in self.document.projects if p.number]
        lines = [
            f"公告 {self.doc_id}：{len(projects)} 个治理项目"
            + ("，含总体情况" if projects != self.document.projects else "")
        ]
        for project in projects:
            missing = [f for f in FIELDS if f not in project.fields]
            note = f"（缺少：{'、'.join(missing)}）" if missing else ""
            lines.append(f"  第{project.number}项 {project.title}：{'、'.join(project.fields)}{note}")
        return lines


def inspect_text(text: str, doc_id: str, name: str = "") -> Inspection:
    """Parse without changing anything."""
    if not _DOC_ID.match(doc_id):
        return Inspection(doc_id, None, f"文件名“{doc_id}”不能作为公告编号（只用字母、数字、汉字、-、_、.）")
    try:
        return Inspection(doc_id, parse_bulletin(text, doc_id, name or doc_id))
    except CorpusError as error:
        return Inspection(doc_id, None, str(error))


def read_upload(data: bytes, name: str) -> str:
    """A bulletin file's text: UTF-8 (with or without a BOM, which stays in the text so offsets hold)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CorpusError(f"{name}: 不是 UTF-8 文本，请另存为 UTF-8 后再上传 (not UTF-8: {error})") from error


def corpus_folder(settings: Settings) -> Path:
    folder = Path(settings.corpus)
    if not folder.is_dir():
        raise ConfigError(f"ZHILI_CORPUS 指向单个文件 {folder}：要增删公告，请把公告放在一个目录中并指向该目录")
    return folder


def change(
    settings: Settings,
    doc_id: str,
    text: str | None,
    meta: DocumentMeta | None = None,
    *,
    replace: bool = False,
    progress: Progress = log.info,
) -> Settings:
    """Add (``text``), replace (``text``, ``replace=True``) or remove (``text`` None) bulletin ``doc_id``; the new
    index is current when this returns. CorpusError when the file or the new corpus is malformed: nothing changed."""
    folder = corpus_folder(settings)
    exists = (folder / f"{doc_id}.txt").is_file()
    if text is not None and exists and not replace:
        raise CorpusError(f"已有公告 {doc_id}；要替换请用 replace (a bulletin of that name exists)")
    if (text is None or replace) and not exists:
        raise CorpusError(f"没有公告 {doc_id} (no such bulletin)")
    with _one_change(settings):
        staging = Path(tempfile.mkdtemp(prefix="staging-", dir=settings.index_dir))
        try:
            _stage(folder, staging, doc_id, text, meta)
            progress("检查新的公告集合")
            if not any(staging.glob("*.txt")):
                raise CorpusError("删除后将没有任何公告 (the corpus would be empty)")
            load_corpus(staging)  # the whole new corpus must parse before anything is built
            # Kept before the build, which removes the generation it replaces.
            kept = _keep_for_rollback(settings.index_dir, folder, doc_id)
            progress("正在建立新的索引（当前索引继续回答）")
            _build(settings.replaced(corpus=staging))
            progress("切换到新的公告集合")
            shutil.rmtree(settings.index_dir / ROLLBACK_DIR, ignore_errors=True)
            kept.rename(settings.index_dir / ROLLBACK_DIR)
            _switch_files(staging, folder, doc_id)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            shutil.rmtree(settings.index_dir / f"{ROLLBACK_DIR}.new", ignore_errors=True)
    progress("完成")
    return settings


def rollback(settings: Settings) -> str:
    """Restore the corpus files and index generation the last change replaced; returns what was restored."""
    folder = corpus_folder(settings)
    kept = settings.index_dir / ROLLBACK_DIR
    with _one_change(settings):
        try:
            state = json.loads((kept / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise CorpusError("没有可以回退的更改 (nothing to roll back)") from None
        for name, present in state["files"].items():
            if present:
                os.replace(kept / "files" / name, folder / name)
            else:
                (folder / name).unlink(missing_ok=True)
        if state["generation"] and (kept / "generation").is_dir():
            target = settings.index_dir / state["generation"]
            if not target.exists():
                (kept / "generation").rename(target)
            index_store.make_current(settings.index_dir, state["generation"])
        shutil.rmtree(kept, ignore_errors=True)
    return "、".join(state["files"])


def _stage(folder: Path, staging: Path, doc_id: str, text: str | None, meta: DocumentMeta | None) -> None:
    for path in folder.iterdir():
        if path.suffix in (".txt", ".toml") and path.stem != doc_id and path.is_file():
            shutil.copy2(path, staging / path.name)
    if text is not None:
        (staging / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
        if meta is not None and meta != DocumentMeta():
            meta_path(staging / f"{doc_id}.txt").write_text(meta_toml(meta), encoding="utf-8")


def _build(settings: Settings) -> None:
    from .assistant import Assistant  # the engine's heavy imports only when a change is made

    Assistant.load(settings, progress=False)


def _keep_for_rollback(index_dir: Path, folder: Path, doc_id: str) -> Path:
    """The current generation (hard links: generation files are never written in place) and the current
    versions of the bulletin's files, in ``rollback.new`` until the change has succeeded."""
    kept = index_dir / f"{ROLLBACK_DIR}.new"
    shutil.rmtree(kept, ignore_errors=True)
    (kept / "files").mkdir(parents=True)
    try:
        generation = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        generation = ""
    if generation and (index_dir / generation).is_dir():
        shutil.copytree(index_dir / generation, kept / "generation", copy_function=os.link)
    files = {}
    for name in (f"{doc_id}.txt", f"{doc_id}.toml"):
        files[name] = (folder / name).is_file()
        if files[name]:
            shutil.copy2(folder / name, kept / "files" / name)
    state = {"generation": generation if (kept / "generation").is_dir() else "", "files": files}
    (kept / "state.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    return kept


def _switch_files(staging: Path, folder: Path, doc_id: str) -> None:
    """The metadata first, the text last: a bulletin appears (or goes) with its text file, whole."""
    new_text, new_meta = staging / f"{doc_id}.txt", staging / f"{doc_id}.toml"
    if not new_text.exists():
        (folder / f"{doc_id}.txt").unlink(missing_ok=True)
        (folder / f"{doc_id}.toml").unlink(missing_ok=True)
        return
    for source in (new_meta, new_text):
        if source.exists():
            temporary = folder / f".{source.name}.new"
            shutil.copy2(source, temporary)
            os.replace(temporary, folder / source.name)
        else:
            (folder / source.name).unlink(missing_ok=True)


class _one_change:
    """A lock across processes: the command line and the staff desk never change the corpus at once."""

    def __init__(self, settings: Settings) -> None:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(settings.index_dir / "corpus-change.lock")

    def __enter__(self) -> None:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise CorpusError("另一项公告更改正在进行，请稍后再试 (another change is running)") from None

    def __exit__(self, *_exc: object) -> None:
        self._lock.release()
