"""`upgrade head` must produce exactly the schema the models describe."""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from caseapp.db import db
from tests.conftest import make_app


def test_upgrade_head_matches_models(empty_database_url: str) -> None:
    from caseapp.dbadmin import upgrade_schema

    app = make_app(empty_database_url)
    with app.app_context():
        upgrade_schema()
        with db.engine.connect() as conn, warnings.catch_warnings():
            # SQLite cannot reflect indexes on expressions, so Alembic skips them there
            # (with a warning); they are compared on PostgreSQL and checked by name below.
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified "
                                    "expression-based index")
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of "
                                    "expression-based index")
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, db.metadata)
            catalog = ("SELECT name FROM sqlite_master WHERE type = 'index'"
                       if conn.dialect.name == "sqlite" else
                       "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
            indexes = set(conn.scalars(sa.text(catalog)))
        db.engine.dispose()
    assert diff == [], diff
    expression_indexes = {ix.name for table in db.metadata.tables.values()
                          for ix in table.indexes
                          if any(not isinstance(e, sa.Column) for e in ix.expressions)}
    assert expression_indexes <= indexes, expression_indexes - indexes
