"""Protection measures on the case page and in the PDF summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.cases.models import Case
from caseapp.db import db
from caseapp.i18n import format_date
from caseapp.labels import label
from caseapp.measures.models import ProtectionMeasure
from caseapp.records.section import CaseSection


def load_section(case: Case) -> dict[str, Any]:
    measures = db.session.scalars(
        sa.select(ProtectionMeasure).where(ProtectionMeasure.case_id == case.id)
        .order_by(ProtectionMeasure.starts_on.desc().nulls_last(), ProtectionMeasure.id.desc())
    ).all()
    return {"measures": measures}


@dataclass(frozen=True)
class MeasureRow:
    kind: str
    issuer: str
    period: str
    note: str


def pdf_rows(case: Case, identifying: bool) -> list[MeasureRow]:
    measures = db.session.scalars(
        sa.select(ProtectionMeasure)
        .where(ProtectionMeasure.case_id == case.id)
        .order_by(ProtectionMeasure.starts_on.asc().nulls_last(), ProtectionMeasure.id)
    ).all()
    return [
        MeasureRow(
            kind=label(m.kind),
            issuer=m.issuer or "",
            period=" – ".join(d for d in (format_date(m.starts_on), format_date(m.ends_on)) if d),
            note=m.note or "",
        )
        for m in measures
    ]


SECTION = CaseSection(
    key="measures",
    order=50,
    title=_l("Protection measures"),
    template="measures/_case_section.html",
    loader=load_section,
    pdf_template="measures/_pdf_section.html",
    pdf_rows=pdf_rows,
)
