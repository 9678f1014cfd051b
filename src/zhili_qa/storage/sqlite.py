"""The embedded default: one SQLite file in ``data_dir``, in WAL mode so reading never blocks writing."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from .base import Backend
from .writer import WAITS

log = logging.getLogger("zhili_qa.storage")

DB_NAME = "zhili.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY,
    asked_at REAL NOT NULL,
    channel TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    found INTEGER NOT NULL,
    confidence REAL NOT NULL,
    citations TEXT NOT NULL,
    answer_id TEXT,
    client TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    given_at REAL NOT NULL,
    rating INTEGER NOT NULL,
    comment TEXT NOT NULL,
    question TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL DEFAULT '',
    citations TEXT NOT NULL DEFAULT '[]',
    answer_id TEXT,
    client TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, name TEXT NOT NULL, expires_at REAL NOT NULL);
"""
# Files written before answers had ids and clients were counted get the new columns; their rows keep working.
ADDED_COLUMNS = {
    "questions": ("answer_id TEXT", "client TEXT NOT NULL DEFAULT ''"),
    "feedback": ("answer_id TEXT", "client TEXT NOT NULL DEFAULT ''"),
}
INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS feedback_answer ON feedback (answer_id);
CREATE INDEX IF NOT EXISTS questions_answer ON questions (answer_id);
"""


class _Connection(sqlite3.Connection):
    inode = 0  # of the file when this connection opened it


class SQLiteBackend(Backend):
    def __init__(self, data_dir: Path, busy_timeout: float = WAITS.busy) -> None:
        self.path = Path(data_dir) / DB_NAME
        self.description = str(self.path)
        self.busy_timeout = busy_timeout

    def open(self) -> _Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=self.busy_timeout, check_same_thread=False, factory=_Connection)
        try:
            # Every time, not once: the file may have been replaced by an empty one since (both are no-ops otherwise).
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(SCHEMA)
            for table, columns in ADDED_COLUMNS.items():
                present = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
                for column in columns:
                    if column.split()[0] not in present:
                        connection.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
            connection.executescript(INDEXES)
            connection.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; a power cut may lose the last rows
            connection.inode = self.path.stat().st_ino
        except Exception:
            connection.close()
            raise
        return connection

    def stale(self, db: _Connection) -> bool:
        """The file was moved or deleted under the writer (a cleanup, log rotation): writing on would go to a
        file nobody can read any more."""
        try:
            return self.path.stat().st_ino != db.inode
        except OSError:
            return True

    def transaction(self, db: sqlite3.Connection):
        return db  # commits on success, rolls back on an error

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A short-lived connection; WAL readers never wait for the writer."""
        with closing(self.open()) as connection, connection:
            yield connection
