from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from caseapp.cases.models import CaseStatus
from caseapp.consultations.models import Consultation, ConsultationChannel, ConsultationKind
from caseapp.db import db
from tests.records.world import World, audits


def _data(world: World, **over: Any) -> dict[str, Any]:
    data = {"held_at": "14/06/2026 09:30", "kind": "legal", "channel": "phone",
            "counselor_id": str(world.counselor_a.id), "duration_minutes": "45",
            "notes": "Chị kể chuyện riêng", "next_step": "", "follow_up_on": "20/06/2026"}
    data.update(over)
    return data


def _session(case_id: int, held: datetime, follow: date | None) -> Consultation:
    c = Consultation(case_id=case_id, held_at=held, kind=ConsultationKind.LEGAL,
                     channel=ConsultationChannel.PHONE, follow_up_on=follow)
    db.session.add(c)
    db.session.commit()
    return c


def test_create_stores_local_time_in_utc_and_encrypts_notes(world: World,
                                                             login_as: Any) -> None:
    c = login_as(world.counselor_a)
    assert c.post(f"/consultations/new/{world.case.id}", data=_data(world)).status_code == 302
    row = db.session.scalar(sa.select(Consultation))
    assert row.held_at == datetime(2026, 6, 14, 2, 30, tzinfo=UTC)
    assert row.counselor_id == world.counselor_a.id and row.duration_minutes == 45
    raw = db.session.execute(sa.text("SELECT notes FROM consultations")).scalar_one()
    assert "riêng" not in raw
    (entry,) = audits("consultation.create")
    assert entry.unit_id == world.a.id and "notes" in entry.summary


def test_invalid_input_writes_nothing(world: World, login_as: Any) -> None:
    c = login_as(world.counselor_a)
    for bad in ({"held_at": "16/06/2026 09:00"}, {"notes": "x" * 10001},
                {"held_at": "31/02/2026 09:00"}, {"duration_minutes": "0"},
                {"counselor_id": str(world.counselor_b.id + 1000)}):
        resp = c.post(f"/consultations/new/{world.case.id}", data=_data(world, **bad))
        assert resp.status_code == 400, bad
    assert db.session.scalar(sa.select(sa.func.count(Consultation.id))) == 0


def test_stale_edit_is_refused(world: World, login_as: Any) -> None:
    c = login_as(world.counselor_a)
    c.post(f"/consultations/new/{world.case.id}", data=_data(world))
    row = db.session.scalar(sa.select(Consultation))
    v = row.version
    assert c.post(f"/consultations/{row.id}/edit",
                  data=_data(world, version=v, duration_minutes="60")).status_code == 302
    stale = c.post(f"/consultations/{row.id}/edit",
                   data=_data(world, version=v, duration_minutes="90"))
    assert stale.status_code == 409
    db.session.expire_all()
    assert db.session.get(Consultation, row.id).duration_minutes == 60


def test_followups_due_this_week_and_overdue(world: World, make: Any, login_as: Any) -> None:
    # Today is Monday 15/06/2026; the week ends on Sunday 21/06.
    case2, case3, case4 = (make.case(world.a) for _ in range(3))
    closed = make.case(world.a, status=CaseStatus.CLOSED)
    _session(world.case.id, datetime(2026, 6, 1, tzinfo=UTC), date(2026, 6, 10))  # overdue
    _session(case2.id, datetime(2026, 6, 1, tzinfo=UTC), date(2026, 6, 21))  # this week
    _session(case3.id, datetime(2026, 6, 1, tzinfo=UTC), date(2026, 6, 22))  # next week
    _session(case4.id, datetime(2026, 6, 1, tzinfo=UTC), date(2026, 6, 5))
    _session(case4.id, datetime(2026, 6, 8, tzinfo=UTC), None)  # followed up already
    _session(closed.id, datetime(2026, 6, 1, tzinfo=UTC), date(2026, 6, 5))
    html = login_as(world.supervisor_d).get(
        "/consultations/followups?mine=0").get_data(as_text=True)
    assert world.case.code in html and case2.code in html
    assert case3.code not in html and case4.code not in html and closed.code not in html
    assert html.count("tag-overdue") == 1
    other = login_as(world.supervisor_b).get(
        "/consultations/followups?mine=0").get_data(as_text=True)
    assert world.case.code not in other
