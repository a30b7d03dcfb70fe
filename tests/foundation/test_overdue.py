"""When something is overdue: each rule in SQL and, where used, in Python."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from caseapp.cases.models import Case, CaseStatus
from caseapp.complaints.models import (
    Complaint,
    ComplaintStatus,
    ComplaintSubject,
    SenderRelation,
)
from caseapp.db import db
from caseapp.overdue import (
    case_overdue,
    complaint_is_overdue,
    complaint_overdue,
    referral_follow_up_due,
    week_end,
)
from caseapp.referrals.models import Referral, ReferralState

TODAY = date(2026, 6, 15)  # the tests' clock: a Monday


def test_week_end_is_the_sunday() -> None:
    assert week_end(TODAY) == date(2026, 6, 21)
    assert week_end(date(2026, 6, 21)) == date(2026, 6, 21)


def test_referral_follow_up_overdue_only_while_open(app, make) -> None:
    unit = make.unit()
    case = make.case(unit)
    late_open = make.referral(case, ReferralState.SENT)
    late_done = make.referral(case, ReferralState.RECEIVED)
    on_time = make.referral(case, ReferralState.SENT)
    late_open.follow_up_on = late_done.follow_up_on = TODAY - timedelta(days=1)
    on_time.follow_up_on = TODAY
    db.session.commit()
    overdue = set(db.session.scalars(sa.select(Referral.id).where(referral_follow_up_due())))
    assert overdue == {late_open.id}
    due_this_week = set(db.session.scalars(
        sa.select(Referral.id).where(referral_follow_up_due(on_or_before=week_end(TODAY)))))
    assert due_this_week == {late_open.id, on_time.id}


def test_petition_overdue_until_answered(app, make) -> None:
    unit = make.unit()
    rows = []
    for status, deadline in ((ComplaintStatus.RECEIVED, TODAY - timedelta(days=1)),
                             (ComplaintStatus.ANSWERED, TODAY - timedelta(days=1)),
                             (ComplaintStatus.RECEIVED, TODAY)):
        c = Complaint(code=f"DT.{len(rows)}", unit_id=unit.id, received_on=TODAY - timedelta(20),
                      deadline_on=deadline, status=status, sender_relation=SenderRelation.VICTIM,
                      subject=ComplaintSubject.DV)
        db.session.add(c)
        rows.append(c)
    db.session.commit()
    in_sql = set(db.session.scalars(sa.select(Complaint.id).where(complaint_overdue())))
    in_python = {c.id for c in rows if complaint_is_overdue(c)}
    assert in_sql == in_python == {rows[0].id}


def test_case_overdue_by_referral_or_consultation_unless_closed(app, make) -> None:
    unit = make.unit()
    by_referral = make.case(unit)
    r = make.referral(by_referral, ReferralState.SENT)
    r.follow_up_on = TODAY - timedelta(days=2)
    by_consultation = make.case(unit, follow_up_due_on=TODAY - timedelta(days=1))
    closed = make.case(unit, status=CaseStatus.CLOSED, follow_up_due_on=TODAY - timedelta(days=1))
    make.case(unit, follow_up_due_on=TODAY)
    db.session.commit()
    overdue = set(db.session.scalars(sa.select(Case.id).where(case_overdue())))
    assert overdue == {by_referral.id, by_consultation.id}
    assert closed.id not in overdue
