"""Inject a failure into one step of an operation, and check that the database is as before.

The database is real; only one function the operation calls is made to raise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.audit import services as audit_services
from caseapp.db import db
from caseapp.referrals import workflow

# Session bookkeeping (last activity, sign-in attempts) changes on every request whatever
# the request does; it is not data an operation writes.
SESSION_TABLES = frozenset({"user_sessions", "login_attempts"})


class StepFailed(RuntimeError):
    """The failure injected into one step."""


def all_rows() -> dict[str, list[tuple[Any, ...]]]:
    """The committed content of every table, read on a connection of its own."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name not in SESSION_TABLES:
                rows = conn.execute(sa.select(table)).all()
                out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def assert_nothing_written(before: dict[str, list[tuple[Any, ...]]]) -> None:
    # A later commit in the same process must not write the failed operation's rows either.
    db.session.commit()
    after = all_rows()
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"tables changed by a failed operation: {changed}"


def fail_on_call(n: int, real: Callable[..., Any]) -> Callable[..., Any]:
    """``real``, except that its n-th call raises."""
    calls = 0

    def wrapper(*args: Any, **kw: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == n:
            raise StepFailed
        return real(*args, **kw)

    return wrapper


def fail_audit_of(action: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the audit write of one action raise, wherever it is written from."""
    real = audit_services.record

    def record(name: str, **kw: Any) -> Any:
        if name == action:
            raise StepFailed
        return real(name, **kw)

    monkeypatch.setattr(audit_services, "record", record)
    # The referral workflow holds its own reference to the function.
    monkeypatch.setattr(workflow, "record", record)
