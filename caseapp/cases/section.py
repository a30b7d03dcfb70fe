"""The case's own data and its closure in the PDF summary. The case page shows both in
its header, status block and timeline instead."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from caseapp.auth.models import User
from caseapp.cases.models import Case, CaseEvent
from caseapp.db import db
from caseapp.i18n import format_date, format_datetime
from caseapp.labels import label
from caseapp.records.section import CaseSection, EventRow, Fact, state_change


def case_rows(case: Case, identifying: bool) -> list[Fact]:
    counselor = case.counselor.full_name if case.counselor is not None else ""
    facts = [
        Fact(_("Category"), label(case.category)),
        Fact(_("Status"), label(case.status)),
        Fact(_("Detected on"), format_date(case.detected_on)),
        Fact(_("Opened on"), format_date(case.opened_on)),
        Fact(_("Intake channel"), label(case.intake_channel)),
        Fact(_("Referred by"), label(case.referring_source)),
        Fact(_("Current risk"), label(case.current_risk)),
        Fact(_("Counselor"), counselor),
    ]
    if case.victim_status is not None:
        facts.insert(1, Fact(_("Victim status"), label(case.victim_status)))
    if case.age_at_detection is not None:
        facts.append(Fact(_("Age at detection"), str(case.age_at_detection)))
    facts.append(Fact(_("Summary"), case.summary or ""))
    return facts


def closure_rows(case: Case, identifying: bool) -> dict[str, Any]:
    actor = aliased(User)
    events = [
        EventRow(
            format_datetime(ev.at),
            state_change(ev.from_status, ev.to_status),
            name or "",
            ev.comment or "",
        )
        for ev, name in db.session.execute(
            sa.select(CaseEvent, actor.full_name)
            .outerjoin(actor, actor.id == CaseEvent.user_id)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.at, CaseEvent.id)
        )
    ]
    facts = [Fact(_("Status"), label(case.status))]
    if case.closed_on is not None:
        facts.append(Fact(_("Closed on"), format_date(case.closed_on)))
    if case.closure_reason:
        facts.append(Fact(_("Reason for closure"), case.closure_reason))
    return {"facts": facts, "events": events}


CASE_SECTION = CaseSection(
    key="case",
    order=20,
    title=_l("Case data"),
    pdf_template="cases/_pdf_section.html",
    pdf_rows=case_rows,
)

CLOSURE_SECTION = CaseSection(
    key="closure",
    order=110,
    title=_l("Closure and status history"),
    pdf_template="cases/_pdf_closure.html",
    pdf_rows=closure_rows,
)
