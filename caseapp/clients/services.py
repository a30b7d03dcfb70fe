"""Registering and editing clients, revealing their identity, and deriving ages.

Every function stages its change and its audit entry; the caller commits once. Audit
summaries name codes and fields, never the values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from caseapp import access
from caseapp.audit import services as audit
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.clients.age import age_on
from caseapp.clients.models import Client, Ethnicity, MaritalStatus, Sex
from caseapp.clock import today
from caseapp.codes import next_code
from caseapp.crypto import name_index, phone_index
from caseapp.db import db
from caseapp.transaction import StaleEdit
from caseapp.units.models import Unit

# The identifying fields: shown only after an audited reveal.
IDENTIFYING_FIELDS = ("full_name", "phone", "address", "birth_date")
# Fields whose change means every case's age at detection must be derived again.
BIRTH_FIELDS = ("birth_date", "birth_year", "approx_age")
EDITABLE_FIELDS = (
    "full_name", "phone", "address", "birth_date", "birth_year", "approx_age", "sex",
    "ethnicity", "ethnicity_other", "needs_interpreter", "interpreter_language", "disability",
    "marital_status",
)


@dataclass
class ClientData:
    """What a client form submits, already validated."""

    sex: Sex
    full_name: str | None = None
    phone: str | None = None
    address: str | None = None
    birth_date: date | None = None
    birth_year: int | None = None
    approx_age: int | None = None
    ethnicity: Ethnicity | None = None
    ethnicity_other: str | None = None
    needs_interpreter: bool = False
    interpreter_language: str | None = None
    disability: bool = False
    marital_status: MaritalStatus | None = None

    @classmethod
    def from_form(cls, form: Any) -> ClientData:
        def text(name: str) -> str | None:
            value = (getattr(form, name).data or "").strip()
            return value or None

        birth_date = form.birth_date.data
        return cls(
            sex=Sex(form.sex.data),
            full_name=text("full_name"),
            phone=text("phone"),
            address=text("address"),
            birth_date=birth_date,
            # An exact date makes the year and the approximate age redundant.
            birth_year=birth_date.year if birth_date else form.birth_year.data,
            approx_age=None if (birth_date or form.birth_year.data) else form.approx_age.data,
            ethnicity=Ethnicity(form.ethnicity.data) if form.ethnicity.data else None,
            ethnicity_other=text("ethnicity_other")
            if form.ethnicity.data == Ethnicity.OTHER.value else None,
            needs_interpreter=bool(form.needs_interpreter.data),
            interpreter_language=text("interpreter_language")
            if form.needs_interpreter.data else None,
            disability=bool(form.disability.data),
            marital_status=MaritalStatus(form.marital_status.data)
            if form.marital_status.data else None,
        )


def recompute_ages(client: Client) -> int:
    """Derive ``age_at_detection`` again on every case of the client; returns the count."""
    cases = db.session.scalars(sa.select(Case).where(Case.client_id == client.id)).all()
    for case in cases:
        case.age_at_detection = age_on(client, case.detected_on)
    return len(cases)


def find_duplicates(data: ClientData, user: User, exclude_id: int | None = None) -> list[Client]:
    """Clients the user may see with the same phone, or the same name and birth year."""
    conditions = []
    phone_bidx = phone_index(data.phone)
    if phone_bidx:
        conditions.append(Client.phone_bidx == phone_bidx)
    name_bidx = name_index(data.full_name)
    if name_bidx and data.birth_year:
        conditions.append(sa.and_(Client.name_bidx == name_bidx,
                                  Client.birth_year == data.birth_year))
    if not conditions:
        return []
    query = (sa.select(Client).where(sa.or_(*conditions), access.client_visible(user))
             .order_by(Client.code))
    if exclude_id is not None:
        query = query.where(Client.id != exclude_id)
    return list(db.session.scalars(query))


def _apply(client: Client, data: ClientData) -> list[str]:
    """Copy the data onto the client; returns the names of the fields that changed."""
    changed = []
    for name in EDITABLE_FIELDS:
        value = getattr(data, name)
        if getattr(client, name) != value:
            changed.append(name)
            setattr(client, name, value)
    if "full_name" in changed:
        client.name_bidx = name_index(client.full_name)
    if "phone" in changed:
        client.phone_bidx = phone_index(client.phone)
    if "approx_age" in changed:
        client.approx_age_on = today() if client.approx_age is not None else None
    return changed


def register_client(data: ClientData, user: User, unit: Unit | None = None) -> Client:
    """Create a client (in the user's unit by default) with a new pseudonymous code."""
    unit = unit or user.unit
    client = Client(
        code=next_code("client", unit.code, today().year),
        unit_id=unit.id,
        sex=data.sex,
        created_by_id=user.id,
    )
    _apply(client, data)
    db.session.add(client)
    db.session.flush()
    audit.record("client.create", object_type="client", object_id=client.id,
                 unit_id=client.unit_id, summary=f"code={client.code}", user=user)
    return client


def update_client(client: Client, data: ClientData, version: int | None, user: User) -> list[str]:
    """Save an edit made from ``version``; refuse it if the client changed since."""
    if version != client.version:
        raise StaleEdit()
    changed = _apply(client, data)
    if not changed:
        return []
    try:
        if any(f in changed for f in BIRTH_FIELDS):
            recompute_ages(client)
        db.session.flush()
    except StaleDataError:
        # The database's versioned UPDATE caught a save that raced this one.
        raise StaleEdit() from None
    audit.record("client.update", object_type="client", object_id=client.id,
                 unit_id=client.unit_id,
                 summary=f"code={client.code};fields={','.join(changed)}", user=user)
    return changed


def record_reveal(client: Client, user: User, purpose: str = "view") -> None:
    """Audit that the user was shown the client's identifying fields."""
    audit.record("client.reveal", object_type="client", object_id=client.id,
                 unit_id=client.unit_id, summary=f"code={client.code};purpose={purpose}",
                 user=user)


def client_cases(client: Client, user: User) -> list[Case]:
    """The client's cases that the user may see, newest detection first."""
    return list(db.session.scalars(
        access.scoped_cases(user).where(Case.client_id == client.id)
        .order_by(Case.detected_on.desc(), Case.id.desc())
    ))
