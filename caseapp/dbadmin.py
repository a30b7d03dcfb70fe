"""Schema management through the Alembic migrations.

Flask-Migrate is bound to the app only when a schema command runs: importing it pulls in
Alembic, Mako and Pygments, about 10 MB in every gunicorn worker, which never uses them.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from caseapp import ROOT
from caseapp.db import db

MIGRATIONS = ROOT / "migrations"


def init_migrate(app: Flask) -> None:
    """Bind Flask-Migrate to ``app`` once: ``flask db`` and ``migrations/env.py`` need it."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(MIGRATIONS), render_as_batch=True)


def upgrade_schema() -> None:
    from flask_migrate import upgrade

    init_migrate(current_app._get_current_object())  # type: ignore[attr-defined]
    upgrade(directory=str(MIGRATIONS))


class AppCommands(AppGroup):
    """The app's command group, where Flask-Migrate's ``db`` group is added on first lookup
    (binding Flask-Migrate adds it)."""

    def __init__(self, app: Flask) -> None:
        super().__init__(app.name)
        self.app = app

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "db" and cmd_name not in self.commands:
            init_migrate(self.app)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), "db"})
