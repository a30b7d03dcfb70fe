"""Account management: creating users, roles, units, passwords, two-factor, deactivation.

Each function stages its change and audit entry; the caller commits. Audit summaries hold
usernames, roles, unit codes and field names only.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from caseapp.audit import services as audit
from caseapp.auth import totp
from caseapp.auth.models import Role, User, UserSession
from caseapp.auth.passwords import hash_password, password_problem, verify_password
from caseapp.clock import now
from caseapp.db import db
from caseapp.security import end_session, mfa_required_by_role
from caseapp.transaction import UserError
from caseapp.units.models import Unit

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,63}$")
# Letters and digits that cannot be mistaken for one another when read aloud or copied.
_TEMP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


# A wrong password or code is not an error to roll back: the miss counts toward the lockout
# and must be kept. The checks below return False for it, and the caller shows these.
WRONG_PASSWORD = _l("The current password is wrong.")
WRONG_CODE = _l("The code is wrong or has expired. Try the next code.")


def _unit_for_assignment(unit_code: str) -> Unit:
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise UserError(_("Unknown unit: %(code)s.", code=unit_code), field="unit")
    if unit.merged_into_id is not None or unit.active_to is not None:
        raise UserError(_("The unit %(code)s is merged or retired.", code=unit_code),
                           field="unit")
    return unit


def _role(role: str | Role) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise UserError(_("Unknown role: %(role)s.", role=role), field="role") from None


def generate_password() -> str:
    """A one-time password to hand over in person: 4 groups of 4, about 79 bits."""
    while True:
        groups = ["".join(secrets.choice(_TEMP_ALPHABET) for _ in range(4)) for _ in range(4)]
        candidate = "-".join(groups)
        if password_problem(candidate) is None:
            return candidate


def create_user(username: str, full_name: str, role: str, unit_code: str,
                password: str, *, must_change_password: bool = False) -> User:
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise UserError(_("A username has 3 to 64 lower-case letters, digits, dots, dashes "
                             "or underscores."), field="username")
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise UserError(_("The username %(u)s is already taken.", u=username),
                           field="username")
    role_value = _role(role)
    unit = _unit_for_assignment(unit_code)
    problem = password_problem(password, username)
    if problem:
        raise UserError(problem, field="password")
    user = User(username=username, full_name=full_name.strip() or username, role=role_value,
                unit_id=unit.id, password_hash=hash_password(password),
                must_change_password=must_change_password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", object_type="user", object_id=user.id, unit_id=unit.id,
                 summary=f"username={username} role={role_value.value} unit={unit.code}"
                 f"{' must_change_password' if must_change_password else ''}")
    return user


def revoke_sessions(user: User, *, keep: str | None = None) -> int:
    """End every open session of ``user`` except the one whose id is ``keep``."""
    stmt = sa.update(UserSession).where(UserSession.user_id == user.id,
                                        UserSession.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep)
    result = db.session.execute(stmt.values(revoked_at=now()))
    return result.rowcount or 0  # type: ignore[attr-defined]


def active_sessions(user: User) -> list[UserSession]:
    cfg = current_app.config
    t = now()
    rows = db.session.scalars(
        sa.select(UserSession).where(
            UserSession.user_id == user.id, UserSession.revoked_at.is_(None),
            UserSession.last_seen_at > t - cfg["SESSION_IDLE_TIMEOUT"],
            UserSession.created_at > t - cfg["SESSION_ABSOLUTE_TIMEOUT"],
        ).order_by(UserSession.created_at.desc())
    ).all()
    return list(rows)


def register_failure(user: User) -> bool:
    """Count a failed password or code check toward the lockout; True if now locked.

    A lock also ends the user's sessions: a stolen session cannot keep guessing.
    """
    cfg = current_app.config
    user.failed_logins += 1
    if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
        user.locked_until = now() + timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
        user.failed_logins = 0
        revoke_sessions(user)
        audit.record("auth.account_locked", object_type="user", object_id=user.id,
                     unit_id=user.unit_id, summary=f"username={user.username}")
        return True
    return False


def _check_own_password(user: User, password: str) -> bool:
    if not verify_password(user.password_hash, password):
        register_failure(user)
        return False
    return True


# --- changes a user makes to their own account ---------------------------------------

def change_password(user: User, current: str, new: str, *, keep_session: str | None) -> bool:
    """Change one's own password; every other session of the user ends. False if the
    current password is wrong (the miss is counted, nothing else changes)."""
    if not _check_own_password(user, current):
        return False
    problem = password_problem(new, user.username)
    if problem:
        raise UserError(problem, field="new")
    if verify_password(user.password_hash, new):
        raise UserError(_("The new password must differ from the current one."), field="new")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    ended = revoke_sessions(user, keep=keep_session)
    audit.record("auth.password_change", object_type="user", object_id=user.id,
                 unit_id=user.unit_id, summary=f"other_sessions_ended={ended}")
    return True


def pending_totp_secret(user: User) -> str:
    """The secret being enrolled, created at the first visit and kept until confirmed."""
    if user.totp_enabled:
        raise UserError(_("Two-factor authentication is already on."))
    if not user.totp_secret:
        user.totp_secret = totp.new_secret()
    return user.totp_secret


def confirm_totp(user: User, code: str) -> bool:
    """Turn two-factor authentication on once the user proves the app shows the right code.
    False if the code is wrong (the miss is counted)."""
    if user.totp_enabled or not user.totp_secret:
        raise UserError(_("Start the set-up again."), field="code")
    step = totp.matching_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        register_failure(user)
        return False
    user.totp_enabled = True
    user.totp_last_step = step
    user.failed_logins = 0
    audit.record("auth.totp_enable", object_type="user", object_id=user.id, unit_id=user.unit_id)
    return True


def check_totp_login(user: User, code: str) -> bool:
    """Second step of login; a wrong or replayed code counts toward the lockout."""
    if not user.totp_enabled or not user.totp_secret:
        return False
    if user.locked_until is not None and user.locked_until > now():
        return False
    step = totp.matching_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        locked = register_failure(user)
        audit.record("auth.mfa_failed", object_type="user", object_id=user.id,
                     unit_id=user.unit_id, summary="locked" if locked else "")
        return False
    user.totp_last_step = step
    user.failed_logins = 0
    audit.record("auth.mfa_passed", object_type="user", object_id=user.id, unit_id=user.unit_id)
    return True


def disable_own_totp(user: User, password: str) -> bool:
    """Turn one's own second factor off. False if the password is wrong (the miss is
    counted)."""
    if mfa_required_by_role(user):
        raise UserError(_("Your role requires two-factor authentication."))
    if not user.totp_enabled:
        raise UserError(_("Two-factor authentication is already off."))
    if not _check_own_password(user, password):
        return False
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    audit.record("auth.totp_disable", object_type="user", object_id=user.id, unit_id=user.unit_id)
    return True


def end_other_sessions(user: User, *, keep: str | None) -> int:
    """End the user's other sessions (a lost phone, a shared computer)."""
    ended = revoke_sessions(user, keep=keep)
    audit.record("auth.sessions_end_others", object_type="user", object_id=user.id,
                 unit_id=user.unit_id, summary=f"sessions_ended={ended}")
    return ended


