"""The question log, feedback and staff sessions over any backend, written by one writer thread.

Storage is a side channel: every failure (unwritable folder, locked or corrupt file, a database that is
down) is logged and swallowed, so answering never depends on it. Nothing identifying the asker is stored:
the client is a keyed hash of its address, so the report can count distinct clients and nobody can read an
address back.

All writes go through one writer thread with one connection (``writer.py``); reads open a short-lived
connection. A backend (``sqlite.py``, ``postgres.py``) only says how to connect and its dialect.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from .report import LOW_CONFIDENCE, GapReport, build_report
from .writer import WAITS, Waits, Writer

log = logging.getLogger("zhili_qa.storage")

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


class Storage:
    """One interface whatever the backend: log_question, add_feedback, add_comment, sessions, gaps."""

    def __init__(self, backend: Backend, *, low_confidence: float = LOW_CONFIDENCE, waits: Waits = WAITS) -> None:
        self.backend = backend
        self.low_confidence = low_confidence
        self.waits = waits
        self.writer = Writer(backend, _INSERT_QUESTIONS, waits)

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
        self.writer.put_row(
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

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued question row is written; False when that did not happen in time."""
        return self.writer.flush(timeout)

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
        stored = self.writer.settled(
            self.writer.submit(self._feedback_insert(answer_id, rating, comment, client)), "feedback"
        )
        return stored if isinstance(stored, int) else None

    async def add_feedback_async(self, answer_id: str, rating: int, comment: str = "", client: str = "") -> int | None:
        """``add_feedback`` for the event loop."""
        future = self.writer.submit(self._feedback_insert(answer_id, rating, comment, client))
        stored = await self.writer.settled_async(future, "feedback")
        return stored if isinstance(stored, int) else None

    def add_comment(self, feedback_id: int, comment: str) -> bool:
        def update(db) -> bool:
            return (
                self._execute(db, "UPDATE feedback SET comment = ? WHERE id = ?", (comment, feedback_id)).rowcount == 1
            )

        return self.writer.settled(self.writer.submit(update), "a feedback comment") is True

    def feedback(self, limit: int = 100) -> list[dict]:
        """The newest feedback with the question, answer and citations this server logged for it."""
        self.flush(timeout=self.waits.report)
        rows = self._read(_FEEDBACK_ROWS + " ORDER BY f.id DESC LIMIT ?", (limit,), "feedback") or []
        keys = ("id", "given_at", "rating", "comment", "question", "answer", "citations", "answer_id")
        return [{**dict(zip(keys, row, strict=True)), "citations": json.loads(row[6] or "[]")} for row in rows]

    def gaps(self, limit: int = 200) -> GapReport:
        """Refused and low-confidence questions and thumbs-down, grouped by question, newest first.

        Questions staff typed into their own tools are left out: the report is about what citizens ask.
        """
        self.flush(timeout=self.waits.report)  # include the questions just asked
        asked = self._read(
            "SELECT id, question, found, client, asked_at FROM questions"
            " WHERE channel != 'staff' AND (found = 0 OR confidence < ?) ORDER BY id DESC LIMIT 5000",
            (self.low_confidence,),
            "the gap report",
        )
        down = self._read(
            "SELECT f.id, COALESCE(q.question, f.question), f.comment, f.client, f.given_at, q.id, q.client"
            " FROM feedback f"
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

        return self.writer.settled(self.writer.submit(insert), "a staff session") is True

    def session(self, token: str) -> str | None:
        """The staff name of a live session, or None (unknown, expired, or the database unreadable)."""
        rows = self._read(
            "SELECT name FROM sessions WHERE token = ? AND expires_at > ?", (token, time.time()), "a staff session"
        )
        return rows[0][0] if rows else None

    def end_session(self, token: str) -> bool:
        def delete(db) -> bool:
            return self._execute(db, "DELETE FROM sessions WHERE token = ?", (token,)).rowcount == 1

        return self.writer.settled(self.writer.submit(delete), "a staff session") is True
