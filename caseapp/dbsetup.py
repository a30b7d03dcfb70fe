"""Per-connection database settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
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


def engine_options(url: str, options: dict[str, Any]) -> dict[str, Any]:
    """The engine options for ``url``.

    On PostgreSQL through psycopg:
    - psycopg prepares a statement on the server after its fifth run on a connection, and
      PostgreSQL then may switch to a generic plan, made without the parameter values. For
      the unit-scoped aggregates (a path prefix in LIKE, a period) that plan is hundreds of
      times slower: a dashboard statement went from 0.1 s to 30 s on its eleventh run.
      Every statement is therefore planned with its actual values.
    - JIT compilation is off. The planner's row estimates for the indicator's CTEs are far
      too high, which triggers JIT with inlining and optimization: 6.9 s of compiling for a
      statement that runs in under 2 s (1M cases). Short statements never gain from it."""
    if sa.make_url(url).drivername != "postgresql+psycopg":
        return options
    given = dict(options.get("connect_args", {}))
    server_options = " ".join(filter(None, ["-c jit=off", given.pop("options", "")]))
    connect_args = {"prepare_threshold": None, "options": server_options, **given}
    return {**options, "connect_args": connect_args}


@contextmanager
def recorded_statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements ``engine`` executes inside the block, in order: what the tests and
    the page benchmark count."""
    statements: list[str] = []

    def _before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", _before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _before)
