"""Referrals on the case page and in the PDF summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import aliased

from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.db import db
from caseapp.i18n import format_date, format_datetime, localized
from caseapp.labels import label
from caseapp.records.section import CaseSection, EventRow, Fact, state_change
from caseapp.referrals import services, workflow
from caseapp.referrals.models import Provider, Referral, ReferralEvent, ServiceType


def load_section(case: Case) -> dict[str, Any]:
    """One query for the referrals with their providers; the allowed actions are computed
    from the loaded rows and the (per-request cached) settings."""
    referrals = services.case_referrals(case)
    user = current_user
    return {
        "referrals": referrals,
        "actions": {r.id: [t for t in workflow.allowed_actions(r, user) if not t.required]
                    for r in referrals},
        "can_create": case.status.value != "closed",
    }


@dataclass(frozen=True)
class ReferralRow:
    service: str
    provider: str
    state: str
    urgency: str
    facts: list[Fact]
    reason: str
    outcome: str
    events: list[EventRow] = field(default_factory=list)


def pdf_rows(case: Case, identifying: bool) -> list[ReferralRow]:
    rows = db.session.execute(
        sa.select(Referral, ServiceType.label_vi, ServiceType.label_en, Provider.name)
        .join(ServiceType, ServiceType.id == Referral.service_type_id)
        .outerjoin(Provider, Provider.id == Referral.provider_id)
        .where(Referral.case_id == case.id)
        .order_by(Referral.referred_on, Referral.id)
    ).all()
    ids = [r.id for r, *_rest in rows]
    events: dict[int, list[EventRow]] = {i: [] for i in ids}
    if ids:
        actor = aliased(User)
        for ev, name in db.session.execute(
            sa.select(ReferralEvent, actor.full_name)
            .outerjoin(actor, actor.id == ReferralEvent.user_id)
            .where(ReferralEvent.referral_id.in_(ids))
            .order_by(ReferralEvent.at, ReferralEvent.id)
        ):
            events[ev.referral_id].append(
                EventRow(
                    format_datetime(ev.at),
                    state_change(ev.from_state, ev.to_state),
                    name or "",
                    ev.comment or "",
                )
            )
    out = []
    for r, label_vi, label_en, provider_name in rows:
        facts = [
            Fact(_("Referred on"), format_date(r.referred_on)),
            Fact(_("Follow-up on"), format_date(r.follow_up_on)),
            Fact(_("Sent on"), format_date(r.sent_on)),
            Fact(_("Provider answered on"), format_date(r.responded_on)),
            Fact(_("Service received on"), format_date(r.received_on)),
        ]
        if r.consent_override:
            facts.append(Fact(_("Consent override"), r.override_reason or _("Yes")))
        outcome = label(r.not_received_reason)
        if r.outcome_note:
            outcome = f"{outcome}: {r.outcome_note}" if outcome else r.outcome_note
        out.append(
            ReferralRow(
                service=localized(label_vi, label_en),
                provider=provider_name or r.provider_name or "",
                state=label(r.state),
                urgency=label(r.urgency),
                facts=[f for f in facts if f.value],
                reason=r.reason or "",
                outcome=outcome,
                events=events[r.id],
            )
        )
    return out


SECTION = CaseSection(
    key="referrals",
    order=100,
    title=_l("Referrals"),
    template="referrals/_case_section.html",
    loader=load_section,
    pdf_template="referrals/_pdf_section.html",
    pdf_rows=pdf_rows,
)
