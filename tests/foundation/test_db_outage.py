"""When the database goes away, pages answer 503 in the user's language without a stack
trace, and the app recovers by itself when the database is back."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from caseapp.db import db
from tests.conftest import PG_URL


@pytest.mark.skipif(not PG_URL.startswith("postgresql"), reason="needs a PostgreSQL server")
def test_database_outage_gives_503_then_recovers(app: Flask, make, login_as) -> None:
    unit = make.unit("DB1")
    user = make.user("counselor", unit)
    client = login_as(user)
    assert client.get("/").status_code == 200
    name = db.engine.url.database
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :d AND pid <> pg_backend_pid()"), {"d": name})
        resp = client.get("/")
        body = resp.get_data(as_text=True)
        assert resp.status_code == 503
        assert "Không kết nối được cơ sở dữ liệu" in body
        assert "Traceback" not in body and "psycopg" not in body
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
    db.session.remove()
    resp = client.get("/")
    assert resp.status_code == 200
