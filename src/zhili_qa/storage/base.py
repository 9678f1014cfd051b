"""The question log, feedback and staff sessions over any backend, written by one writer thread.

Storage is a side channel: every failure (unwritable folder, locked or corrupt file, a database that is
down) is logged and swallowed, so answering never depends on it. Nothing identifying the asker is stored:
the client is a keyed hash of its address, so the report can count distinct clients and nobody can read an
address back.

All writes go through one writer thread with one connection. Question rows are written off the request
path, in batches: under load the per-answer commit (and any wait for a lock another process holds) no
longer sits in front of the answer, and rows that meet an unusable database are kept and written once it is
usable again. Feedback, comments and sessions are written by the same thread while their request waits,
since the page says whether they were stored; one writer means no thread of this process ever waits for
another's write lock. A backend (``sqlite.py``, ``postgres.py``) only says how to connect and its dialect.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import AbstractContextManager

from .report import LOW_CONFIDENCE, GapReport, build_report

log = logging.getLogger("zhili_qa.storage")

BUSY_TIMEOUT = 5.0  # seconds a write waits for another process's lock
PENDING_LIMIT = 10_000  # question rows held while the database is unusable; beyond that the oldest are dropped
RETRY_PAUSE = 1.0  # seconds between attempts to write held rows
JOB_WAIT = BUSY_TIMEOUT + RETRY_PAUSE  # a write not started by then is given up (said not stored)
ALREADY_RATED = 0  # what add_feedback returns when the answer already has its feedback

_INSERT_QUESTIONS = (
    "INSERT INTO questions (asked_at, channel, question, answer, found, confidence, citations, answer_id, client)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_FEEDBACK = (
    "INSERT INTO feedback (given_at, rating, comment, answer_id, client) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (answer_id) DO NOTHING RETURNING id"
)
_FEEDBACK_ROWS = (
    "SELECT f.id, f.given_at, f.rating, f.comment, COALESCE(q.question, f.question), COALESCE(q.answer, f.answer),"
    " COALESCE(q.citations, f.citations), f.answer_id FROM feedback f LEFT JOIN questions q ON q.answer_id = f.answer_id"
)


class Backend:
    """How to reach one kind of database; SQL is written with ``?`` and ``sql()`` adapts it."""

    description = ""

    def open(self):  # a new connection with the schema in place
        raise NotImplementedError

    def transaction(self, db) -> AbstractContextManager:
        raise NotImplementedError

    def reading(self) -> AbstractContextManager:  # a short-lived connection for a read
        raise NotImplementedError

    def stale(self, db) -> bool:  # the writer's connection must be reopened
        return False

    def sql(self, text: str) -> str:
        return text


class _Job:
    """One write a caller waits for: ``run`` gets the writer's connection."""

    def __init__(self, run: Callable[[object], object]) -> None:
        self.run = run
        self.done: Future[object] = Future()


