"""Danger assessments of a case."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.cases.models import RiskLevel
from caseapp.crypto import EncryptedText
from caseapp.db import db, enum_type


class RiskAssessment(db.Model):  # type: ignore[name-defined]
    """One danger assessment; the history is kept, the newest sets Case.current_risk."""

    __tablename__ = "risk_assessments"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    assessed_at: Mapped[datetime]
    assessed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answers: Mapped[str] = mapped_column(sa.String(500), default="")  # comma-separated keys
    score: Mapped[int] = mapped_column(default=0)
    level: Mapped[RiskLevel] = mapped_column(enum_type(RiskLevel))
    note: Mapped[str | None] = mapped_column(EncryptedText)
