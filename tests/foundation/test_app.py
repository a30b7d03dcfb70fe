from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from caseapp import create_app
from config import ConfigError, DevelopmentConfig, ProductionConfig, TestConfig


def test_factory_uses_given_config(app: Flask) -> None:
    assert app.config["TESTING"] is True
    assert app.config["ENV_NAME"] == "test"


def test_production_refuses_to_start_without_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATA_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_starts_with_keys_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("DATA_KEY", TestConfig.DATA_KEY)
    app = create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert app.config["SECRET_KEY"] == "s" * 40
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_development_generates_keys_once_with_private_mode(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATA_KEY", raising=False)
    import caseapp

    monkeypatch.setattr(caseapp, "ROOT", tmp_path)
    a = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    b = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    assert a.config["SECRET_KEY"] == b.config["SECRET_KEY"]
    assert a.config["DATA_KEY"] == b.config["DATA_KEY"]
    for name in ("secret_key", "data_key"):
        assert (tmp_path / "instance" / name).stat().st_mode & 0o777 == 0o600


def test_postgresql_statements_are_planned_with_their_values() -> None:
    """psycopg's server-side preparation lets PostgreSQL switch to a generic plan after a
    few runs, which made unit-scoped aggregates hundreds of times slower; it is off, and so
    is JIT compilation, which cost seconds on the indicator's statements."""
    from caseapp.dbsetup import engine_options

    pg = engine_options("postgresql+psycopg://u@h/db", {"pool_pre_ping": True})
    assert pg["connect_args"]["prepare_threshold"] is None and pg["pool_pre_ping"]
    assert "jit=off" in pg["connect_args"]["options"]
    assert engine_options("sqlite:///x.sqlite", {"pool_pre_ping": True}) == {
        "pool_pre_ping": True}


def test_the_app_engine_does_not_prepare_statements(app) -> None:
    from caseapp.db import db

    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    with db.engine.connect() as conn:
        assert conn.connection.driver_connection.prepare_threshold is None
        assert conn.exec_driver_sql("SHOW jit").scalar() == "off"


def test_start_up_leaves_rarely_used_packages_unimported() -> None:
    # Each of these costs every gunicorn worker 5 to 10 MB, and only a spreadsheet, an
    # encrypted PDF, a second-factor enrolment or a schema command uses it.
    code = (
        "import sys\n"
        "from caseapp import create_app\n"
        "from config import TestConfig\n"
        "create_app(TestConfig, SQLALCHEMY_DATABASE_URI='sqlite://')\n"
        "heavy = ('openpyxl', 'pypdf', 'qrcode', 'flask_migrate', 'alembic')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "[]", out.stdout
