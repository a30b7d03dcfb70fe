"""The referral state sets every rule reads."""

from __future__ import annotations

from caseapp.referrals.models import ReferralState as S
from caseapp.referrals.states import (
    CONNECTED_STATES,
    EDITABLE_STATES,
    FINAL_STATES,
    OPEN_STATES,
    PENDING_STATES,
)


def test_every_state_is_open_or_final_never_both() -> None:
    assert set(S) == OPEN_STATES | FINAL_STATES
    assert not OPEN_STATES & FINAL_STATES


def test_editable_referrals_are_open_and_not_yet_sent() -> None:
    assert EDITABLE_STATES <= OPEN_STATES
    assert S.SENT not in EDITABLE_STATES and S.APPROVED not in EDITABLE_STATES


def test_pending_is_connected_but_not_received() -> None:
    # Shown beside the indicator, never counted in it.
    assert {S.APPROVED, S.SENT, S.ACCEPTED} == PENDING_STATES
    assert S.RECEIVED in CONNECTED_STATES and S.RECEIVED not in PENDING_STATES
    assert not CONNECTED_STATES & {S.REFUSED, S.NOT_RECEIVED, S.CANCELLED}
