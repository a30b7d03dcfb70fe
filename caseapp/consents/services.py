"""Recording and withdrawing consent, and the gate other areas use before sharing data.

A child under 16 (the age of a child in Vietnamese law) cannot consent alone: a guardian
must give it. When the client's age is unknown, either giver is accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from caseapp.audit import services as audit
from caseapp.auth.models import User
from caseapp.clients.age import CHILD_AGE, may_be_under
from caseapp.clients.models import Client
from caseapp.clock import now, today
from caseapp.consents.models import SHAREABLE_FIELDS, Consent, ConsentGiver, ConsentPurpose
from caseapp.db import db
from caseapp.transaction import UserError


def record_consent(
    client: Client,
    *,
    purpose: ConsentPurpose,
    given_by: ConsentGiver,
    given_on: date,
    user: User | None,
    guardian_name: str | None = None,
    provider_id: int | None = None,
    shared_fields: Sequence[str] = (),
    unit_id: int | None = None,
) -> Consent:
    """Stage a consent and its audit entry. Raises UserError when it cannot stand."""
    guardian_name = (guardian_name or "").strip() or None
    if given_on > today():
        raise UserError(_("This date cannot be in the future."), "given_on")
    if may_be_under(client, given_on, CHILD_AGE) and given_by != ConsentGiver.GUARDIAN:
        raise UserError(_("The client is under 16: consent must be given by a guardian."),
                        "given_by")
    if given_by == ConsentGiver.GUARDIAN and not guardian_name:
        raise UserError(_("Enter the guardian's name."), "guardian_name")
    if given_by == ConsentGiver.CLIENT:
        guardian_name = None
    fields = [f for f in SHAREABLE_FIELDS if f in set(shared_fields)]
    if purpose != ConsentPurpose.SHARE:
        provider_id, fields = None, []
    consent = Consent(client_id=client.id, purpose=purpose, given_by=given_by,
                      guardian_name=guardian_name, given_on=given_on, provider_id=provider_id,
                      shared_fields=",".join(fields), recorded_by_id=getattr(user, "id", None))
    db.session.add(consent)
    db.session.flush()
    summary = f"{client.code}; purpose {purpose.value}; given by {given_by.value}"
    if purpose == ConsentPurpose.SHARE:
        summary += f"; provider {provider_id or 'any'}; fields: {', '.join(fields) or 'none'}"
    audit.record("consent.create", object_type="consent", object_id=consent.id,
                 unit_id=unit_id or client.unit_id, summary=summary)
    return consent


def withdraw_consent(consent: Consent, withdrawn_on: date, user: User | None,
                     unit_id: int | None = None) -> None:
    """Mark a consent withdrawn (kept for the record). Raises UserError when it cannot be."""
    if consent.withdrawn_on is not None:
        raise UserError(_("This consent was already withdrawn."), "withdrawn_on")
    if withdrawn_on > today():
        raise UserError(_("This date cannot be in the future."), "withdrawn_on")
    if withdrawn_on < consent.given_on:
        raise UserError(_("A consent cannot be withdrawn before it was given."), "withdrawn_on")
    client = db.session.get_one(Client, consent.client_id)
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_by_id = getattr(user, "id", None)
    consent.updated_at = now()
    audit.record("consent.withdraw", object_type="consent", object_id=consent.id,
                 unit_id=unit_id or client.unit_id,
                 summary=f"{client.code}; purpose {consent.purpose.value}; fields: withdrawn_on")


def active_consent(client_id: int, purpose: ConsentPurpose | str,
                   provider_id: int | None = None, on: date | None = None) -> Consent | None:
    """The consent that allows ``purpose`` for this client now, or None.

    Active means given on or before ``on`` (today by default) and not withdrawn. With a
    ``provider_id``, a consent naming that provider or covering any provider matches (the
    one naming the provider is preferred); without one, only a consent covering any provider
    matches. The newest matching consent is returned.
    """
    on = on or today()
    purpose = ConsentPurpose(purpose)
    cond = [Consent.client_id == client_id, Consent.purpose == purpose,
            Consent.withdrawn_on.is_(None), Consent.given_on <= on]
    if provider_id is None:
        cond.append(Consent.provider_id.is_(None))
    else:
        cond.append(sa.or_(Consent.provider_id == provider_id, Consent.provider_id.is_(None)))
    return db.session.scalar(
        sa.select(Consent).where(*cond)
        .order_by(Consent.provider_id.is_(None), Consent.given_on.desc(), Consent.id.desc())
        .limit(1)
    )
