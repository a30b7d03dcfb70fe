"""Incidents on the case page and in the PDF summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from caseapp.cases.models import Case
from caseapp.db import db
from caseapp.i18n import format_date
from caseapp.incidents.forms import act_group
from caseapp.incidents.models import Incident
from caseapp.labels import label
from caseapp.records.section import CaseSection, Fact


def load_section(case: Case) -> dict[str, Any]:
    # Acts and perpetrators come by selectin loading: three queries whatever the count.
    incidents = db.session.scalars(
        sa.select(Incident).where(Incident.case_id == case.id)
        .order_by(Incident.occurred_on.desc().nulls_last(), Incident.id.desc())
    ).all()
    return {"incidents": incidents, "act_group": act_group}


@dataclass(frozen=True)
class IncidentRow:
    occurred_on: str
    place: str
    gbv_type: str
    acts: list[str]
    perpetrators: list[str]
    trafficking: list[Fact]
    narrative: str


def pdf_rows(case: Case, identifying: bool) -> list[IncidentRow]:
    # acts and perpetrators are selectin relationships: two more queries for all incidents.
    incidents = db.session.scalars(
        sa.select(Incident)
        .where(Incident.case_id == case.id)
        .order_by(Incident.occurred_on.asc().nulls_first(), Incident.id)
    ).all()
    rows = []
    for inc in incidents:
        perpetrators = []
        for p in inc.perpetrators:
            extra = ", ".join(v for v in (label(p.sex), label(p.age_group)) if v)
            perpetrators.append(
                f"{label(p.relationship_)} ({extra})" if extra else label(p.relationship_)
            )
        trafficking = []
        if inc.trafficking_purpose is not None or inc.trafficking_scope is not None:
            trafficking = [
                Fact(_("Trafficking purpose"), label(inc.trafficking_purpose)),
                Fact(_("Scope"), label(inc.trafficking_scope)),
                Fact(_("Destination country"), inc.destination_country or ""),
                Fact(_("Returned on"), format_date(inc.returned_on)),
            ]
        rows.append(
            IncidentRow(
                occurred_on=format_date(inc.occurred_on),
                place=label(inc.place_type),
                gbv_type=label(inc.gbv_type),
                acts=sorted(label(a.act) for a in inc.acts),
                perpetrators=perpetrators,
                trafficking=trafficking,
                narrative=inc.narrative or "",
            )
        )
    return rows


SECTION = CaseSection(
    key="incidents",
    order=30,
    title=_l("Incidents"),
    template="incidents/_case_section.html",
    loader=load_section,
    pdf_template="incidents/_pdf_section.html",
    pdf_rows=pdf_rows,
)
