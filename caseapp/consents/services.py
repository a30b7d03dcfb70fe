"""Consent look-ups used by other areas."""

from __future__ import annotations

import sqlalchemy as sa

from caseapp.clients.models import Consent, ConsentPurpose
from caseapp.db import db


def active_consent(
    client_id: int, purpose: ConsentPurpose, provider_id: int | None = None
) -> Consent | None:
    """The newest consent of ``purpose`` that is not withdrawn and covers ``provider_id``.

    A consent recorded without a provider covers every provider; one naming a provider
    covers only that provider.
    """
    provider_match = (
        Consent.provider_id.is_(None)
        if provider_id is None
        else sa.or_(Consent.provider_id.is_(None), Consent.provider_id == provider_id)
    )
    return db.session.scalar(
        sa.select(Consent)
        .where(
            Consent.client_id == client_id,
            Consent.purpose == purpose,
            Consent.withdrawn_on.is_(None),
            provider_match,
        )
        .order_by(Consent.given_on.desc(), Consent.id.desc())
        .limit(1)
    )
