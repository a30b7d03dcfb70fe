"""A referral's unit is its case's, enforced by the database: worklists, badges and the
access layer find referrals by that unit, so it must follow the case wherever it goes."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from caseapp.cases import services as cases
from caseapp.cases.models import Case
from caseapp.db import db
from caseapp.referrals.models import Referral, ReferralState


def _stored_unit(referral_id: int) -> int:
    return db.session.scalar(sa.select(Referral.unit_id).where(Referral.id == referral_id))


def test_moving_a_case_moves_its_referrals(world: Any, login_as: Any) -> None:
    submitted = world.referral(ReferralState.SUBMITTED)
    draft = world.referral(ReferralState.DRAFT)
    ids = (submitted.id, draft.id)
    supervisor = world.make.user("supervisor", world.root, username="sup_root")
    case = db.session.get(Case, world.case.id)
    data = cases.CaseData(unit_id=world.b.id, category=case.category,
                          detected_on=case.detected_on, opened_on=case.opened_on,
                          victim_status=case.victim_status, summary=case.summary)
    assert cases.update_case(case, data, case.version, supervisor) == ["unit_id"]
    db.session.commit()
    db.session.expire_all()

    assert [_stored_unit(i) for i in ids] == [world.b.id, world.b.id]
    # The new unit sees the referrals; the old one no longer does.
    new_side, old_side = login_as(world.counselor_b), login_as(world.counselor)
    for referral_id in ids:
        assert new_side.get(f"/referrals/{referral_id}").status_code == 200
        assert old_side.get(f"/referrals/{referral_id}").status_code == 404
    # The submitted one waits for the review of the new unit's supervisor.
    def review(user: Any) -> str:
        return login_as(user).get("/referrals/review").get_data(as_text=True)

    assert world.case.code in review(world.supervisor_b)
    assert world.case.code not in review(world.supervisor)


def test_a_referral_cannot_name_another_unit_than_its_case(world: Any) -> None:
    referral = world.referral(ReferralState.DRAFT)
    with pytest.raises(IntegrityError):
        db.session.execute(sa.update(Referral).where(Referral.id == referral.id)
                           .values(unit_id=world.b.id)
                           .execution_options(synchronize_session=False))
    db.session.rollback()
    assert _stored_unit(referral.id) == world.a.id
