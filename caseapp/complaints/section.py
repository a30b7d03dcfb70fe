"""Petitions in the PDF summary. The case page does not list them: they have their own
screens (``/complaints``), reached from the navigation."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.cases.models import Case
from caseapp.complaints.models import Complaint
from caseapp.db import db
from caseapp.i18n import format_date
from caseapp.labels import label
from caseapp.records.section import CaseSection


@dataclass(frozen=True)
class ComplaintRow:
    code: str
    received_on: str
    sender: str
    subject: str
    handling: str
    status: str
    deadline_on: str
    closed_on: str
    summary: str


def pdf_rows(case: Case, identifying: bool) -> list[ComplaintRow]:
    complaints = db.session.scalars(
        sa.select(Complaint)
        .where(Complaint.case_id == case.id)
        .order_by(Complaint.received_on, Complaint.id)
    ).all()
    out = []
    for c in complaints:
        handling = label(c.handling)
        if c.forwarded_to:
            handling = f"{handling}: {c.forwarded_to}" if handling else c.forwarded_to
        out.append(
            ComplaintRow(
                code=c.code,
                received_on=format_date(c.received_on),
                sender=label(c.sender_relation),
                subject=label(c.subject),
                handling=handling,
                status=label(c.status),
                deadline_on=format_date(c.deadline_on),
                closed_on=format_date(c.closed_on),
                summary=c.summary or "",
            )
        )
    return out


SECTION = CaseSection(
    key="complaints",
    order=80,
    title=_l("Petitions"),
    pdf_template="complaints/_pdf_section.html",
    pdf_rows=pdf_rows,
)
