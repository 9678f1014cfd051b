"""The question log and feedback, kept in one SQLite file in ``settings.data_dir``.

Storage is a side channel: every failure (unwritable folder, locked or corrupt file) is logged and
swallowed, so answering never depends on it. Nothing identifying the asker (no IP) is stored.

Question rows are written off the request path by one writer thread, in batches: under load the
per-answer commit (and any wait for a lock another process holds) no longer sits in front of the answer,
and rows that meet a locked file are kept and written once it is free. Feedback is written at once,
since the page says whether it was stored. The file is in WAL mode, so reading the gap report never
blocks writing.
"""

from __future__ import annotations

import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

DB_NAME = "zhili.sqlite3"
BUSY_TIMEOUT = 5.0  # seconds a write waits for another process's lock
PENDING_LIMIT = 10_000  # question rows held while the file is unusable; beyond that the oldest are dropped
RETRY_PAUSE = 1.0  # seconds between attempts to write held rows
LOW_CONFIDENCE = 0.2  # answers below this margin between the best two projects count as shaky in the gap report
_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    asked_at REAL NOT NULL,
    channel TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    found INTEGER NOT NULL,
    confidence REAL NOT NULL,
    citations TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    given_at REAL NOT NULL,
    rating INTEGER NOT NULL,
    comment TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL
);
"""


@dataclass
class Gap:
    """One question citizens asked that the bulletin answered badly or not at all."""

    question: str
    kinds: set[str] = field(default_factory=set)  # "refused", "low_confidence", "thumbs_down"
    asked: int = 0  # times it was refused or answered with low confidence
    down: int = 0  # thumbs-down it received
    last: float = 0.0
    comments: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"question": self.question, "kinds": sorted(self.kinds), "asked": self.asked, "down": self.down,
                "last": self.last, "comments": self.comments}


@dataclass
class GapReport:
    refused: int = 0
    low_confidence: int = 0
    thumbs_down: int = 0
    gaps: list[Gap] = field(default_factory=list)
    available: bool = True

    def to_dict(self) -> dict:
        return {"counts": {"refused": self.refused, "low_confidence": self.low_confidence,
                           "thumbs_down": self.thumbs_down},
                "available": self.available, "gaps": [g.to_dict() for g in self.gaps]}


class Storage:
    def __init__(self, data_dir: Path, *, low_confidence: float = LOW_CONFIDENCE) -> None:
        self.path = Path(data_dir) / DB_NAME
        self.low_confidence = low_confidence
        self._ready = False
        self._queue: queue.Queue[tuple] = queue.Queue()
        self._held: list[tuple] = []  # rows taken from the queue but not yet written (the file was unusable)
        self._idle = threading.Condition()
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT)) as connection, connection:
            if not self._ready:
                connection.execute("PRAGMA journal_mode=WAL")
                connection.executescript(_SCHEMA)
                self._ready = True
            connection.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; a power cut may lose the last rows
            yield connection

    def log_question(self, channel: str, question: str, answer: dict) -> None:
        """Queue a question and what was answered for the writer thread; returns at once."""
        self._queue.put((time.time(), channel, question, answer.get("answer", ""), int(bool(answer.get("found"))),
                         float(answer.get("confidence") or 0.0),
                         json.dumps(answer.get("citations", []), ensure_ascii=False)))
        self._start_writer()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued question row is written; False when that did not happen in time."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(min(remaining, 0.05))
        return True

    def _start_writer(self) -> None:
        with self._writer_lock:
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(target=self._write_forever, name="question-log", daemon=True)
                self._writer.start()

    def _write_forever(self) -> None:
        failing = False
        while True:
            rows = [self._queue.get(), *self._drain()]
            taken = len(rows)
            self._held.extend(rows)
            while not self._write_held(report=not failing):
                failing = True  # reported once; retried quietly until the file is usable again
                time.sleep(RETRY_PAUSE)
                more = self._drain()
                taken += len(more)
                self._held.extend(more)
            if failing:
                log.warning("question log %s is writable again; held rows written", self.path)
                failing = False
            for _ in range(taken):
                self._queue.task_done()
            with self._idle:
                self._idle.notify_all()

    def _drain(self) -> list[tuple]:
        rows = []
        while True:
            try:
                rows.append(self._queue.get_nowait())
            except queue.Empty:
                return rows

    def _write_held(self, *, report: bool) -> bool:
        if len(self._held) > PENDING_LIMIT:
            log.error("question log %s unusable: dropping %d oldest rows", self.path, len(self._held) - PENDING_LIMIT)
            del self._held[: len(self._held) - PENDING_LIMIT]
        try:
            with self._connect() as db:
                db.executemany(
                    "INSERT INTO questions (asked_at, channel, question, answer, found, confidence, citations)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)", self._held)
        except Exception:
            if report:
                log.exception("could not log questions to %s; keeping them and retrying", self.path)
            return False
        self._held.clear()
        return True

    def add_feedback(self, rating: int, question: str, answer: str, citations: list[dict],
                     comment: str = "") -> int | None:
        """Store thumbs up (1) or down (-1) with the exchange it judges; None when the write failed."""
        try:
            with self._connect() as db:
                cursor = db.execute(
                    "INSERT INTO feedback (given_at, rating, comment, question, answer, citations)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (time.time(), rating, comment, question, answer, json.dumps(citations, ensure_ascii=False)))
                return cursor.lastrowid
        except Exception:
            log.exception("could not store feedback in %s", self.path)
            return None

    def add_comment(self, feedback_id: int, comment: str) -> bool:
        try:
            with self._connect() as db:
                return db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment, feedback_id)).rowcount == 1
        except Exception:
            log.exception("could not store a feedback comment in %s", self.path)
            return False

    def feedback(self, limit: int = 100) -> list[dict]:
        try:
            with self._connect() as db:
                rows = db.execute("SELECT id, given_at, rating, comment, question, answer, citations FROM feedback"
                                  " ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        except Exception:
            log.exception("could not read feedback from %s", self.path)
            return []
        keys = ("id", "given_at", "rating", "comment", "question", "answer", "citations")
        return [{**dict(zip(keys, row, strict=True)), "citations": json.loads(row[6])} for row in rows]

    def gaps(self, limit: int = 200) -> GapReport:
        """Refused and low-confidence questions and thumbs-down, grouped by question, newest first.

        Questions staff typed into their own tools are left out: the report is about what citizens ask.
        """
        self.flush(timeout=1.0)  # include the questions just asked
        try:
            with self._connect() as db:
                asked = db.execute(
                    "SELECT question, found, confidence, asked_at FROM questions"
                    " WHERE channel != 'staff' AND (found = 0 OR confidence < ?) ORDER BY id DESC LIMIT 5000", (self.low_confidence,)).fetchall()
                down = db.execute("SELECT question, comment, given_at FROM feedback WHERE rating < 0"
                                  " ORDER BY id DESC LIMIT 5000").fetchall()
        except Exception:
            log.exception("could not read the gap report from %s", self.path)
            return GapReport(available=False)
        report = GapReport()
        grouped: dict[str, Gap] = {}
        for question, found, _, asked_at in asked:
            kind = "low_confidence" if found else "refused"
            setattr(report, kind, getattr(report, kind) + 1)
            _add(grouped, question, kind, asked_at)
        for question, comment, given_at in down:
            report.thumbs_down += 1
            gap = _add(grouped, question, "thumbs_down", given_at)
            if comment and comment not in gap.comments:
                gap.comments.append(comment)
        report.gaps = sorted(grouped.values(), key=lambda g: -g.last)[:limit]
        return report


def _add(grouped: dict[str, Gap], question: str, kind: str, when: float) -> Gap:
    key = " ".join(question.split())
    gap = grouped.setdefault(key, Gap(key))
    gap.kinds.add(kind)
    if kind == "thumbs_down":
        gap.down += 1
    else:
        gap.asked += 1
    gap.last = max(gap.last, when)
    return gap
