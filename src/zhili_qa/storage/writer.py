"""The one writer thread of a :class:`~zhili_qa.storage.base.Storage`, with its one connection.

Question rows are written off the request path, in batches: under load the per-answer commit (and any wait
for a lock another process holds) no longer sits in front of the answer, and rows that meet an unusable
database are kept and written once it is usable again. Jobs (feedback, comments, sessions) run at once,
while their caller waits, since the page says whether they were stored; one writer means no thread of this
process ever waits for another's write lock.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

log = logging.getLogger("zhili_qa.storage")

PENDING_LIMIT = 10_000  # question rows held while the database is unusable; beyond that the oldest are dropped


@dataclass(frozen=True)
class Waits:
    """How long the storage waits, in seconds. Tests of a database that cannot be written shorten them: what
    is waited for stays the same, only how long changes."""

    busy: float = 5.0  # a write waits for another process's lock (SQLite's busy timeout, PostgreSQL's lock_timeout)
    retry: float = 1.0  # between attempts to write held rows
    report: float = 1.0  # a report (gaps, the feedback list) waits for the questions just asked
    shutdown: float = 10.0  # a stopping server waits for its queued rows

    @property
    def job(self) -> float:
        """A write not started by then is given up (said not stored)."""
        return self.busy + self.retry


WAITS = Waits()  # what a server waits


class _Job:
    """One write a caller waits for: ``run`` gets the writer's connection."""

    def __init__(self, run: Callable[[object], object]) -> None:
        self.run = run
        self.done: Future[object] = Future()


class Writer:
    """Question rows in batches and waited-for jobs, written by one thread on one connection."""

    def __init__(self, backend, insert_rows: str, waits: Waits) -> None:
        self.backend = backend
        self.waits = waits
        self.insert_rows = backend.sql(insert_rows)
        self._queue: queue.Queue[tuple | _Job] = queue.Queue()
        self._held: list[tuple] = []  # rows taken from the queue but not yet written (the database was unusable)
        self._idle = threading.Condition()
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()
        self._db = None  # the writer thread's own connection, kept open between batches

    def put_row(self, row: tuple) -> None:
        """Queue a row for the next batch; returns at once."""
        self._queue.put(row)
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
                time.sleep(self.waits.retry)
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
                db.cursor().executemany(self.insert_rows, self._held)
        except Exception:
            self._close_writer_db()
            if report:
                log.exception("could not log questions to %s; keeping them and retrying", self.backend.description)
            return False
        self._held.clear()
        return True

    def submit(self, run: Callable[[object], object]) -> Future[object]:
        job = _Job(run)
        self._queue.put(job)
        self._start_writer()
        return job.done

    def settled(self, future: Future[object], what: str) -> object | None:
        """The write's result, waited for; None (logged) when it failed or did not start within ``waits.job``."""
        try:
            try:
                return future.result(timeout=self.waits.job)
            except FutureTimeout:
                if future.cancel():
                    raise
                return future.result()  # already running: bounded by the busy timeout
        except Exception:
            log.exception("could not store %s in %s", what, self.backend.description)
            return None

    async def settled_async(self, future: Future[object], what: str) -> object | None:
        """``settled`` for the event loop: the request waits without holding one of the server's pool threads."""
        try:
            waiting = asyncio.wrap_future(future)
            done, _ = await asyncio.wait({waiting}, timeout=self.waits.job)
            if not done and future.cancel():
                raise TimeoutError(f"not started within {self.waits.job} s")
            return await waiting
        except Exception:
            log.exception("could not store %s in %s", what, self.backend.description)
            return None
