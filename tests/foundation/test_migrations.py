"""`upgrade head` must produce exactly the schema the models describe."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from caseapp.db import db
from tests.conftest import PG_URL, make_app


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    if PG_URL.startswith("postgresql"):
        name = f"caseapp_mig_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"


def test_upgrade_head_matches_models(empty_database_url: str) -> None:
    from caseapp.dbadmin import upgrade_schema

    app = make_app(empty_database_url)
    with app.app_context():
        upgrade_schema()
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, db.metadata)
        db.engine.dispose()
    assert diff == [], diff
