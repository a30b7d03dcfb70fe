"""cases.follow_up_due_on: the earliest pending follow-up, recomputed with every write."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from caseapp.cases.models import Case
from caseapp.consultations import due
from caseapp.consultations.models import Consultation, ConsultationChannel, ConsultationKind
from caseapp.db import db
from tests.records.world import World


def _due(case_id: int) -> date | None:
    return db.session.scalar(sa.select(Case.follow_up_due_on).where(Case.id == case_id))


def _session(case_id: int, day: int, follow: date | None) -> Consultation:
    c = Consultation(case_id=case_id, held_at=datetime(2026, 6, day, 2, tzinfo=UTC),
                     kind=ConsultationKind.LEGAL, channel=ConsultationChannel.PHONE,
                     follow_up_on=follow)
    db.session.add(c)
    db.session.commit()
    return c


def test_the_date_follows_each_write(world: World) -> None:
    case_id = world.case.id
    assert _due(case_id) is None
    first = _session(case_id, 1, date(2026, 6, 8))
    assert _due(case_id) == date(2026, 6, 8)
    # A later session is the follow-up: the first one is no longer pending.
    second = _session(case_id, 8, None)
    assert _due(case_id) is None
    second.follow_up_on = date(2026, 6, 22)
    db.session.commit()
    assert _due(case_id) == date(2026, 6, 22)
    # Two sessions at the same time are both pending: the earlier date counts.
    _session(case_id, 8, date(2026, 6, 15))
    assert _due(case_id) == date(2026, 6, 15)
    # Moving the last sessions back in time makes the first one the latest again.
    first.held_at = datetime(2026, 6, 20, 2, tzinfo=UTC)
    db.session.commit()
    assert _due(case_id) == date(2026, 6, 8)
    db.session.delete(first)
    db.session.commit()
    assert _due(case_id) == date(2026, 6, 15)


def test_a_form_save_keeps_the_date(world: World, login_as: Any) -> None:
    data = {"held_at": "14/06/2026 09:30", "kind": "legal", "channel": "phone",
            "counselor_id": str(world.counselor_a.id), "duration_minutes": "45",
            "notes": "", "next_step": "", "follow_up_on": "20/06/2026"}
    c = login_as(world.counselor_a)
    assert c.post(f"/consultations/new/{world.case.id}", data=data).status_code == 302
    db.session.expire_all()
    assert _due(world.case.id) == date(2026, 6, 20)


def test_the_bulk_recomputation_agrees_with_the_per_case_one(world: World, make: Any) -> None:
    cases = [make.case(world.a) for _ in range(4)]
    _session(cases[0].id, 1, date(2026, 6, 9))
    _session(cases[0].id, 3, date(2026, 6, 12))
    _session(cases[1].id, 2, None)
    _session(cases[2].id, 5, date(2026, 6, 30))
    _session(cases[2].id, 5, date(2026, 6, 20))
    expected = {c.id: _due(c.id) for c in cases}
    assert expected == {cases[0].id: date(2026, 6, 12), cases[1].id: None,
                        cases[2].id: date(2026, 6, 20), cases[3].id: None}
    conn = db.session.connection()
    conn.execute(sa.update(Case.__table__).values(follow_up_due_on=date(2000, 1, 1)))
    due.refresh_all(conn)
    assert {c.id: _due(c.id) for c in cases} == expected
