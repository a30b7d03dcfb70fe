"""Test fixtures.

Each pytest-xdist worker gets its own database: a SQLite file, or a PostgreSQL database
created from TEST_DATABASE_URL. Tables are created once per worker and emptied after every
test, so tests are isolated and `pytest -n auto` is safe on both backends.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from caseapp import create_app
from caseapp.db import db
from caseapp.dbsetup import recorded_statements
from config import TestConfig
from tests.factories import Factory

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if PG_URL.startswith("postgresql"):
        name = f"caseapp_test_{_worker()}_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            # A throw-away test database needs no durable commits; waiting for each WAL
            # flush would dominate the suite's time.
            conn.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        url = sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        yield url
        sa.create_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("db") / f"test_{_worker()}.sqlite"
        yield f"sqlite:///{path}"


@pytest.fixture(scope="session")
def _schema(database_url: str) -> str:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return database_url


def _empty_all_tables() -> None:
    # DELETE, not TRUNCATE: a test leaves a handful of rows, and PostgreSQL's TRUNCATE costs
    # a file swap per table (hundreds of milliseconds for the whole schema) where DELETE of a
    # few rows costs almost nothing. One round trip for all tables.
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        statements = "; ".join(f'DELETE FROM "{t.name}"' for t in tables)
        db.session.connection().exec_driver_sql(statements)
    else:
        for t in tables:
            db.session.execute(t.delete())
    db.session.commit()


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A new, empty database on the backend under test (for migrations, init-db, restore)."""
    if PG_URL.startswith("postgresql"):
        name = f"caseapp_empty_{_worker()}_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"


def make_app(database_url: str, **overrides: Any) -> Flask:
    overrides.setdefault("WTF_CSRF_ENABLED", False)
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, **overrides)


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    """Override in a test module to change the app's config."""
    return {}


@pytest.fixture
def app(_schema: str, app_overrides: dict[str, Any]) -> Iterator[Flask]:
    app = make_app(_schema, **app_overrides)
    app.config["CLOCK_NOW"] = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
    ctx = app.app_context()
    ctx.push()
    try:
        yield app
    finally:
        db.session.rollback()
        db.session.remove()
        _empty_all_tables()
        db.session.remove()
        db.engine.dispose()
        ctx.pop()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make(app: Flask) -> Factory:
    return Factory()


class Auth:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str, password: str = Factory.PASSWORD) -> Any:
        return self.client.post(
            "/auth/login", data={"username": username, "password": password}
        )

    def logout(self) -> Any:
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def login_as(app: Flask) -> Any:
    """Return a fresh logged-in test client for a user: login_as(user) -> FlaskClient."""

    def _login(user: Any, password: str = Factory.PASSWORD) -> FlaskClient:
        c = app.test_client()
        resp = c.post("/auth/login", data={"username": user.username, "password": password})
        assert resp.status_code == 302, "login failed in test setup"
        return c

    return _login


def count_queries() -> AbstractContextManager[list[str]]:
    """Collect the SQL statements executed inside the block."""
    return recorded_statements(db.engine)


@pytest.fixture
def queries() -> Any:
    return count_queries


@pytest.fixture
def instance_path(tmp_path: Path) -> Path:
    return tmp_path


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The browser crawl's figures (tests/browser/test_crawl.py), shown even when it passes:
    its own output would stay captured, and under xdist with its worker."""
    runs = sorted(
        (value for reports in terminalreporter.stats.values() for report in reports
         if getattr(report, "when", None) == "call"
         for name, value in getattr(report, "user_properties", ()) if name == "crawl"),
        key=lambda run: (run["role"], -run["width"]))
    if not runs:
        return
    write = terminalreporter.write_line
    terminalreporter.section("browser crawl")
    for run in runs:
        write(f"{run['role']:<11} {run['width']:>4}px: {run['routes']} routes, "
              f"{run['views']} pages checked, {run['downloads']} downloads not opened, "
              f"{run['seconds']}s")
    write(f"{sum(run['views'] for run in runs)} page views in all")
    for run in runs:
        if run["not_reached"] and run["width"] == max(r["width"] for r in runs):
            write(f"{run['role']}: open to the role, but no page crawled links to "
                  f"{', '.join(run['not_reached'])}")
