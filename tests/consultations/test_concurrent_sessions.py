"""Sessions recorded on one case at the same moment are all kept, and the case's
follow-up date counts every one of them."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from caseapp.cases.models import Case
from caseapp.consultations import due
from caseapp.consultations.models import Consultation
from caseapp.db import db
from tests.concurrency import run_at_once
from tests.records.world import World


def _form(world: World, held: str, follow_up: str) -> dict[str, str]:
    return {"held_at": held, "kind": "legal", "channel": "phone",
            "counselor_id": str(world.counselor_a.id), "duration_minutes": "30",
            "notes": "", "next_step": "", "follow_up_on": follow_up}


def test_two_sessions_at_once_are_both_kept(world: World, make: Any, login_as: Any) -> None:
    other = make.user("counselor", world.a)
    first, second = login_as(world.counselor_a), login_as(other)
    url = f"/consultations/new/{world.case.id}"
    earlier = _form(world, "10/06/2026 09:00", "17/06/2026")
    later = _form(world, "12/06/2026 09:00", "26/06/2026")
    results = run_at_once([lambda: first.post(url, data=earlier),
                           lambda: second.post(url, data=later)])
    assert [getattr(r, "status_code", r) for r in results] == [302, 302]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consultation)) == 2
    db.session.expire_all()
    # The later session's follow-up, whichever transaction committed last.
    assert db.session.get_one(Case, world.case.id).follow_up_due_on == date(2026, 6, 26)
    due.refresh_all(db.session.connection())
    assert db.session.get_one(Case, world.case.id).follow_up_due_on == date(2026, 6, 26)
