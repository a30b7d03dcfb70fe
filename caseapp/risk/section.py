"""Risk assessments on the case page and in the PDF summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.auth.models import User
from caseapp.cases.models import Case, RiskLevel
from caseapp.db import db
from caseapp.i18n import format_datetime
from caseapp.labels import label
from caseapp.records.section import CaseSection
from caseapp.risk.models import RiskAssessment
from caseapp.risk.scoring import ITEMS_BY_KEY


def _assessments(case: Case) -> list[Any]:
    """The case's assessments, newest first, with the assessor's name: one query."""
    return list(db.session.execute(
        sa.select(RiskAssessment, User.full_name)
        .outerjoin(User, User.id == RiskAssessment.assessed_by_id)
        .where(RiskAssessment.case_id == case.id)
        .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc())
    ).all())


def load_section(case: Case) -> dict[str, Any]:
    return {"assessments": _assessments(case), "risk_items": ITEMS_BY_KEY}


@dataclass(frozen=True)
class RiskRow:
    assessed_at: str
    level: str
    high: bool
    score: str
    signs: str
    assessed_by: str
    note: str


def pdf_rows(case: Case, identifying: bool) -> list[RiskRow]:
    rows = _assessments(case)
    return [
        RiskRow(
            assessed_at=format_datetime(r.assessed_at),
            level=label(r.level),
            high=r.level == RiskLevel.HIGH,
            score=str(r.score),
            signs=str(len([a for a in r.answers.split(",") if a])),
            assessed_by=name or "",
            note=r.note or "",
        )
        for r, name in rows
    ]


SECTION = CaseSection(
    key="risk",
    order=40,
    title=_l("Risk assessments"),
    template="risk/_case_section.html",
    loader=load_section,
    pdf_template="risk/_pdf_section.html",
    pdf_rows=pdf_rows,
)
