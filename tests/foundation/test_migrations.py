"""`upgrade head` must produce exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from caseapp.db import db
from tests.conftest import make_app


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