class Storage:
    """One interface whatever the backend: log_question, add_feedback, add_comment, sessions, gaps."""

    def __init__(self, backend: Backend, *, low_confidence: float = LOW_CONFIDENCE) -> None:
        self.backend = backend
        self.low_confidence = low_confidence
        self._queue: queue.Queue[tuple | _Job] = queue.Queue()
        self._held: list[tuple] = []  # rows taken from the queue but not yet written (the database was unusable)
        self._idle = threading.Condition()
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()
        self._db = None  # the writer thread's own connection, kept open between batches

    # ---------------------------------------------------------------- the writer thread
    def _writer_db(self):
        if self._db is not None and self.backend.stale(self._db):
            self._close_writer_db()
        if self._db is None:
            self._db = self.backend.open()
        return self._db

    def _close_writer_db(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except Exception:
                log.debug("closing the storage connection failed", exc_info=True)
            self._db = None

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
                failing = True  # reported once; retried quietly until the database is usable again
                time.sleep(RETRY_PAUSE)
                taken += self._take(self._drain())
            if failing:
                log.warning("question log %s is writable again; held rows written", self.backend.description)
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
            db = self._writer_db()
            with self.backend.transaction(db):
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
            log.error(
                "question log %s unusable: dropping %d oldest rows",
                self.backend.description,
                len(self._held) - PENDING_LIMIT,
            )
            del self._held[: len(self._held) - PENDING_LIMIT]
        try:
            db = self._writer_db()
            with self.backend.transaction(db):
                db.cursor().executemany(self.backend.sql(_INSERT_QUESTIONS), self._held)
        except Exception:
            self._close_writer_db()
            if report:
                log.exception("could not log questions to %s; keeping them and retrying", self.backend.description)
            return False
        self._held.clear()
        return True

    def _enqueue(self, run: Callable[[object], object]) -> Future[object]:
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
            log.exception("could not store %s in %s", what, self.backend.description)
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
            log.exception("could not store %s in %s", what, self.backend.description)
            return None

    def _execute(self, db, text: str, params: tuple = ()):
        cursor = db.cursor()
        cursor.execute(self.backend.sql(text), params)
        return cursor

    def _read(self, text: str, params: tuple, what: str) -> list[tuple] | None:
        try:
            with self.backend.reading() as db:
                return self._execute(db, text, params).fetchall()
        except Exception:
            log.exception("could not read %s from %s", what, self.backend.description)
            return None

    # ---------------------------------------------------------------- the question log
    def log_question(self, channel: str, question: str, answer: dict, *, answer_id: str = "", client: str = "") -> None:
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
                answer_id or None,
                client,
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

    # ---------------------------------------------------------------- feedback
    def _feedback_insert(self, answer_id: str, rating: int, comment: str, client: str) -> Callable[[object], int]:
        row = (time.time(), rating, comment, answer_id, client)

        def insert(db) -> int:
            found = self._execute(db, _INSERT_FEEDBACK, row).fetchone()
            return int(found[0]) if found else ALREADY_RATED

        return insert

    def add_feedback(self, answer_id: str, rating: int, comment: str = "", client: str = "") -> int | None:
        """Thumbs up (1) or down (-1) on the answer ``answer_id``: the new row's id, ALREADY_RATED (0) when that
        answer has its feedback already, or None when the write failed."""
        stored = self._settled(self._enqueue(self._feedback_insert(answer_id, rating, comment, client)), "feedback")
        return stored if isinstance(stored, int) else None

    async def add_feedback_async(self, answer_id: str, rating: int, comment: str = "", client: str = "") -> int | None:
        """``add_feedback`` for the event loop."""
        future = self._enqueue(self._feedback_insert(answer_id, rating, comment, client))
        stored = await self._settled_async(future, "feedback")
        return stored if isinstance(stored, int) else None

    def add_comment(self, feedback_id: int, comment: str) -> bool:
        def update(db) -> bool:
            return (
                self._execute(db, "UPDATE feedback SET comment = ? WHERE id = ?", (comment, feedback_id)).rowcount == 1
            )

        return self._settled(self._enqueue(update), "a feedback comment") is True

    def feedback(self, limit: int = 100) -> list[dict]:
        """The newest feedback with the question, answer and citations this server logged for it."""
        self.flush(timeout=1.0)
        rows = self._read(_FEEDBACK_ROWS + " ORDER BY f.id DESC LIMIT ?", (limit,), "feedback") or []
        keys = ("id", "given_at", "rating", "comment", "question", "answer", "citations", "answer_id")
        return [{**dict(zip(keys, row, strict=True)), "citations": json.loads(row[6] or "[]")} for row in rows]

    def gaps(self, limit: int = 200) -> GapReport:
        """Refused and low-confidence questions and thumbs-down, grouped by question, newest first.

        Questions staff typed into their own tools are left out: the report is about what citizens ask.
        """
        self.flush(timeout=1.0)  # include the questions just asked
        asked = self._read(
            "SELECT id, question, found, client, asked_at FROM questions"
            " WHERE channel != 'staff' AND (found = 0 OR confidence < ?) ORDER BY id DESC LIMIT 5000",
            (self.low_confidence,),
            "the gap report",
        )
        down = self._read(
            "SELECT f.id, COALESCE(q.question, f.question), f.comment, f.client, f.given_at FROM feedback f"
            " LEFT JOIN questions q ON q.answer_id = f.answer_id WHERE f.rating < 0 ORDER BY f.id DESC LIMIT 5000",
            (),
            "the gap report",
        )
        if asked is None or down is None:
            return GapReport(available=False)
        return build_report(asked, [row for row in down if row[1]], limit)

    # ---------------------------------------------------------------- staff sessions
    def add_session(self, token: str, name: str, expires_at: float) -> bool:
        def insert(db) -> bool:
            self._execute(db, "DELETE FROM sessions WHERE expires_at < ?", (time.time(),))
            self._execute(
                db, "INSERT INTO sessions (token, name, expires_at) VALUES (?, ?, ?)", (token, name, expires_at)
            )
            return True

        return self._settled(self._enqueue(insert), "a staff session") is True

    def session(self, token: str) -> str | None:
        """The staff name of a live session, or None (unknown, expired, or the database unreadable)."""
        rows = self._read(
            "SELECT name FROM sessions WHERE token = ? AND expires_at > ?", (token, time.time()), "a staff session"
        )
        return rows[0][0] if rows else None

    def end_session(self, token: str) -> bool:
        def delete(db) -> bool:
            return self._execute(db, "DELETE FROM sessions WHERE token = ?", (token,)).rowcount == 1

        return self._settled(self._enqueue(delete), "a staff session") is True
