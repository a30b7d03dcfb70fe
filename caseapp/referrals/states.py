"""The sets of referral states every rule reads: one definition each."""

from __future__ import annotations

from caseapp.referrals.models import ReferralState as S

# Still being worked on: a follow-up is expected (and can be overdue), it can be cancelled.
OPEN_STATES = frozenset({S.DRAFT, S.SUBMITTED, S.APPROVED, S.RETURNED, S.SENT, S.ACCEPTED})
FINAL_STATES = frozenset({S.REFUSED, S.RECEIVED, S.NOT_RECEIVED, S.CANCELLED})
# The counselor may still change what the referral says.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
# The case has a service under way or given. Refused, not received and cancelled referrals gave
# no service, so the case still needs one.
CONNECTED_STATES = frozenset({S.APPROVED, S.SENT, S.ACCEPTED, S.RECEIVED})
# Connected, but the service is not yet confirmed received: shown beside the indicator, never
# counted in it.
PENDING_STATES = CONNECTED_STATES - {S.RECEIVED}

assert set(S) == OPEN_STATES | FINAL_STATES and not OPEN_STATES & FINAL_STATES
