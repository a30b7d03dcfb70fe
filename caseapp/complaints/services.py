"""Complaints and petitions (đơn thư): receipt, handling, status, deadlines."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from caseapp.access import in_scope
from caseapp.audit import services as audit
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.clock import now, today
from caseapp.codes import next_code
from caseapp.complaints.deadlines import add_working_days
from caseapp.complaints.models import Complaint, ComplaintHandling, ComplaintStatus
from caseapp.db import db
from caseapp.overdue import complaint_overdue
from caseapp.records.common import apply_changes, check_version
from caseapp.settings.services import get_setting
from caseapp.transaction import UserError
from caseapp.units.models import Unit

FIELDS = ("received_on", "sender_relation", "subject", "summary", "handling", "forwarded_to")

# received -> processing -> forwarded / answered -> closed (a forwarded one is answered or
# closed once the agency replies).
TRANSITIONS: dict[ComplaintStatus, tuple[ComplaintStatus, ...]] = {
    ComplaintStatus.RECEIVED: (ComplaintStatus.PROCESSING,),
    ComplaintStatus.PROCESSING: (ComplaintStatus.FORWARDED, ComplaintStatus.ANSWERED),
    ComplaintStatus.FORWARDED: (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED),
    ComplaintStatus.ANSWERED: (ComplaintStatus.CLOSED,),
    ComplaintStatus.CLOSED: (),
}


def deadline_for(received_on: Any) -> Any:
    return add_working_days(received_on, int(get_setting("complaint_deadline_days")),
                            get_setting("holidays") or [])


def overdue_count_query(user: User | None = None) -> sa.Select[Any]:
    return (sa.select(sa.func.count(Complaint.id))
            .where(complaint_overdue(), in_scope(Complaint.unit_id, user)))


def overdue_count(user: User | None = None) -> int:
    return db.session.scalar(overdue_count_query(user)) or 0


def find_case(code: str, user: User | None = None) -> Case | None:
    """A case in the user's scope by its exact code."""
    return db.session.scalar(
        sa.select(Case).where(Case.code == code.strip(), in_scope(Case.unit_id, user)))


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: values.get(k) for k in FIELDS}
    out["summary"] = (out["summary"] or "").strip() or None
    out["forwarded_to"] = (out["forwarded_to"] or "").strip() or None
    if out["handling"] != ComplaintHandling.FORWARDED:
        out["forwarded_to"] = None
    if out["received_on"] and out["received_on"] > today():
        raise UserError(_("This date cannot be in the future."), "received_on")
    return out


def _link(complaint: Complaint, case_code: str | None, user: User | None) -> bool:
    code = (case_code or "").strip()
    case_id = None
    if code:
        case = find_case(code, user)
        if case is None:
            raise UserError(_("No case with this code in your units."), "case_code")
        case_id = case.id
    if complaint.case_id != case_id:
        complaint.case_id = case_id
        return True
    return False


def _audit(action: str, c: Complaint, fields: list[str], extra: str = "") -> None:
    summary = c.code
    if fields:
        summary += "; fields: " + ", ".join(sorted(set(fields)))
    if extra:
        summary += "; " + extra
    audit.record(action, object_type="complaint", object_id=c.id, unit_id=c.unit_id,
                 summary=summary)


def create_complaint(unit: Unit, values: dict[str, Any], user: User | None,
                     case_code: str | None = None) -> Complaint:
    clean = _clean(values)
    c = Complaint(unit_id=unit.id, created_by_id=getattr(user, "id", None),
                  status=ComplaintStatus.RECEIVED, deadline_on=deadline_for(clean["received_on"]),
                  **clean)
    linked = _link(c, case_code, user)
    c.code = next_code("complaint", unit.code, clean["received_on"].year)
    db.session.add(c)
    db.session.flush()
    fields = [k for k, v in clean.items() if v is not None] + (["case_id"] if linked else [])
    _audit("complaint.create", c, fields)
    return c


def update_complaint(c: Complaint, values: dict[str, Any], user: User | None,
                     case_code: str | None, version: str | int | None) -> list[str]:
    check_version(c, version)
    clean = _clean(values)
    changed = apply_changes(c, clean)
    if _link(c, case_code, user):
        changed.append("case_id")
    if "received_on" in changed:
        c.deadline_on = deadline_for(c.received_on)
        changed.append("deadline_on")
    if changed:
        c.updated_at = now()
    db.session.flush()
    _audit("complaint.update", c, changed)
    return changed


def change_status(c: Complaint, status: ComplaintStatus, version: str | int | None) -> None:
    check_version(c, version)
    if status not in TRANSITIONS[c.status]:
        raise UserError(_("This status cannot follow the current one."), "status")
    if status == ComplaintStatus.FORWARDED and not (
            c.handling == ComplaintHandling.FORWARDED and c.forwarded_to):
        raise UserError(_("Record the agency it is forwarded to (handling) first."), "status")
    old = c.status
    c.status = status
    c.closed_on = today() if status == ComplaintStatus.CLOSED else None
    c.updated_at = now()
    db.session.flush()
    _audit("complaint.status", c, ["status"], f"{old.value} -> {status.value}")


def record_view(c: Complaint) -> None:
    """Audit that the complaint's page, with its confidential summary, was shown."""
    audit.record("complaint.view", object_type="complaint", object_id=c.id, unit_id=c.unit_id,
                 summary=c.code)
