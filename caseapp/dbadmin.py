"""Schema management through the Alembic migrations."""

from __future__ import annotations

from flask_migrate import upgrade

from caseapp import ROOT


def upgrade_schema() -> None:
    upgrade(directory=str(ROOT / "migrations"))
