"""Login, lockout and throttling. State lives in the database so every worker agrees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from caseapp.audit import services as audit
from caseapp.auth.models import LoginAttempt, User
from caseapp.auth.passwords import hash_password, needs_rehash, verify_password
from caseapp.clock import now
from caseapp.db import db
from caseapp.security import mfa_required_for


@dataclass
class LoginResult:
    user: User | None
    # Why it failed, for the audit log only; users always see one generic message.
    reason: str = ""


def _address_throttled(ip: str) -> bool:
    cfg = current_app.config
    since = now() - timedelta(minutes=cfg["LOGIN_ADDRESS_WINDOW_MINUTES"])
    failures = db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginAttempt).where(
            LoginAttempt.ip == ip, LoginAttempt.at >= since, LoginAttempt.success.is_(False)
        )
    )
    return (failures or 0) >= cfg["LOGIN_MAX_PER_ADDRESS"]


def authenticate(username: str, password: str, ip: str) -> LoginResult:
    """Check a password login; stages the attempt and the audit entry. A failed attempt
    is kept too: the caller commits whatever the outcome."""
    cfg = current_app.config
    username = username.strip()[:64]
    user = db.session.scalar(
        sa.select(User).where(sa.func.lower(User.username) == username.lower())
        .with_for_update(of=User)
    )
    t = now()
    reason = ""
    if _address_throttled(ip):
        verify_password(None, password)
        reason = "address throttled"
    elif user is None:
        verify_password(None, password)
        reason = "unknown user"
    elif user.locked_until is not None and user.locked_until > t:
        verify_password(None, password)
        reason = "account locked"
    elif not verify_password(user.password_hash, password):
        user.failed_logins += 1
        reason = "wrong password"
        if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
            user.locked_until = t + timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
            reason = "wrong password; account locked"
    elif not user.active:
        reason = "account deactivated"

    ok = not reason
    db.session.add(LoginAttempt(at=t, ip=ip, username=username, success=ok))
    if ok:
        assert user is not None
        # With a second factor still to come, failures keep counting until it passes:
        # otherwise logging in again with a stolen password would reset the code guesses.
        if not mfa_required_for(user):
            user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = t
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        audit.record("auth.login", object_type="user", object_id=user.id, unit_id=user.unit_id,
                     user=user)
    else:
        audit.record(
            "auth.login_failed",
            object_type="user",
            object_id=user.id if user else None,
            unit_id=user.unit_id if user else None,
            summary=reason,
            username=username,
        )
    return LoginResult(user if ok else None, reason)
