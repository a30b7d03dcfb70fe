"""Readable, unique codes (KH.<unit>.<year>.<n> for clients, HS.<unit>.<year>.<n> for cases).

The counter row is incremented with one UPDATE ... RETURNING, which takes a row lock on
PostgreSQL and the write lock on SQLite, so concurrent workers never get the same number.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from caseapp.db import db
from caseapp.settings.models import CodeSequence

PREFIXES = {"client": "KH", "case": "HS", "complaint": "DT"}


def next_values(scope: str, count: int = 1) -> range:
    """Reserve ``count`` consecutive numbers in ``scope``; returns them as a range."""
    session = db.session
    dialect = session.get_bind().dialect.name
    ins = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        ins(CodeSequence).values(scope=scope, last_value=0).on_conflict_do_nothing()
    )
    last = session.execute(
        sa.update(CodeSequence)
        .where(CodeSequence.scope == scope)
        .values(last_value=CodeSequence.last_value + count)
        .returning(CodeSequence.last_value)
    ).scalar_one()
    return range(last - count + 1, last + 1)


def make_code(kind: str, unit_code: str, year: int, n: int) -> str:
    return f"{PREFIXES[kind]}.{unit_code}.{year}.{n:04d}"


def next_code(kind: str, unit_code: str, year: int) -> str:
    (n,) = next_values(f"{kind}:{unit_code}:{year}")
    return make_code(kind, unit_code, year, n)
