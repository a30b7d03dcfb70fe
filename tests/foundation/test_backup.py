"""A backup restores to a database holding every record and an intact audit chain."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from caseapp.audit.services import verify_chain
from caseapp.auth.models import User
from caseapp.db import db
from tests.conftest import PG_URL, make_app
from tests.factories import Factory


def test_backup_restores_every_record_and_a_valid_audit_chain(
    app: Flask, make: Factory, tmp_path: Path
) -> None:
    unit = make.unit("BK1")
    make.user("counselor", unit, username="restore.me")
    from caseapp.audit import services as audit

    for i in range(5):
        audit.record("test_event", summary=f"n={i}")
    db.session.commit()
    target = tmp_path / "backup.dump"
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    if db.engine.dialect.name == "sqlite":
        restored_url = f"sqlite:///{target}"
        cleanup = None
    else:
        name = f"caseapp_restore_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = sa.make_url(PG_URL).set(database=name)
        subprocess.run(
            ["pg_restore", "--no-owner", "-h", url.host or "127.0.0.1", "-U",
             url.username or "postgres", "-d", name, str(target)],
            check=True, capture_output=True,
        )
        restored_url = url.set(drivername="postgresql+psycopg").render_as_string(
            hide_password=False)

        def cleanup() -> None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

    restored = make_app(restored_url)
    try:
        with restored.app_context():
            assert db.session.scalar(
                sa.select(User.id).where(User.username == "restore.me")) is not None
            checked, problem = verify_chain()
            assert problem is None and checked >= 5
            db.session.remove()
            db.engine.dispose()
    finally:
        if cleanup:
            cleanup()


def test_backup_refuses_to_overwrite(app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "exists.dump"
    target.write_text("keep me")
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert target.read_text() == "keep me"
