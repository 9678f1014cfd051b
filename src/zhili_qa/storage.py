"""The question log and feedback, kept in one SQLite file in ``settings.data_dir``.

Storage is a side channel: every failure (unwritable folder, locked or corrupt file) is logged and
swallowed, so answering never depends on it. Nothing identifying the asker (no IP) is stored.

All writes go through one writer thread with one connection. Question rows are written off the request
path, in batches: under load the per-answer commit (and any wait for a lock another process holds) no
longer sits in front of the answer, and rows that meet a locked file are kept and written once it is free.
Feedback and comments are written by the same thread while their request waits, since the page says
whether they were stored; one writer means no thread of this process ever waits for another's write lock.
The file is in WAL mode, so reading the gap report never blocks writing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

DB_NAME = "zhili.sqlite3"
BUSY_TIMEOUT = 5.0  # seconds a write waits for another process's lock
PENDING_LIMIT = 10_000  # question rows held while the file is unusable; beyond that the oldest are dropped
RETRY_PAUSE = 1.0  # seconds between attempts to write held rows
JOB_WAIT = BUSY_TIMEOUT + RETRY_PAUSE  # a feedback write not started by then is given up (said not stored)
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
        return {
            "question": self.question,
            "kinds": sorted(self.kinds),
            "asked": self.asked,
            "down": self.down,
            "last": self.last,
            "comments": self.comments,
        }


@dataclass
class GapReport:
    refused: int = 0
    low_confidence: int = 0
    thumbs_down: int = 0
    gaps: list[Gap] = field(default_factory=list)
    available: bool = True

    def to_dict(self) -> dict:
        return {
            "counts": {"refused": self.refused, "low_confidence": self.low_confidence, "thumbs_down": self.thumbs_down},
            "available": self.available,
            "gaps": [g.to_dict() for g in self.gaps],
        }


class _Job:
    """One write a caller waits for (feedback, a comment): ``run`` gets the writer's connection."""

    def __init__(self, run: Callable[[sqlite3.Connection], object]) -> None:
        self.run = run
        self.done: Future[object] = Future()


