"""Small file-system helpers shared by the stages that write artifacts (model folders, index generations)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_json_object(path: Path) -> dict | None:
    """A JSON object from ``path``, or None when the file is missing, unreadable or not an object."""
    try:
        value = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def replace_dir(new: Path, target: Path) -> None:
    """Move the finished folder ``new`` to ``target``, replacing whatever is there."""
    if not target.exists():
        try:
            new.rename(target)
            return
        except OSError:
            if not target.exists():
                raise
            # Another process finished the same work first: fall through and replace it.
    # rename() cannot replace a non-empty directory, so move the old one aside first; the target is briefly
    # absent, which readers see as "not there yet", never as half-written.
    old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.monotonic_ns()}")
    target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
