"""Consents on the case page and in the PDF summary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.consents.forms import FIELD_LABELS
from caseapp.consents.models import Consent, ConsentPurpose
from caseapp.db import db
from caseapp.i18n import format_date
from caseapp.labels import label
from caseapp.records.section import CaseSection
from caseapp.referrals.models import Provider


def load_section(case: Case) -> dict[str, Any]:
    rows = db.session.execute(
        sa.select(Consent, Provider.name, User.full_name)
        .outerjoin(Provider, Provider.id == Consent.provider_id)
        .outerjoin(User, User.id == Consent.recorded_by_id)
        .where(Consent.client_id == case.client_id)
        .order_by(Consent.purpose, Consent.given_on.desc(), Consent.id.desc())
    ).all()
    return {"consents": rows, "field_labels": FIELD_LABELS, "purposes": list(ConsentPurpose)}


@dataclass(frozen=True)
class ConsentRow:
    purpose: str
    given_by: str
    given_on: str
    provider: str
    fields: str
    status: str


def pdf_rows(case: Case, identifying: bool) -> list[ConsentRow]:
    rows = db.session.execute(
        sa.select(Consent, Provider.name)
        .outerjoin(Provider, Provider.id == Consent.provider_id)
        .where(Consent.client_id == case.client_id)
        .order_by(Consent.given_on.desc(), Consent.id.desc())
    ).all()
    out = []
    for c, provider_name in rows:
        if c.withdrawn_on is not None:
            status = _("Withdrawn on %(date)s", date=format_date(c.withdrawn_on))
        else:
            status = _("Active")
        fields = ", ".join(str(FIELD_LABELS.get(f, f)) for f in c.shared_field_list)
        out.append(
            ConsentRow(
                purpose=label(c.purpose),
                given_by=label(c.given_by),
                given_on=format_date(c.given_on),
                provider=provider_name
                or (_("Any provider") if c.purpose == ConsentPurpose.SHARE else ""),
                fields=fields,
                status=status,
            )
        )
    return out


SECTION = CaseSection(
    key="consents",
    order=60,
    title=_l("Consents"),
    template="consents/_case_section.html",
    loader=load_section,
    pdf_template="consents/_pdf_section.html",
    pdf_rows=pdf_rows,
)
