"""`flask --app caseapp backup FILE`: a consistent copy of the database while it runs.

SQLite uses the online backup API (safe while workers write). PostgreSQL is dumped with
pg_dump in its custom format; restore with pg_restore. Keys are not in the backup: keep
DATA_KEY and SECRET_KEY apart from it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from caseapp.db import db


def backup_sqlite(target: Path) -> None:
    source_path = db.engine.url.database
    if not source_path:
        raise click.ClickException("An in-memory database cannot be backed up.")
    src = sqlite3.connect(source_path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def backup_postgresql(target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise click.ClickException("pg_dump is not installed.")
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    cmd = [pg_dump, "--format=custom", "--no-owner", "-f", str(target),
           "-h", url.host or "localhost", "-p", str(url.port or 5432),
           "-U", url.username or "postgres", url.database or ""]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise click.ClickException("pg_dump failed: " + result.stderr.strip()[:500])


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write a consistent backup of the database to FILE."""
    if file.exists():
        raise click.ClickException(f"{file} exists; choose a new file name.")
    dialect = db.engine.dialect.name
    db.session.execute(sa.text("SELECT 1"))
    if dialect == "sqlite":
        backup_sqlite(file)
    elif dialect == "postgresql":
        backup_postgresql(file)
    else:
        raise click.ClickException(f"No backup method for {dialect}.")
    os.chmod(file, 0o600)
    click.echo(f"Backup written to {file}.")
