"""Recording a danger assessment and keeping Case.current_risk in step."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import ColumnElement

from caseapp.access import in_scope
from caseapp.auth.models import User
from caseapp.cases.models import Case, CaseStatus, RiskLevel
from caseapp.clock import now
from caseapp.db import db
from caseapp.records.common import audit_case_record
from caseapp.risk.models import RiskAssessment
from caseapp.risk.scoring import ITEMS, ITEMS_BY_KEY, score_answers


def assess(case: Case, answers: Iterable[str], note: str | None, user: User | None
           ) -> RiskAssessment:
    """Record an assessment; the newest one sets the case's current risk. Caller commits."""
    keys = [i.key for i in ITEMS if i.key in set(answers)]
    unknown = set(answers) - set(ITEMS_BY_KEY)
    if unknown:
        raise ValueError("unknown risk items")
    score, level = score_answers(keys)
    cases = Case.__table__
    # Take the case row's lock before the assessment gets its id and time: two assessments
    # saved at once then get ids in the order they set the current risk, so the newest one
    # is always the one the case shows.
    db.session.execute(sa.select(cases.c.id).where(cases.c.id == case.id).with_for_update())
    ra = RiskAssessment(case_id=case.id, assessed_at=now(),
                        assessed_by_id=getattr(user, "id", None), answers=",".join(keys),
                        score=score, level=level, note=note or None)
    db.session.add(ra)
    previous = case.current_risk
    # A plain UPDATE of this one column, outside the case's optimistic lock: an assessment
    # is a record of its own and must not be refused, nor refuse an edit of the case form,
    # because someone else saved the case meanwhile (the form does not hold this column).
    db.session.execute(sa.update(cases).where(cases.c.id == case.id)
                       .values(current_risk=level))
    set_committed_value(case, "current_risk", level)
    db.session.flush()
    fields = ["answers", "score", "level"] + (["note"] if note else [])
    extra = f"level {level.value}"
    if previous != level:
        extra += f" (was {previous.value if previous else 'none'})"
    audit_case_record("risk.create", "risk_assessment", ra.id, case, fields, extra)
    return ra


def high_risk_condition(user: User | None = None) -> ColumnElement[bool]:
    return sa.and_(Case.current_risk == RiskLevel.HIGH, Case.status != CaseStatus.CLOSED,
                   in_scope(Case.unit_id, user))


def high_risk_count_query(user: User | None = None) -> sa.Select[Any]:
    return sa.select(sa.func.count(Case.id)).where(high_risk_condition(user))


def high_risk_count(user: User | None = None) -> int:
    return db.session.scalar(high_risk_count_query(user)) or 0
