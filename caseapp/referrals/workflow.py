"""The referral state machine: the one place that says which transition is allowed, to whom,
and with which fields.

Routes offer only the actions ``allowed_actions`` returns, and ``apply_transition`` checks
everything again, so a forged POST is refused the same way as a mistaken call from code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from caseapp.access import case_unit_ids
from caseapp.audit.services import record
from caseapp.auth.models import Role, User
from caseapp.cases.models import Case
from caseapp.clock import now, today
from caseapp.consents.models import ConsentPurpose
from caseapp.consents.services import active_consent
from caseapp.db import db
from caseapp.referrals.models import (
    NotReceivedReason,
    Provider,
    ProviderKind,
    Referral,
    ReferralEvent,
)
from caseapp.referrals.models import ReferralState as S
from caseapp.referrals.states import EDITABLE_STATES, OPEN_STATES
from caseapp.settings.services import get_setting
from caseapp.transaction import UserError

BOTH = frozenset({Role.COUNSELOR, Role.SUPERVISOR})
SUPERVISOR = frozenset({Role.SUPERVISOR})



@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[S]
    target: S
    roles: frozenset[Role]
    label: Any
    # Inputs the action asks for, and which of them must be given.
    fields: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    # Review actions: a supervisor may not decide on a referral she created herself unless
    # the setting allow_self_approval says so.
    review: bool = False
    danger: bool = field(default=False, compare=False)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, BOTH,
                   _l("Submit for review")),
        Transition("approve", frozenset({S.SUBMITTED}), S.APPROVED, SUPERVISOR,
                   _l("Approve"), fields=("comment",), review=True),
        Transition("return", frozenset({S.SUBMITTED}), S.RETURNED, SUPERVISOR,
                   _l("Return for changes"), fields=("comment",), required=("comment",),
                   review=True),
        Transition("send", frozenset({S.APPROVED}), S.SENT, BOTH,
                   _l("Mark as sent"), fields=("on_date", "comment")),
        Transition("accept", frozenset({S.SENT}), S.ACCEPTED, BOTH,
                   _l("Provider accepted"), fields=("on_date", "comment")),
        Transition("refuse", frozenset({S.SENT}), S.REFUSED, BOTH,
                   _l("Provider refused"), fields=("on_date", "comment"),
                   required=("comment",)),
        Transition("receive", frozenset({S.ACCEPTED}), S.RECEIVED, BOTH,
                   _l("Service received"), fields=("on_date", "comment"),
                   required=("on_date",)),
        Transition("not_receive", frozenset({S.SENT, S.ACCEPTED}), S.NOT_RECEIVED, BOTH,
                   _l("Service not received"),
                   fields=("not_received_reason", "comment"),
                   required=("not_received_reason",)),
        Transition("cancel", OPEN_STATES, S.CANCELLED, BOTH,
                   _l("Cancel referral"), fields=("comment",), required=("comment",),
                   danger=True),
    )
}

FIELD_LABELS = {
    "comment": _l("Comment"),
    "on_date": _l("Date"),
    "not_received_reason": _l("Reason"),
}


# --- consent gate ---------------------------------------------------------------------------

def has_share_consent(client_id: int, provider_id: int | None) -> bool:
    """An active consent to share with this provider, or with any provider.

    An off-directory provider (``provider_id`` None) is covered only by consent for any
    provider: a consent naming another organisation says nothing about this one. The rule
    lives in ``consents.services.active_consent`` so the referral gate and the referral slip
    can never disagree.
    """
    return active_consent(client_id, ConsentPurpose.SHARE, provider_id) is not None


def consent_satisfied(referral: Referral, client_id: int) -> bool:
    return referral.consent_override or has_share_consent(client_id, referral.provider_id)


# --- who may do what ------------------------------------------------------------------------

def _is_own(referral: Referral, user: User) -> bool:
    return referral.created_by_id is not None and referral.created_by_id == user.id


def refusal(referral: Referral, t: Transition, user: User) -> str | None:
    """Why ``user`` may not take transition ``t`` now (None: allowed, inputs aside)."""
    if referral.state not in t.sources:
        return _("This action is not possible while the referral is “%(state)s”.",
                 state=_state_label(referral.state))
    if user.role not in t.roles:
        return _("Your role does not allow this action.")
    if t.review and _is_own(referral, user) and not get_setting("allow_self_approval"):
        return _("You cannot review a referral you drafted yourself.")
    return None


def allowed_actions(referral: Referral, user: User) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if refusal(referral, t, user) is None]


def can_edit(referral: Referral, user: User) -> bool:
    return referral.state in EDITABLE_STATES and user.role in BOTH


def can_override(referral: Referral, user: User) -> bool:
    return (user.role == Role.SUPERVISOR and referral.state in EDITABLE_STATES
            and not referral.consent_override)


def _state_label(state: S) -> str:
    from caseapp.labels import label

    return label(state)


def _case_in_scope(referral: Referral, user: User) -> Case:
    case = db.session.scalar(
        sa.select(Case).where(Case.id == referral.case_id,
                              Case.unit_id.in_(case_unit_ids(user)))
    )
    if case is None:
        # The same answer as for a referral that does not exist.
        raise UserError(_("Referral not found."))
    return case


def _skips_review(referral: Referral) -> bool:
    if not get_setting("skip_review_for_union_service") or referral.provider_id is None:
        return False
    kind = db.session.scalar(sa.select(Provider.kind).where(Provider.id == referral.provider_id))
    return kind == ProviderKind.UNION_SERVICE


def add_event(referral: Referral, user: User | None, from_state: S | None, to_state: S,
              comment: str | None = None) -> ReferralEvent:
    ev = ReferralEvent(referral_id=referral.id, at=now(), user_id=getattr(user, "id", None),
                       from_state=from_state, to_state=to_state, comment=comment or None)
    db.session.add(ev)
    return ev


def apply_transition(referral: Referral, action: str, user: User, *,
                     comment: str | None = None, on_date: date | None = None,
                     not_received_reason: NotReceivedReason | str | None = None) -> Referral:
    """Take one transition: check it, change the referral, keep history and audit."""
    t = TRANSITIONS.get(action)
    if t is None:
        raise UserError(_("Unknown action."))
    case = _case_in_scope(referral, user)
    reason = refusal(referral, t, user)
    if reason:
        raise UserError(reason)

    comment = (comment or "").strip() or None
    given = {"comment": comment, "on_date": on_date, "not_received_reason": not_received_reason}
    for name in t.required:
        if not given[name]:
            raise UserError(_("%(field)s is required for this action.",
                                    field=FIELD_LABELS[name]), field=name)
    if comment is not None and len(comment) > 2000:
        raise UserError(_("At most %(n)d characters.", n=2000), field="comment")
    day = on_date or today()
    if "on_date" in t.fields:
        if day > today():
            raise UserError(_("This date cannot be in the future."), field="on_date")
        if day < referral.referred_on:
            raise UserError(_("This date cannot be before the referral date."),
                                  field="on_date")
        sent = referral.sent_on
        if action in ("accept", "refuse", "receive") and sent and day < sent:
            raise UserError(_("This date cannot be before the date the referral was sent."),
                                  field="on_date")

    target = t.target
    if action == "submit":
        if not consent_satisfied(referral, case.client_id):
            raise UserError(_(
                "The client's consent to share her information with this provider is not "
                "recorded, or was withdrawn. Record the consent, or ask a supervisor to "
                "record an override."))
        if _skips_review(referral):
            target = S.APPROVED
    if action == "not_receive":
        try:
            reason_value = NotReceivedReason(not_received_reason)
        except ValueError:
            raise UserError(_("Not a valid choice."), field="not_received_reason") from None
        if reason_value == NotReceivedReason.OTHER and not comment:
            raise UserError(_("Explain the reason in the comment."), field="comment")
        referral.not_received_reason = reason_value

    if action == "send":
        referral.sent_on = day
    elif action in ("accept", "refuse"):
        referral.responded_on = day
        if action == "refuse":
            referral.outcome_note = comment
    elif action == "receive":
        referral.received_on = day
        if comment:
            referral.outcome_note = comment
    elif action in ("not_receive", "cancel"):
        referral.outcome_note = comment

    from_state = referral.state
    referral.state = target
    referral.updated_at = now()
    add_event(referral, user, from_state, target, comment)
    record(f"referral.{action}", object_type="referral", object_id=referral.id,
           unit_id=case.unit_id, summary=f"{from_state.value}->{target.value}", user=user)
    return referral


def record_override(referral: Referral, user: User, reason: str) -> Referral:
    """A supervisor lets a referral go ahead without recorded consent (immediate danger,
    a child at risk). The reason is kept encrypted; the audit entry names no person."""
    case = _case_in_scope(referral, user)
    if user.role != Role.SUPERVISOR:
        raise UserError(_("Only a supervisor can record a consent override."))
    if referral.state not in EDITABLE_STATES:
        raise UserError(_("A consent override can only be recorded before submission."))
    reason = (reason or "").strip()
    if not reason:
        raise UserError(_("%(field)s is required for this action.",
                                field=_("Reason")), field="reason")
    if len(reason) > 2000:
        raise UserError(_("At most %(n)d characters.", n=2000), field="reason")
    referral.consent_override = True
    referral.override_reason = reason
    referral.override_by_id = user.id
    referral.updated_at = now()
    add_event(referral, user, referral.state, referral.state,
              _("Consent override: %(reason)s", reason=reason))
    record("referral.consent_override", object_type="referral", object_id=referral.id,
           unit_id=case.unit_id, summary="consent_override", user=user)
    return referral
