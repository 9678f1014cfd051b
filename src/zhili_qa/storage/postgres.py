"""PostgreSQL (psycopg 3) for several replicas: ``ZHILI_DATABASE_URL=postgresql://user:pass@host/db``.

Every replica writes its own question rows and reads everyone's, so the gap report is one. The schema is
created by whichever process comes first, under an advisory lock so two starting at once do not collide.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.conninfo import conninfo_to_dict

from .base import Backend
from .writer import WAITS

SCHEMA_LOCK = 0x7A68696C  # any constant; only this app takes it
SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id BIGSERIAL PRIMARY KEY,
    asked_at DOUBLE PRECISION NOT NULL,
    channel TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    found INTEGER NOT NULL,
    confidence DOUBLE PRECISION NOT NULL,
    citations TEXT NOT NULL,
    answer_id TEXT,
    client TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS questions_answer ON questions (answer_id);
CREATE TABLE IF NOT EXISTS feedback (
    id BIGSERIAL PRIMARY KEY,
    given_at DOUBLE PRECISION NOT NULL,
    rating INTEGER NOT NULL,
    comment TEXT NOT NULL,
    question TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL DEFAULT '',
    citations TEXT NOT NULL DEFAULT '[]',
    answer_id TEXT UNIQUE,
    client TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS sessions (token TEXT PRIMARY KEY, name TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL);
"""


class PostgresBackend(Backend):
    def __init__(self, url: str, busy_timeout: float = WAITS.busy) -> None:
        self.url = url
        self.busy_timeout = busy_timeout
        info = conninfo_to_dict(url)
        # for logs: never the password
        self.description = f"postgresql://{info.get('host', '')}:{info.get('port', '')}/{info.get('dbname', '')}"

    def _connect(self) -> psycopg.Connection:
        return psycopg.connect(
            self.url,
            connect_timeout=math.ceil(self.busy_timeout),  # whole seconds, and 0 would mean no limit
            options=f"-c lock_timeout={int(self.busy_timeout * 1000)} -c statement_timeout={int(self.busy_timeout * 2000)}",
        )

    def open(self) -> psycopg.Connection:
        connection = self._connect()
        try:
            with connection.transaction():
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                connection.execute(SCHEMA)
        except Exception:
            connection.close()
            raise
        return connection

    def stale(self, db: psycopg.Connection) -> bool:
        return db.closed or db.broken

    def transaction(self, db: psycopg.Connection):
        return db.transaction()

    @contextmanager
    def reading(self) -> Iterator[psycopg.Connection]:
        with self._connect() as connection:
            yield connection

    def sql(self, text: str) -> str:
        return text.replace("?", "%s")
