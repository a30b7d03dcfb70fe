from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.db import db


class Setting(db.Model):  # type: ignore[name-defined]
    """Runtime settings edited by admins; values are JSON. Defaults live in settings.services."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text)


class CodeSequence(db.Model):  # type: ignore[name-defined]
    """Counters for readable codes (client and case codes per unit and year).

    Incremented with UPDATE ... RETURNING under a row lock, so concurrent workers never
    hand out the same number.
    """

    __tablename__ = "code_sequences"
    scope: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)
