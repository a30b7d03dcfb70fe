"""Account management: creating users, roles, units, passwords, deactivation.

Each function stages its change and audit entry; the caller commits.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from caseapp.audit import services as audit
from caseapp.auth.models import Role, User
from caseapp.auth.passwords import hash_password, password_problem
from caseapp.db import db
from caseapp.units.models import Unit

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,63}$")


class AccountError(ValueError):
    """An account change that cannot be made; the message is shown to the user."""


def create_user(username: str, full_name: str, role: str, unit_code: str,
                password: str) -> User:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError(_("A username has 3 to 64 lower-case letters, digits, dots, dashes "
                             "or underscores."))
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise AccountError(_("The username %(u)s is already taken.", u=username))
    try:
        role_value = Role(role)
    except ValueError:
        raise AccountError(_("Unknown role: %(role)s.", role=role)) from None
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise AccountError(_("Unknown unit: %(code)s.", code=unit_code))
    if unit.merged_into_id is not None or unit.active_to is not None:
        raise AccountError(_("The unit %(code)s is merged or retired.", code=unit_code))
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)
    user = User(username=username, full_name=full_name.strip() or username, role=role_value,
                unit_id=unit.id, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit.record("user_create", object_type="user", object_id=user.id, unit_id=unit.id,
                 summary=f"username={username} role={role_value.value} unit={unit.code}")
    return user
