"""Two supervisors acting on the same referral at the same moment: one action is taken, the
other is refused with the conflict page, and the history records the action once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.audit.models import AuditEntry
from caseapp.audit.services import verify_chain
from caseapp.db import db
from caseapp.referrals import workflow
from caseapp.referrals.models import Referral, ReferralEvent
from caseapp.referrals.models import ReferralState as S
from tests.concurrency import WAIT_SECONDS, run_at_once


@pytest.mark.parametrize("meet", ["at_request", "after_loading"])
def test_two_approvals_at_once_approve_once(world: Any, login_as: Any, monkeypatch: Any,
                                            meet: str) -> None:
    r = world.referral(S.SUBMITTED)
    other = world.make.user("supervisor", world.a)
    first, second = login_as(world.supervisor), login_as(other)
    if meet == "after_loading":
        # Both requests hold the submitted referral before either writes: only the
        # database's versioned UPDATE tells them apart.
        both_loaded = threading.Barrier(2)
        real = workflow.apply_transition

        def apply_when_both_loaded(*args: Any, **kw: Any) -> Referral:
            both_loaded.wait(timeout=WAIT_SECONDS)
            return real(*args, **kw)

        monkeypatch.setattr(workflow, "apply_transition", apply_when_both_loaded)
    url = f"/referrals/{r.id}/action/approve"
    data = {"approve-comment": "Đồng ý"}
    results = run_at_once([lambda: first.post(url, data=data),
                           lambda: second.post(url, data=data)])
    assert sorted(getattr(r, "status_code", r) for r in results) == [302, 409]
    (refused,) = [x for x in results if x.status_code == 409]
    html = refused.get_data(as_text=True)
    assert "Traceback" not in html
    if meet == "after_loading":
        # Vietnamese, the default locale: the one stale-edit message, "someone else changed
        # this record meanwhile".
        assert "Người khác đã thay đổi bản ghi này trong lúc bạn đang sửa" in html
    db.session.expire_all()
    assert db.session.get_one(Referral, r.id).state == S.APPROVED
    events = db.session.scalars(sa.select(ReferralEvent).where(
        ReferralEvent.referral_id == r.id, ReferralEvent.to_state == S.APPROVED)).all()
    assert len(events) == 1
    approvals = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.action == "referral.approve"))
    assert approvals == 1
    assert verify_chain()[1] is None
