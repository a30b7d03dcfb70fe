"""The one place that scopes case data to the current user.

Every query of case-related data goes through here. Outside a user's scope the answer is
404, never 403, so nobody learns that a record exists.

- counselor: the cases of their own unit (and of units merged into it)
- supervisor: their unit and every unit below it
- statistics, admin: no person-level data at all
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm.interfaces import ORMOption
from sqlalchemy.sql import ColumnElement, Select

from caseapp.attachments.models import Attachment
from caseapp.auth.models import Role, User
from caseapp.cases.models import Case
from caseapp.clients.models import Client
from caseapp.complaints.models import Complaint
from caseapp.consents.models import Consent
from caseapp.consultations.models import Consultation
from caseapp.db import db
from caseapp.incidents.models import Incident
from caseapp.measures.models import ProtectionMeasure
from caseapp.referrals.models import Referral
from caseapp.risk.models import RiskAssessment
from caseapp.units.tree import merged_ids, subtree_of

T = TypeVar("T")

CASE_ROLES = (Role.COUNSELOR, Role.SUPERVISOR)


def _user(user: User | None) -> User:
    return user if user is not None else current_user  # type: ignore[return-value]


def can_see_cases(user: User | None = None) -> bool:
    u = _user(user)
    return bool(getattr(u, "is_authenticated", False)) and u.role in CASE_ROLES


def case_unit_ids(user: User | None = None) -> Select[tuple[int]]:
    """Units whose case data the user may see (an empty set for other roles)."""
    u = _user(user)
    if not can_see_cases(u):
        return sa.select(sa.literal(-1)).where(sa.false())
    if u.role == Role.SUPERVISOR:
        return subtree_of(u.unit)
    return merged_ids(u.unit_id)


def report_unit_ids(user: User | None = None) -> Select[tuple[int]]:
    """Units whose aggregate figures the user may see (supervisor and statistics roles)."""
    u = _user(user)
    if u.role in (Role.SUPERVISOR, Role.STATISTICS):
        return subtree_of(u.unit)
    return sa.select(sa.literal(-1)).where(sa.false())


def in_scope(unit_column: ColumnElement[Any], user: User | None = None) -> ColumnElement[bool]:
    return unit_column.in_(case_unit_ids(user))


def scoped_cases(user: User | None = None) -> Select[tuple[Case]]:
    return sa.select(Case).where(in_scope(Case.unit_id, user))


def client_visible(user: User | None = None) -> ColumnElement[bool]:
    """A client is visible if registered in scope or having a case in scope."""
    # One unit set for both tests: two copies of the merge-chain CTE would share a name,
    # which SQL cannot compile.
    units = case_unit_ids(user)
    return sa.or_(
        Client.unit_id.in_(units),
        Client.id.in_(sa.select(Case.client_id).where(Case.unit_id.in_(units))),
    )


# How each model reaches its unit, for get_or_404.
_CASE_CHILDREN: tuple[type[Any], ...] = (
    Incident, RiskAssessment, ProtectionMeasure, Consultation,
)


def scope_condition(model: type[Any], user: User | None = None) -> ColumnElement[bool]:
    if model is Case:
        return in_scope(Case.unit_id, user)
    if model in _CASE_CHILDREN:
        return model.case_id.in_(sa.select(Case.id).where(in_scope(Case.unit_id, user)))
    if model is Client:
        return client_visible(user)
    if model is Consent:
        return Consent.client_id.in_(sa.select(Client.id).where(client_visible(user)))
    if model in (Complaint, Attachment, Referral):
        # A referral's unit is its case's: a (case, unit) foreign key keeps them equal.
        return in_scope(model.unit_id, user)
    raise TypeError(f"{model.__name__} is not case data known to the access layer")


def get_or_404(model: type[T], object_id: int, user: User | None = None,
               options: Sequence[ORMOption] = ()) -> T:
    """Load one case-related object the user may see, or answer 404. ``options`` are loader
    options (e.g. what a page shows along with the object, loaded in the same statement)."""
    if not can_see_cases(user):
        abort(404)
    obj = db.session.scalar(
        sa.select(model).where(model.id == object_id, scope_condition(model, user))  # type: ignore[attr-defined]
        .options(*options)
    )
    if obj is None:
        abort(404)
    return obj


def get_case_or_404(case_id: int, user: User | None = None,
                    options: Sequence[ORMOption] = ()) -> Case:
    return get_or_404(Case, case_id, user, options)