class Storage:
    def __init__(self, data_dir: Path, *, low_confidence: float = LOW_CONFIDENCE) -> None:
        self.path = Path(data_dir) / DB_NAME
        self.low_confidence = low_confidence
        self._queue: queue.Queue[tuple | _Job] = queue.Queue()
        self._held: list[tuple] = []  # rows taken from the queue but not yet written (the file was unusable)
        self._idle = threading.Condition()
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()
        self._db: sqlite3.Connection | None = None  # the writer thread's own, kept open between batches
        self._db_inode = 0

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A short-lived connection for reading; WAL readers never wait for the writer."""
        with closing(self._open()) as connection, connection:
            yield connection

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT)
        try:
            # Every time, not once: the file may have been replaced by an empty one since (both are no-ops otherwise).
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)
            connection.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; a power cut may lose the last rows
        except Exception:
            connection.close()
            raise
        return connection

    def _writer_db(self) -> sqlite3.Connection:
        """The writer's connection, reopened when the file was moved or deleted under it (a cleanup, log
        rotation): writing on would go to a file nobody can read any more."""
        try:
            inode = self.path.stat().st_ino
        except OSError:
            inode = 0
        if self._db is not None and inode != self._db_inode:
            self._close_writer_db()
        if self._db is None:
            self._db = self._open()
            self._db_inode = self.path.stat().st_ino
        return self._db

    def _close_writer_db(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                log.debug("closing the question log connection failed", exc_info=True)
            self._db = None

    def log_question(self, channel: str, question: str, answer: dict) -> None:
        """Queue a question and what was answered for the writer thread; returns at once."""
        self._queue.put(
            (
                time.time(),
                channel,
                question,
                answer.get("answer", ""),
                int(bool(answer.get("found"))),
                float(answer.get("confidence") or 0.0),
                json.dumps(answer.get("citations", []), ensure_ascii=False),
            )
        )
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
            taken = self._take([self._queue.get(), *self._drain()])
            while not self._write_held(report=not failing):
                failing = True  # reported once; retried quietly until the file is usable again
                time.sleep(RETRY_PAUSE)
                taken += self._take(self._drain())
            if failing:
                log.warning("question log %s is writable again; held rows written", self.path)
                failing = False
            for _ in range(taken):
                self._queue.task_done()
            with self._idle:
                self._idle.notify_all()

    def _take(self, items: list[tuple | _Job]) -> int:
        """Hold the question rows among ``items`` and run their jobs at once (a caller is waiting)."""
        for item in items:
            if isinstance(item, _Job):
                self._run(item)
            else:
                self._held.append(item)
        return len(items)

    def _run(self, job: _Job) -> None:
        if not job.done.set_running_or_notify_cancel():
            return  # its caller stopped waiting
        try:
            with self._writer_db() as db:
                result = job.run(db)
        except Exception as error:
            self._close_writer_db()
            job.done.set_exception(error)
        else:
            job.done.set_result(result)

    def _drain(self) -> list[tuple | _Job]:
        items = []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                return items

    def _write_held(self, *, report: bool) -> bool:
        if not self._held:
            return True
        if len(self._held) > PENDING_LIMIT:
            log.error("question log %s unusable: dropping %d oldest rows", self.path, len(self._held) - PENDING_LIMIT)
            del self._held[: len(self._held) - PENDING_LIMIT]
        try:
            with self._writer_db() as db:
                db.executemany(
                    "INSERT INTO questions (asked_at, channel, question, answer, found, confidence, citations)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    self._held,
                )
        except Exception:
            self._close_writer_db()
            if report:
                log.exception("could not log questions to %s; keeping them and retrying", self.path)
            return False
        self._held.clear()
        return True

    def _enqueue(self, run: Callable[[sqlite3.Connection], object]) -> Future[object]:
        """A write for the writer thread, whose caller waits for it.

        One writer for everything: feedback never fights the question log for SQLite's write lock."""
        job = _Job(run)
        self._queue.put(job)
        self._start_writer()
        return job.done

    def _settled(self, future: Future[object], what: str) -> object | None:
        """The write's result, waited for; None (logged) when it failed or did not start within JOB_WAIT."""
        try:
            try:
                return future.result(timeout=JOB_WAIT)
            except FutureTimeout:
                if future.cancel():
                    raise
                return future.result()  # already running: bounded by the busy timeout
        except Exception:
            log.exception("could not store %s in %s", what, self.path)
            return None

    async def _settled_async(self, future: Future[object], what: str) -> object | None:
        """``_settled`` for the event loop: the request waits without holding one of the server's pool threads."""
        try:
            waiting = asyncio.wrap_future(future)
            done, _ = await asyncio.wait({waiting}, timeout=JOB_WAIT)
            if not done and future.cancel():
                raise TimeoutError(f"not started within {JOB_WAIT} s")
            return await waiting
        except Exception:
            log.exception("could not store %s in %s", what, self.path)
            return None

    @staticmethod
    def _feedback_insert(
        rating: int, question: str, answer: str, citations: list[dict], comment: str
    ) -> Callable[[sqlite3.Connection], int | None]:
        row = (time.time(), rating, comment, question, answer, json.dumps(citations, ensure_ascii=False))

        def insert(db: sqlite3.Connection) -> int | None:
            return db.execute(
                "INSERT INTO feedback (given_at, rating, comment, question, answer, citations)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                row,
            ).lastrowid

        return insert

    def add_feedback(
        self, rating: int, question: str, answer: str, citations: list[dict], comment: str = ""
    ) -> int | None:
        """Store thumbs up (1) or down (-1) with the exchange it judges; its id, or None when the write failed."""
        future = self._enqueue(self._feedback_insert(rating, question, answer, citations, comment))
        stored = self._settled(future, "feedback")
        return stored if isinstance(stored, int) else None

    async def add_feedback_async(
        self, rating: int, question: str, answer: str, citations: list[dict], comment: str = ""
    ) -> int | None:
        """``add_feedback`` for the event loop."""
        future = self._enqueue(self._feedback_insert(rating, question, answer, citations, comment))
        stored = await self._settled_async(future, "feedback")
        return stored if isinstance(stored, int) else None

    def add_comment(self, feedback_id: int, comment: str) -> bool:
        def update(db: sqlite3.Connection) -> bool:
            return db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (comment, feedback_id)).rowcount == 1

        return self._settled(self._enqueue(update), "a feedback comment") is True

    def feedback(self, limit: int = 100) -> list[dict]:
        try:
            with self._connect() as db:
                rows = db.execute(
                    "SELECT id, given_at, rating, comment, question, answer, citations FROM feedback"
                    " ORDER BY id DESC LIMIT ?",
                    (limit,),
                ).fetchall()
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
                    " WHERE channel != 'staff' AND (found = 0 OR confidence < ?) ORDER BY id DESC LIMIT 5000",
                    (self.low_confidence,),
                ).fetchall()
                down = db.execute(
                    "SELECT question, comment, given_at FROM feedback WHERE rating < 0 ORDER BY id DESC LIMIT 5000"
                ).fetchall()
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
