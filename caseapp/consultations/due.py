"""A case's next follow-up date, kept on the case.

A consultation's follow-up is pending while no later consultation was held on the case (the
next session is the follow-up). ``cases.follow_up_due_on`` holds the earliest follow-up date
among the case's pending follow-ups, or NULL: a case has a follow-up due by day D exactly
when that date is on or before D. Lists, badges and the overdue filter find due follow-ups
through it (an index) instead of testing every consultation of every open case.

It is recomputed in the same transaction whenever a consultation is written through the
ORM (a flush hook), and for every case after a bulk load.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from caseapp.cases.models import Case
from caseapp.consultations.models import Consultation

_cases = Case.__table__
_consultations = Consultation.__table__


def _due_per_case() -> sa.Subquery:
    """Per case with a pending follow-up: the earliest pending follow-up date."""
    c = _consultations.c
    ranked = sa.select(
        c.case_id, c.follow_up_on, c.held_at,
        sa.func.max(c.held_at).over(partition_by=c.case_id).label("last_held"),
    ).subquery("ranked")
    return (
        sa.select(ranked.c.case_id, sa.func.min(ranked.c.follow_up_on).label("due"))
        .where(ranked.c.held_at == ranked.c.last_held, ranked.c.follow_up_on.is_not(None))
        .group_by(ranked.c.case_id)
        .subquery("due")
    )


def refresh(conn: Connection, case_ids: Iterable[int]) -> None:
    """Recompute the date of these cases."""
    ids = sorted(set(case_ids))
    if not ids:
        return
    # Lock the cases first: the recomputation below then runs in a new statement that sees
    # every consultation committed by a concurrent writer of the same case. FOR NO KEY
    # UPDATE, not FOR UPDATE: the new consultation's foreign key already holds a key-share
    # lock on the case, and two writers each holding one would deadlock on FOR UPDATE.
    conn.execute(sa.select(_cases.c.id).where(_cases.c.id.in_(ids))
                 .with_for_update(key_share=True))
    later = _consultations.alias("later")
    c = _consultations.c
    pending = sa.select(sa.func.min(c.follow_up_on)).where(
        c.case_id == _cases.c.id, c.follow_up_on.is_not(None),
        ~sa.exists().where(later.c.case_id == c.case_id, later.c.held_at > c.held_at),
    ).scalar_subquery()
    conn.execute(sa.update(_cases).where(_cases.c.id.in_(ids))
                 .values(follow_up_due_on=pending))


def refresh_all(conn: Connection) -> None:
    """Recompute the date of every case, in two set-based statements (after a bulk load)."""
    due = _due_per_case()
    conn.execute(sa.update(_cases).where(_cases.c.follow_up_due_on.is_not(None))
                 .values(follow_up_due_on=None))
    conn.execute(sa.update(_cases).where(_cases.c.id == due.c.case_id)
                 .values(follow_up_due_on=due.c.due))


def _written_cases(session: Session) -> set[int]:
    ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Consultation):
            history = sa.inspect(obj).attrs.case_id.history
            ids.update(v for v in (*history.added, *history.unchanged, *history.deleted)
                       if v is not None)
    return ids


def _after_flush(session: Session, _context: Any) -> None:
    ids = _written_cases(session)
    if ids:
        refresh(session.connection(), ids)


sa.event.listen(Session, "after_flush", _after_flush)
