"""Consultations of a case and the follow-ups due."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import Select

from caseapp.access import in_scope
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.clock import today
from caseapp.consultations.models import Consultation
from caseapp.db import db
from caseapp.overdue import consultation_follow_up_pending, week_end
from caseapp.paging import ASC, Sort
from caseapp.records.common import apply_changes, audit_case_record, check_version

FIELDS = ("held_at", "kind", "channel", "counselor_id", "duration_minutes", "notes",
          "next_step", "follow_up_on")


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: values.get(k) for k in FIELDS}
    for k in ("notes", "next_step"):
        out[k] = (out[k] or "").strip() or None
    return out


def save_consultation(case: Case, values: dict[str, Any],
                      consultation: Consultation | None = None,
                      version: str | int | None = None) -> Consultation:
    """Create (``consultation`` None) or update a consultation and audit it. Caller commits."""
    clean = _clean(values)
    creating = consultation is None
    if consultation is None:
        consultation = Consultation(case_id=case.id, **clean)
        db.session.add(consultation)
        changed = [k for k, v in clean.items() if v is not None]
    else:
        check_version(consultation, version)
        changed = apply_changes(consultation, clean)
    db.session.flush()
    audit_case_record("consultation.create" if creating else "consultation.update",
                      "consultation", consultation.id, case, changed)
    return consultation


# The follow-up list's sort keys: only these reach ORDER BY.
FOLLOWUP_SORTS: dict[str, Any] = {
    "follow_up": Consultation.follow_up_on, "case": Case.code, "held": Consultation.held_at,
}
FOLLOWUP_DEFAULT_SORT = Sort("follow_up", ASC)


def followups_query(user: User | None = None, counselor_id: int | None = None,
                    sort: Sort = FOLLOWUP_DEFAULT_SORT) -> Select[Any]:
    """Follow-ups due by the end of this week (overdue included), in the user's scope.

    A follow-up is pending while no later consultation was held on the same case and the
    case is not closed: the next session is the follow-up.
    """
    q = (
        sa.select(Consultation.id, Consultation.case_id, Consultation.follow_up_on,
                  Consultation.held_at, Consultation.kind, Case.code, User.full_name)
        .join(Case, Case.id == Consultation.case_id)
        .outerjoin(User, User.id == Consultation.counselor_id)
        .where(*_pending_followup(user, counselor_id))
        .order_by(*sort.order_by(FOLLOWUP_SORTS, Consultation.id))
    )
    return q


def _pending_followup(user: User | None, counselor_id: int | None
                      ) -> list[sa.ColumnElement[bool]]:
    due_by = week_end(today())
    conditions = [
        # The cases with a follow-up due (consultations/due.py), found through the index;
        # the conditions below pick their consultations.
        Case.follow_up_due_on <= due_by,
        Consultation.follow_up_on <= due_by,
        *consultation_follow_up_pending(),
        in_scope(Case.unit_id, user),
    ]
    if counselor_id is not None:
        conditions.append(Consultation.counselor_id == counselor_id)
    return conditions


def followups_due_count_query(user: User | None = None, counselor_id: int | None = None
                              ) -> Select[Any]:
    # The count reads no column it does not test, so the database answers it from the
    # indexes of cases and consultations.
    return (sa.select(sa.func.count()).select_from(Consultation)
            .join(Case, Case.id == Consultation.case_id)
            .where(*_pending_followup(user, counselor_id)))


def followups_due_count(user: User | None = None, counselor_id: int | None = None) -> int:
    return db.session.scalar(followups_due_count_query(user, counselor_id)) or 0
