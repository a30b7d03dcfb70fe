"""The referral slip (phiếu chuyển gửi) handed to a service provider.

It carries only what the provider needs and the client agreed to share: the fields named
by her active consent to share with that provider, the service requested, the reason and
urgency, and who to contact at the union. Nothing about other referrals, incidents or
risk. Without an active consent there is no slip, unless a supervisor recorded an override
on the referral; that slip names no one (case code only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.clients.models import Client
from caseapp.consents.models import SHAREABLE_FIELDS, ConsentPurpose
from caseapp.consents.services import active_consent
from caseapp.db import db
from caseapp.documents.models import DocumentKind
from caseapp.documents.services import DocumentSpec
from caseapp.documents.summary import SHAREABLE_LABELS
from caseapp.i18n import format_date, localized
from caseapp.labels import label
from caseapp.records.section import Fact
from caseapp.referrals.models import Provider, Referral, Urgency
from caseapp.units.models import Unit


class SlipRefused(Exception):
    """No consent to share covers this referral's provider and no override is recorded."""


@dataclass(frozen=True)
class SlipBasis:
    """Why a slip may be printed: an active consent (and what it shares) or an override."""

    shared_fields: tuple[str, ...]
    override: bool


def slip_basis(referral: Referral, case: Case) -> SlipBasis:
    consent = active_consent(case.client_id, ConsentPurpose.SHARE, referral.provider_id)
    if consent is not None:
        allowed = set(consent.shared_field_list)
        return SlipBasis(tuple(f for f in SHAREABLE_FIELDS if f in allowed), override=False)
    if referral.consent_override:
        return SlipBasis((), override=True)
    raise SlipRefused


def _shared_value(name: str, client: Client, case: Case) -> str:
    if name == "full_name":
        return client.full_name or ""
    if name == "phone":
        return client.phone or ""
    if name == "address":
        return client.address or ""
    if name == "birth_date":
        return format_date(client.birth_date)
    if name == "case_summary":
        return case.summary or ""
    raise ValueError(name)


def referral_slip_spec(referral: Referral, printing_user: User) -> DocumentSpec:
    """What the slip prints for ``referral`` (already loaded through the access layer).

    Raises :class:`SlipRefused` when the client's consent does not allow a slip.
    """
    case = db.session.get(Case, referral.case_id)
    assert case is not None
    basis = slip_basis(referral, case)

    shared: list[Fact] = []
    if basis.shared_fields:
        client = db.session.get(Client, case.client_id)
        assert client is not None
        shared = [
            Fact(str(SHAREABLE_LABELS[name]), _shared_value(name, client, case))
            for name in basis.shared_fields
        ]

    unit_name = db.session.scalar(sa.select(Unit.name).where(Unit.id == case.unit_id)) or ""
    counselor_id = referral.created_by_id or case.counselor_id
    counselor = printing_user.full_name
    if counselor_id is not None:
        counselor = (
            db.session.scalar(sa.select(User.full_name).where(User.id == counselor_id)) or counselor
        )
    provider = referral.provider_name or ""
    if referral.provider_id is not None:
        provider = (
            db.session.scalar(sa.select(Provider.name).where(Provider.id == referral.provider_id))
            or provider
        )

    st = referral.service_type
    context: dict[str, Any] = {
        "unit_name": unit_name,
        "case_code": case.code,
        "service": localized(st.label_vi, st.label_en),
        "provider": provider,
        "urgency": label(referral.urgency),
        "urgent": referral.urgency != Urgency.ROUTINE,
        "reason": referral.reason or "",
        "referred_on": format_date(referral.referred_on),
        "follow_up_on": format_date(referral.follow_up_on),
        "counselor": counselor,
        "shared": shared,
        "override": basis.override,
        "override_note": _(
            "Printed under a supervisor's override of the consent requirement: "
            "the client's identifying data is withheld."
        )
        if basis.override
        else "",
    }
    return DocumentSpec(
        kind=DocumentKind.REFERRAL_SLIP,
        template="referral_slip.html",
        context=context,
        code=case.code,
        unit_id=case.unit_id,
        case_id=case.id,
        referral_id=referral.id,
        sections=basis.shared_fields,
        # A shared case summary is free text about her: identifying as much as a name.
        identifying=bool(basis.shared_fields),
        audit_note=f"basis={'override' if basis.override else 'consent'}",
    )
