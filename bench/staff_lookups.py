"""Staff desk lookups (eval/staff-lookups.jsonl): is the right passage among the first 3 the desk shows?

Each line is a terse lookup as hotline staff type it (figures, abbreviations, two or three words) and the
passage that answers it: its project (0: the bulletin's opening) and a string it holds. The desk's own search
(QAService.search, distinct passages) is asked; hit@3 and MRR@10 are reported, with each miss.

    PYTHONPATH=src .venv/bin/python bench/staff_lookups.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from common import ROOT, provenance, write_result

from zhili_qa.assistant import Assistant
from zhili_qa.config import Settings
from zhili_qa.storage import sqlite_storage
from zhili_qa.web.service import QAService

LOOKUPS = ROOT / "eval" / "staff-lookups.jsonl"
DEPTH = 10


def read_lookups(path: Path = LOOKUPS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def rank_of(service: QAService, lookup: dict) -> int | None:
    """1-based rank of the first passage of the expected project holding the expected string, or None."""
    want = lookup["passage"]
    hits = service.search(lookup["question"], k=DEPTH, distinct=True)
    for rank, hit in enumerate(hits, start=1):
        if hit["project"] == want["project"] and want["contains"] in hit["text"]:
            return rank
    return None


def score(service: QAService, lookups: list[dict]) -> dict:
    ranks = {lookup["id"]: rank_of(service, lookup) for lookup in lookups}
    top3 = sum(1 for r in ranks.values() if r is not None and r <= 3)
    return {
        "lookups": len(lookups),
        "hit_at_3": round(top3 / len(lookups), 3),
        "mrr_at_10": round(sum(1 / r for r in ranks.values() if r) / len(lookups), 3),
        "misses": [
            {"id": lookup["id"], "question": lookup["question"], "rank": ranks[lookup["id"]]}
            for lookup in lookups
            if ranks[lookup["id"]] is None or ranks[lookup["id"]] > 3
        ],
    }


def main() -> None:
    settings = Settings.from_env(data_dir=Path(tempfile.mkdtemp()))
    service = QAService(Assistant.load(settings, progress=False), settings, sqlite_storage(settings.data_dir))
    report = {**score(service, read_lookups()), **provenance()}
    print(json.dumps({k: report[k] for k in ("lookups", "hit_at_3", "mrr_at_10", "misses")}, ensure_ascii=False))
    write_result("staff_lookups", report, Path(sys.argv[1]) if len(sys.argv) > 1 else None)


if __name__ == "__main__":
    main()
