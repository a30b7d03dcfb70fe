"""When something is overdue: referral and consultation follow-ups, petitions, cases.

Each rule is a SQL condition (lists, filters, badges and counts select with it) and, where a
page asks about one loaded record, the same rule in Python.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement

from caseapp.cases.models import Case, CaseStatus
from caseapp.clock import today
from caseapp.complaints.models import Complaint, ComplaintStatus
from caseapp.consultations.models import Consultation
from caseapp.referrals.models import Referral
from caseapp.referrals.states import OPEN_STATES

# A petition is done once answered or closed: its deadline no longer runs.
COMPLAINT_DONE = frozenset({ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED})


def week_end(day: date) -> date:
    """The Sunday ending the week of ``day`` (weeks run Monday to Sunday)."""
    return day + timedelta(days=6 - day.weekday())


def referral_follow_up_due(before: date | None = None, *, on_or_before: date | None = None
                           ) -> ColumnElement[bool]:
    """A referral still open whose follow-up date is before ``before`` (overdue: before
    today), or on or before ``on_or_before`` (due by then)."""
    cond = Referral.follow_up_on < (before or today()) if on_or_before is None \
        else Referral.follow_up_on <= on_or_before
    return sa.and_(Referral.state.in_(OPEN_STATES), cond)


def consultation_follow_up_pending() -> list[ColumnElement[bool]]:
    """A consultation's follow-up is pending while the case is open and no later
    consultation was held on it (the next session is the follow-up). The cases carry the
    earliest pending date in ``follow_up_due_on`` (consultations/due.py) for indexed lists."""
    later = aliased(Consultation)
    return [
        Consultation.follow_up_on.is_not(None),
        Case.status != CaseStatus.CLOSED,
        ~sa.exists().where(later.case_id == Consultation.case_id,
                           later.held_at > Consultation.held_at),
    ]


def complaint_overdue(on: date | None = None) -> ColumnElement[bool]:
    return sa.and_(Complaint.deadline_on < (on or today()),
                   Complaint.status.not_in(COMPLAINT_DONE))


def complaint_is_overdue(c: Complaint, on: date | None = None) -> bool:
    return c.deadline_on < (on or today()) and c.status not in COMPLAINT_DONE


def case_overdue(on: date | None = None) -> ColumnElement[bool]:
    """An open case with a referral follow-up or a consultation follow-up past its date."""
    on = on or today()
    referral = sa.exists().where(Referral.case_id == Case.id, referral_follow_up_due(on))
    # The case carries its earliest pending consultation follow-up (consultations/due.py).
    consultation = Case.follow_up_due_on < on
    return sa.and_(Case.status != CaseStatus.CLOSED, sa.or_(consultation, referral))
