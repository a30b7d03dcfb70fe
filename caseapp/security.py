"""Deny by default, server-side sessions, and security headers.

Every endpoint needs a logged-in user except the short allowlist below. The Flask session
cookie carries only a random token; the matching row in ``user_sessions`` is checked on every
request, so logout, forced logout, idle and absolute timeouts apply on every worker.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh as babel_refresh
from flask_login import current_user

from caseapp.auth.models import User, UserSession
from caseapp.clock import now
from caseapp.db import db
from caseapp.errors import NulCharacter
from caseapp.extensions import login_manager
from caseapp.policy import action_of
from caseapp.transaction import transaction

PUBLIC_ENDPOINTS = frozenset({"auth.login", "static", "main.health", "main.set_language"})
# Endpoints a logged-in user may reach before finishing two-factor login or enrolment.
MFA_PENDING_ENDPOINTS = frozenset(
    {"auth.totp_verify", "auth.totp_enrol", "auth.logout", "static", "main.set_language"}
)
# Endpoints a user whose password must be changed may reach before changing it.
PASSWORD_CHANGE_ENDPOINTS = frozenset(
    {"auth.change_password", "auth.logout", "static", "main.set_language"}
)
# Refresh last_seen at most this often, so a page view is not a write every time.
_TOUCH_EVERY = timedelta(seconds=60)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, mfa_passed: bool) -> UserSession:
    """Begin a new server-side session (a fresh id at every login). Caller commits.

    Any session the browser carried before is revoked, so an id planted before login
    (session fixation) is worthless afterwards.
    """
    old = session.get("sid")
    if old:
        previous = db.session.get(UserSession, _token_id(old))
        if previous is not None and previous.revoked_at is None:
            previous.revoked_at = now()
    lang = session.get("lang")  # the language choice is no secret; keep it
    session.clear()
    if lang:
        session["lang"] = lang
    token = secrets.token_urlsafe(32)
    t = now()
    row = UserSession(
        id=_token_id(token),
        user_id=user.id,
        created_at=t,
        last_seen_at=t,
        mfa_passed=mfa_passed,
        ip=(request.remote_addr or "") if has_request_context() else "",
    )
    db.session.add(row)
    session["sid"] = token
    session.permanent = True
    g.session_row = row
    return row


def rotate_session(*, mfa_passed: bool) -> UserSession:
    """Replace the current session by one with a new id after a privilege change (the
    second factor passed). The absolute timeout still counts from the original login.
    Caller commits."""
    old = current_session_row()
    if old is None:
        raise RuntimeError("no session to rotate")
    lang = session.get("lang")
    user_id = session.get("_user_id")
    old.revoked_at = now()
    session.clear()
    token = secrets.token_urlsafe(32)
    row = UserSession(id=_token_id(token), user_id=old.user_id, created_at=old.created_at,
                      last_seen_at=now(), mfa_passed=mfa_passed, ip=old.ip)
    db.session.add(row)
    session["sid"] = token
    session.permanent = True
    if lang:
        session["lang"] = lang
    if user_id is not None:
        session["_user_id"] = user_id
    g.session_row = row
    return row


def current_session_row() -> UserSession | None:
    return g.get("session_row")


def end_session() -> None:
    row = current_session_row()
    if row is not None and row.revoked_at is None:
        row.revoked_at = now()
    session.clear()


def revoke_all_sessions(user_id: int) -> int:
    result = db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    return result.rowcount or 0


@login_manager.request_loader
def _load_user_from_session(_request: object) -> User | None:
    g.pop("session_row", None)
    token = session.get("sid")
    if not token:
        return None
    row = db.session.get(UserSession, _token_id(token))
    cfg = current_app.config
    t = now()
    if (
        row is None
        or row.revoked_at is not None
        or t - row.last_seen_at > cfg["SESSION_IDLE_TIMEOUT"]
        or t - row.created_at > cfg["SESSION_ABSOLUTE_TIMEOUT"]
    ):
        if row is not None and row.revoked_at is None:
            with transaction():
                row.revoked_at = t
        session.clear()
        g.session_expired = True
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if t - row.last_seen_at > _TOUCH_EVERY:
        with transaction():
            row.last_seen_at = t
    g.session_row = row
    return user


def mfa_required_by_role(user: User) -> bool:
    from caseapp.settings.services import get_setting

    return user.role.value in (get_setting("mfa_required_roles") or ())


def mfa_required_for(user: User) -> bool:
    return user.totp_enabled or mfa_required_by_role(user)


def init_security(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # sessions are server-side and revocable instead

    @app.before_request
    def _fresh_request_state() -> None:
        # Per-request caches live on the app context. A server pushes a new one per request,
        # but an app context that is already active (tests, CLI tools driving requests) is
        # reused, so clear them: the user, locale and settings are decided anew each request.
        for key in ("_login_user", "_settings_cache", "_nav_items", "session_row",
                    "session_expired"):
            g.pop(key, None)
        babel_refresh()

    @app.before_request
    def _refuse_nul_characters() -> None:
        # No text here can hold a NUL, and PostgreSQL can neither store nor compare one: a
        # value carrying it is refused before any query sees it (login and search included).
        values = (*request.args.lists(), *request.form.lists())
        if any("\x00" in key or any("\x00" in v for v in vs) for key, vs in values):
            raise NulCharacter()

    @app.before_request
    def _deny_by_default() -> Response | None:
        endpoint = request.endpoint
        if endpoint in PUBLIC_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            if g.get("session_expired"):
                # Said plainly, so the user does not take the login page for a fault or
                # think someone logged her out.
                flash(_("Your session has expired. Log in again to continue."), "info")
            return redirect(url_for("auth.login"))
        row = current_session_row()
        user = current_user
        # The role's requirement is checked on every request, not only at login, so a role
        # change or a new setting takes effect at once.
        needs_enrol = not user.totp_enabled and mfa_required_by_role(user)
        mfa_pending = row is not None and not row.mfa_passed and mfa_required_for(user)
        if (needs_enrol or mfa_pending) and endpoint not in MFA_PENDING_ENDPOINTS:
            if user.totp_enabled:
                return redirect(url_for("auth.totp_verify"))
            return redirect(url_for("auth.totp_enrol"))
        if (
            user.must_change_password
            and not (needs_enrol or mfa_pending)
            and endpoint not in PASSWORD_CHANGE_ENDPOINTS
        ):
            return redirect(url_for("auth.change_password"))
        view = current_app.view_functions.get(endpoint) if endpoint else None
        if view is not None and action_of(view) is None:
            # A route that names no action of the policy table is reached by nobody (the
            # access-matrix test names it too).
            abort(404)
        return None

    @app.after_request
    def _headers(resp: Response) -> Response:
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.endpoint != "static":
            resp.headers["Cache-Control"] = "no-store"
        return resp