def log_out(user: User) -> None:
    """End the current session, with its audit entry."""
    audit.record("auth.logout", object_type="user", object_id=user.id, unit_id=user.unit_id)
    end_session()


# --- administration ------------------------------------------------------------------

def _admin_audit(action: str, user: User, summary: str = "") -> None:
    text = f"username={user.username}" + (f" {summary}" if summary else "")
    audit.record(action, object_type="user", object_id=user.id, unit_id=user.unit_id,
                 summary=text)


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(
            User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
    ) or 0


def reset_password(user: User) -> str:
    """Set a one-time password to hand over; the user must change it at the next login."""
    temporary = generate_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    ended = revoke_sessions(user)
    _admin_audit("user.password_reset", user, f"sessions_ended={ended}")
    return temporary


def set_active(user: User, active: bool, *, actor: User | None) -> None:
    if user.active == active:
        raise UserError(_("The account is already active.") if active
                           else _("The account is already deactivated."))
    if not active:
        if actor is not None and actor.id == user.id:
            raise UserError(_("You cannot deactivate your own account."))
        if user.role == Role.ADMIN and _other_active_admins(user) == 0:
            raise UserError(_("The last active administrator cannot be deactivated."))
        ended = revoke_sessions(user)
        user.active = False
        _admin_audit("user.deactivate", user, f"sessions_ended={ended}")
    else:
        user.active = True
        _admin_audit("user.reactivate", user)


def unlock(user: User) -> None:
    if user.locked_until is None and user.failed_logins == 0:
        raise UserError(_("The account is not locked."))
    user.locked_until = None
    user.failed_logins = 0
    _admin_audit("user.unlock", user)


def force_logout(user: User) -> int:
    ended = revoke_sessions(user)
    _admin_audit("user.force_logout", user, f"sessions_ended={ended}")
    return ended


def change_role_unit(user: User, role: str, unit_code: str, *, actor: User | None) -> None:
    new_role = _role(role)
    unit = _unit_for_assignment(unit_code) if unit_code != user.unit.code else user.unit
    if new_role == user.role and unit.id == user.unit_id:
        raise UserError(_("Nothing to change."), field="role")
    if user.role == Role.ADMIN and new_role != Role.ADMIN:
        if actor is not None and actor.id == user.id:
            raise UserError(_("You cannot remove your own administrator role."), field="role")
        if user.active and _other_active_admins(user) == 0:
            raise UserError(_("The last active administrator must keep the role."), field="role")
    changes = []
    if new_role != user.role:
        changes.append(f"role={user.role.value}->{new_role.value}")
        user.role = new_role
    if unit.id != user.unit_id:
        changes.append(f"unit={user.unit.code}->{unit.code}")
        user.unit_id = unit.id
        user.unit = unit
    _admin_audit("user.role_unit", user, " ".join(changes))


def reset_totp(user: User) -> None:
    """Remove a lost authenticator; the user enrols again (at once if the role needs it)."""
    if not user.totp_enabled and not user.totp_secret:
        raise UserError(_("Two-factor authentication is not set up for this account."))
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    ended = revoke_sessions(user)
    _admin_audit("user.totp_reset", user, f"sessions_ended={ended}")
