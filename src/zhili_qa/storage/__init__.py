"""The question log, feedback and staff sessions: one interface (:class:`Storage`), two backends.

SQLite in ``data_dir`` is the embedded default; ``ZHILI_DATABASE_URL=postgresql://…`` puts everything in
PostgreSQL instead, so several replicas share one log and one gap report.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ZhiliError
from .base import ALREADY_RATED, Backend, Storage
from .report import Gap, GapReport
from .sqlite import DB_NAME, SQLiteBackend
from .writer import WAITS, Waits

__all__ = [
    "ALREADY_RATED",
    "DB_NAME",
    "Backend",
    "Gap",
    "GapReport",
    "Storage",
    "Waits",
    "open_storage",
    "sqlite_storage",
]


def sqlite_storage(data_dir: Path, waits: Waits = WAITS) -> Storage:
    return Storage(SQLiteBackend(data_dir, waits.busy), waits=waits)


def open_storage(data_dir: Path, database_url: str = "", waits: Waits = WAITS) -> Storage:
    """PostgreSQL when ``database_url`` names one, else the SQLite file in ``data_dir``."""
    if database_url.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresBackend  # psycopg only where PostgreSQL is used

        return Storage(PostgresBackend(database_url, waits.busy), waits=waits)
    if database_url:
        raise ZhiliError("ZHILI_DATABASE_URL 只支持 postgresql://…（留空则用 SQLite）。")
    return sqlite_storage(data_dir, waits)
