"""Consultations on the case page and in the PDF summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.consultations.models import Consultation
from caseapp.db import db
from caseapp.i18n import format_date, format_datetime
from caseapp.labels import label
from caseapp.records.section import CaseSection


def load_section(case: Case) -> dict[str, Any]:
    rows = db.session.execute(
        sa.select(Consultation, User.full_name)
        .outerjoin(User, User.id == Consultation.counselor_id)
        .where(Consultation.case_id == case.id)
        .order_by(Consultation.held_at.desc(), Consultation.id.desc())
    ).all()
    return {"consultations": rows}


@dataclass(frozen=True)
class ConsultationRow:
    held_at: str
    kind: str
    channel: str
    counselor: str
    duration: str
    notes: str
    next_step: str
    follow_up_on: str


def pdf_rows(case: Case, identifying: bool) -> list[ConsultationRow]:
    counselor = aliased(User)
    rows = db.session.execute(
        sa.select(Consultation, counselor.full_name)
        .outerjoin(counselor, counselor.id == Consultation.counselor_id)
        .where(Consultation.case_id == case.id)
        .order_by(Consultation.held_at, Consultation.id)
    ).all()
    return [
        ConsultationRow(
            held_at=format_datetime(c.held_at),
            kind=label(c.kind),
            channel=label(c.channel),
            counselor=name or "",
            duration=_("%(n)d min", n=c.duration_minutes) if c.duration_minutes else "",
            notes=c.notes or "",
            next_step=c.next_step or "",
            follow_up_on=format_date(c.follow_up_on),
        )
        for c, name in rows
    ]


SECTION = CaseSection(
    key="consultations",
    order=70,
    title=_l("Consultations"),
    template="consultations/_case_section.html",
    loader=load_section,
    pdf_template="consultations/_pdf_section.html",
    pdf_rows=pdf_rows,
)
