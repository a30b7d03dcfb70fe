"""Every (state, action, role) combination, through the service and through a POST."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.db import db
from caseapp.referrals.models import Referral, ReferralEvent
from caseapp.referrals.models import ReferralState as S
from caseapp.referrals.workflow import TRANSITIONS, apply_transition
from caseapp.transaction import UserError

C, SUP = "counselor", "supervisor"
OPEN = {S.DRAFT, S.SUBMITTED, S.APPROVED, S.RETURNED, S.SENT, S.ACCEPTED}

# Written out from the issue, independently of the table in workflow.py:
# action -> (states it may start from, roles allowed, resulting state)
EXPECTED: dict[str, tuple[set[S], set[str], S]] = {
    "submit": ({S.DRAFT, S.RETURNED}, {C, SUP}, S.SUBMITTED),
    "approve": ({S.SUBMITTED}, {SUP}, S.APPROVED),
    "return": ({S.SUBMITTED}, {SUP}, S.RETURNED),
    "send": ({S.APPROVED}, {C, SUP}, S.SENT),
    "accept": ({S.SENT}, {C, SUP}, S.ACCEPTED),
    "refuse": ({S.SENT}, {C, SUP}, S.REFUSED),
    "receive": ({S.ACCEPTED}, {C, SUP}, S.RECEIVED),
    "not_receive": ({S.SENT, S.ACCEPTED}, {C, SUP}, S.NOT_RECEIVED),
    "cancel": (OPEN, {C, SUP}, S.CANCELLED),
}

INPUTS: dict[str, Any] = {
    "comment": "provider note",
    "on_date": date(2026, 6, 10),
    "not_received_reason": "unavailable",
}

CASES = [(state, action, role) for state in S for action in EXPECTED for role in (C, SUP)]


def test_the_workflow_table_offers_exactly_the_expected_actions() -> None:
    assert set(TRANSITIONS) == set(EXPECTED)


def _user(world: Any, role: str) -> Any:
    return world.counselor if role == C else world.supervisor


@pytest.mark.parametrize(("state", "action", "role"), CASES,
                         ids=[f"{s.value}-{a}-{r}" for s, a, r in CASES])
def test_transition_via_service_and_via_post(world: Any, login_as: Any, state: S, action: str,
                                             role: str) -> None:
    sources, roles, target = EXPECTED[action]
    allowed = state in sources and role in roles
    user = _user(world, role)

    # Through the service.
    r = world.referral(state)
    events_before = db.session.scalar(sa.select(sa.func.count()).select_from(ReferralEvent))
    if allowed:
        apply_transition(r, action, user, **INPUTS)
        db.session.expire_all()
        assert db.session.get(Referral, r.id).state == target
        last = db.session.scalars(
            sa.select(ReferralEvent).order_by(ReferralEvent.id.desc())).first()
        assert (last.from_state, last.to_state) == (state, target)
    else:
        with pytest.raises(UserError) as exc:
            apply_transition(r, action, user, **INPUTS)
        assert exc.value.message
        db.session.rollback()
        db.session.expire_all()
        assert db.session.get(Referral, r.id).state == state
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(ReferralEvent)) == events_before

    # Through the screen: the action is offered only when allowed; a forged POST is refused.
    r2 = world.referral(state)
    c = login_as(user)
    page = c.get(f"/referrals/{r2.id}").get_data(as_text=True)
    offered = f"/referrals/{r2.id}/action/{action}\"" in page
    resp = c.post(f"/referrals/{r2.id}/action/{action}", data={
        f"{action}-comment": INPUTS["comment"],
        f"{action}-on_date": "10/06/2026",
        f"{action}-not_received_reason": INPUTS["not_received_reason"],
    })
    db.session.expire_all()
    now_state = db.session.get(Referral, r2.id).state
    if allowed:
        assert offered
        assert resp.status_code == 302
        assert now_state == target
    else:
        assert not offered
        assert resp.status_code == 409
        assert now_state == state
        assert "flash-error" in resp.get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "statistics"])
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_roles_without_case_access_get_404(world: Any, login_as: Any, role: str,
                                           action: str) -> None:
    r = world.referral(S.SUBMITTED)
    user = world.admin if role == "admin" else world.stats
    resp = login_as(user).post(f"/referrals/{r.id}/action/{action}",
                               data={f"{action}-comment": "x"})
    assert resp.status_code == 404
    with pytest.raises(UserError):
        apply_transition(r, action, user, **INPUTS)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Referral, r.id).state == S.SUBMITTED


def test_unknown_action_is_404(world: Any, login_as: Any) -> None:
    r = world.referral(S.DRAFT)
    assert login_as(world.counselor).post(f"/referrals/{r.id}/action/delete").status_code == 404
