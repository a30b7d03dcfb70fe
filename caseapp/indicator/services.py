"""Scope, operational counts, the worklist and the indicator settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import abort

from caseapp.access import report_unit_ids
from caseapp.audit import services as audit
from caseapp.auth.models import User
from caseapp.cases.models import Case, CaseStatus, RiskLevel
from caseapp.clients.models import Client, Sex
from caseapp.clock import today
from caseapp.complaints.models import Complaint
from caseapp.consultations.models import Consultation
from caseapp.db import db
from caseapp.indicator.queries import (
    PENDING_STATES,
    in_subtree,
    qualifying_cases,
    received_condition,
    term_period,
)
from caseapp.overdue import (
    complaint_overdue,
    consultation_follow_up_pending,
    referral_follow_up_due,
)
from caseapp.paging import Page, page_of
from caseapp.policy import allowed
from caseapp.referrals.models import Referral, ReferralState, ServiceType
from caseapp.settings.services import get_setting, set_setting
from caseapp.transaction import UserError
from caseapp.units.models import Unit
from caseapp.units.tree import subtree_of


def reportable_units(user: User) -> list[Unit]:
    """Units the user may pick for figures: their subtree, without merged units (their
    history is inside their successor's figures)."""
    return list(db.session.scalars(
        sa.select(Unit)
        .where(Unit.id.in_(report_unit_ids(user)), Unit.merged_into_id.is_(None))
        .order_by(Unit.path)
    ))


def resolve_unit(user: User, code: str | None) -> Unit:
    """The unit picked by code, or the user's own; 404 when outside the user's scope."""
    if not allowed("report.view", user):
        abort(404)
    if not code:
        return user.unit
    unit = db.session.scalar(
        sa.select(Unit).where(Unit.code == code, Unit.id.in_(report_unit_ids(user)))
    )
    if unit is None:
        abort(404)
    return unit


def term_to_date() -> tuple[date, date]:
    start, end = term_period()
    return start, max(start, min(end, today()))


def operational_counts(unit: Unit) -> dict[str, int]:
    """Open cases, high-risk open cases, overdue petitions and overdue follow-ups in the
    unit's subtree, as of today, in one statement.

    A consultation's follow-up is overdue when its date has passed, the case is not closed
    and no later consultation was held on the case (the later one is the follow-up)."""
    day = today()
    units = subtree_of(unit)
    open_case = sa.and_(Case.unit_id.in_(units), Case.status != CaseStatus.CLOSED)
    stmt = sa.select(
        sa.select(sa.func.count()).select_from(Case).where(open_case)
        .scalar_subquery().label("open_cases"),
        sa.select(sa.func.count()).select_from(Case)
        .where(open_case, Case.current_risk == RiskLevel.HIGH)
        .scalar_subquery().label("high_risk"),
        sa.select(sa.func.count()).select_from(Complaint)
        .where(Complaint.unit_id.in_(units), complaint_overdue(day))
        .scalar_subquery().label("overdue_petitions"),
        sa.select(sa.func.count()).select_from(Referral)
        .where(Referral.unit_id.in_(units), referral_follow_up_due(day))
        .scalar_subquery().label("overdue_referrals"),
        sa.select(sa.func.count()).select_from(Consultation)
        .join(Case, Case.id == Consultation.case_id)
        .where(open_case, Consultation.follow_up_on < day, *consultation_follow_up_pending())
        .scalar_subquery().label("overdue_consultations"),
    )
    row = db.session.execute(stmt).one()
    return {k: int(v or 0) for k, v in row._mapping.items()}


# --- worklist ------------------------------------------------------------------------


@dataclass
class WorklistEntry:
    client_id: int
    client_code: str
    first_detected: date
    cases: list[tuple[int, str]] = field(default_factory=list)  # (case id, case code)
    pending: list[dict[str, Any]] = field(default_factory=list)  # case code, service, state


class Worklist(Page[WorklistEntry]):
    """A page of the worklist; its rows are called entries on the screen."""

    @property
    def entries(self) -> list[WorklistEntry]:
        return self.items


def worklist(unit: Unit, page: int = 1, per_page: int = 25) -> Worklist:
    """Detected victims of the term (the indicator's denominator for ``unit`` and the term,
    as of today) who have received no counting service yet, oldest detection first.
    Two statements: the page of clients with the total, then their cases with pending
    referrals. Past the end, the last page."""
    start, end = term_period()
    page = max(1, page)
    qc = qualifying_cases(unit, start, end, women_only=False).cte("qc")
    # Clients with a counting service received by today on one of their qualifying cases
    # (the indicator's numerator, before the sex test): read from the subtree's received
    # referrals alone.
    served = (
        sa.select(qc.c.client_id)
        .join(Referral, Referral.case_id == qc.c.case_id)
        .join(ServiceType, ServiceType.id == Referral.service_type_id)
        .where(received_condition(today()), in_subtree(Referral.unit_id, unit))
    )
    per_client = (
        sa.select(qc.c.client_id, sa.func.min(qc.c.detected_on).label("first_detected"))
        .where(qc.c.client_id.not_in(served))
        .group_by(qc.c.client_id)
        .subquery("pc")
    )
    # Every case of a client has the client's sex, so it is checked once per client still
    # waiting instead of once per qualifying case: the same clients, far fewer lookups.
    waiting = (
        sa.select(per_client.c.client_id, per_client.c.first_detected)
        .join(Client, Client.id == per_client.c.client_id)
        .where(Client.sex == Sex.FEMALE)
    )

    def fetch(limit: int, offset: int) -> tuple[list[WorklistEntry], int]:
        page_rows = (
            waiting.add_columns(sa.func.count().over().label("total"))
            .order_by(per_client.c.first_detected, per_client.c.client_id)
            .limit(limit).offset(offset)
            .subquery("waiting")
        )
        rows = db.session.execute(
            sa.select(page_rows.c.client_id, page_rows.c.first_detected, page_rows.c.total,
                      Client.code)
            .join(Client, Client.id == page_rows.c.client_id)
            .order_by(page_rows.c.first_detected, page_rows.c.client_id)
        ).all()
        return ([WorklistEntry(r.client_id, r.code, _d(r.first_detected)) for r in rows],
                int(rows[0].total) if rows else 0)

    def count() -> int:
        return int(db.session.scalar(
            sa.select(sa.func.count()).select_from(waiting.subquery())) or 0)

    found = page_of(fetch, count, page, per_page)
    entries = {e.client_id: e for e in found.items}
    if entries:
        qc = (qualifying_cases(unit, start, end, women_only=False)
              .where(Case.client_id.in_(list(entries))).subquery("qc"))
        detail = db.session.execute(
            sa.select(qc.c.client_id, qc.c.case_id, Case.code, qc.c.detected_on,
                      Referral.id.label("referral_id"), Referral.state,
                      ServiceType.label_vi, ServiceType.label_en)
            .join(Case, Case.id == qc.c.case_id)
            .outerjoin(Referral, sa.and_(Referral.case_id == qc.c.case_id,
                                         Referral.state.in_(PENDING_STATES)))
            .outerjoin(ServiceType, ServiceType.id == Referral.service_type_id)
            .order_by(qc.c.detected_on, qc.c.case_id, Referral.id)
        ).all()
        for d in detail:
            e = entries[d.client_id]
            if (d.case_id, d.code) not in e.cases:
                e.cases.append((d.case_id, d.code))
            if d.referral_id is not None:
                e.pending.append({"case_code": d.code, "state": ReferralState(d.state),
                                  "label_vi": d.label_vi, "label_en": d.label_en})
    return Worklist(found.items, found.total, found.page, per_page)


def _d(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# --- settings ------------------------------------------------------------------------


def update_indicator_settings(target: float, term_start: date, term_end: date,
                              counting_ids: set[int], threshold: int) -> list[str]:
    """Stage the indicator settings and audit the names of what changed; the caller
    commits."""
    from flask_babel import gettext as _

    if not 0 < target <= 1:
        raise UserError(_("The target must be between 0 and 100 percent."))
    if term_end < term_start:
        raise UserError(_("The term cannot end before it starts."))
    if not 0 <= threshold <= 100:
        raise UserError(_("The threshold must be between 0 and 100."))
    changed: list[str] = []
    new_values: dict[str, Any] = {
        "indicator_target": round(float(target), 4),
        "term_start": term_start.isoformat(),
        "term_end": term_end.isoformat(),
        "small_cell_threshold": int(threshold),
    }
    for key, value in new_values.items():
        if get_setting(key) != value:
            set_setting(key, value)
            changed.append(key)
    switched = 0
    for st in db.session.scalars(sa.select(ServiceType)):
        wanted = st.id in counting_ids
        if st.counts_toward_indicator != wanted:
            st.counts_toward_indicator = wanted
            switched += 1
    if switched:
        changed.append(f"counting_service_types({switched})")
    if changed:
        audit.record("indicator.settings_update", object_type="setting",
                     summary="changed=" + ",".join(changed))
    return changed


def record_worklist_view(unit: Unit, wl: Worklist) -> None:
    """The worklist names people: each page shown is audited."""
    audit.record("indicator.worklist_view", object_type="unit", object_id=unit.id,
                 unit_id=unit.id,
                 summary=f"unit={unit.code} page={wl.page} rows={len(wl.entries)}")
