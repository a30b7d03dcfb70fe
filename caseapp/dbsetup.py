"""Per-connection database settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


def init_engine_events(engine: Engine) -> None:
    if engine.dialect.name != "sqlite" or getattr(engine, "_caseapp_events", False):
        return
    engine._caseapp_events = True  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()
