from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from caseapp.audit import services as audit
from caseapp.auth import accounts, totp
from caseapp.auth.accounts import AccountError
from caseapp.auth.forms import (
    ChangePasswordForm,
    CodeForm,
    EmptyForm,
    LoginForm,
    PasswordConfirmForm,
)
from caseapp.auth.models import User
from caseapp.auth.services import authenticate
from caseapp.clock import now
from caseapp.db import db
from caseapp.security import (
    current_session_row,
    end_session,
    mfa_required_by_role,
    mfa_required_for,
    rotate_session,
    start_session,
)

bp = Blueprint("auth", __name__)

# One message for every failure, so the answer does not tell which usernames exist.
GENERIC_LOGIN_ERROR = _l("Wrong username or password, or the account is locked. "
                         "Try again later.")


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = authenticate(form.username.data or "", form.password.data or "",
                              request.remote_addr or "")
        if result.user is None:
            flash(str(GENERIC_LOGIN_ERROR), "error")
            return render_template("auth/login.html", form=form), 200
        user = result.user
        start_session(user, mfa_passed=not mfa_required_for(user))
        db.session.commit()
        login_user(user)
        return redirect(url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    audit.record("auth.logout", object_type="user", object_id=current_user.id,
                 unit_id=current_user.unit_id)
    end_session()
    db.session.commit()
    logout_user()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


def _is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > now()


def _locked_out() -> Response:
    """The second factor failed too often: the session is over, as after a wrong password."""
    end_session()
    db.session.commit()
    logout_user()
    flash(str(GENERIC_LOGIN_ERROR), "error")
    return redirect(url_for("auth.login"))


@bp.route("/totp", methods=["GET", "POST"])
def totp_verify() -> str | Response:
    user = _me()
    row = current_session_row()
    if row is None or row.mfa_passed or not user.totp_enabled:
        return redirect(url_for("main.index"))
    form = CodeForm()
    if form.validate_on_submit():
        if accounts.check_totp_login(user, form.code.data or ""):
            rotate_session(mfa_passed=True)
            db.session.commit()
            return redirect(url_for("main.index"))
        if _is_locked(user):
            return _locked_out()
        db.session.commit()
        form.code.errors = [_("The code is wrong or has already been used. "
                              "Wait for the next code.")]
    return render_template("auth/totp_verify.html", form=form)


@bp.route("/totp/enrol", methods=["GET", "POST"])
def totp_enrol() -> str | Response:
    user = _me()
    if user.totp_enabled:
        flash(_("Two-factor authentication is already on."), "info")
        return redirect(url_for("auth.account"))
    form = CodeForm()
    secret = accounts.pending_totp_secret(user)
    if form.validate_on_submit():
        try:
            accounts.confirm_totp(user, form.code.data or "")
        except AccountError as exc:
            locked = _is_locked(user)
            db.session.commit()
            if locked:
                return _locked_out()
            form.code.errors = [str(exc)]
        else:
            rotate_session(mfa_passed=True)
            db.session.commit()
            flash(_("Two-factor authentication is on."), "success")
            return redirect(url_for("main.index"))
    else:
        db.session.commit()  # keeps the pending secret, so the QR code stays the same
    uri = totp.provisioning_uri(secret, user.username)
    # The SVG is produced by the qrcode library from our own URI, not from user input.
    svg = Markup(totp.qr_svg(uri))  # noqa: S704  # nosec B704
    return render_template("auth/totp_enrol.html", form=form, qr=svg,
                           secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
                           required=mfa_required_by_role(user))


@bp.route("/totp/disable", methods=["POST"])
def totp_disable() -> str | Response:
    user = _me()
    form = PasswordConfirmForm()
    if form.validate_on_submit():
        try:
            accounts.disable_own_totp(user, form.password.data or "")
        except AccountError as exc:
            locked = _is_locked(user)
            db.session.commit()
            if locked:
                return _locked_out()
            flash(str(exc), "error")
            return redirect(url_for("auth.account"))
        db.session.commit()
        flash(_("Two-factor authentication is off."), "success")
    else:
        flash(_("Enter your password to turn two-factor authentication off."), "error")
    return redirect(url_for("auth.account"))


def _account_page(pw_form: ChangePasswordForm, status: int = 200) -> tuple[str, int]:
    user = _me()
    row = current_session_row()
    return render_template(
        "auth/account.html", user=user, pw_form=pw_form,
        disable_form=PasswordConfirmForm(formdata=None), end_form=EmptyForm(formdata=None),
        sessions=accounts.active_sessions(user), current_id=row.id if row else None,
        mfa_required=mfa_required_by_role(user),
    ), status


@bp.route("/account")
def account() -> tuple[str, int]:
    return _account_page(ChangePasswordForm(formdata=None))


@bp.route("/password", methods=["GET", "POST"])
def change_password() -> str | Response | tuple[str, int]:
    user = _me()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        row = current_session_row()
        try:
            accounts.change_password(user, form.current.data or "", form.new.data or "",
                                     keep_session=row.id if row else None)
        except AccountError as exc:
            locked = _is_locked(user)
            db.session.commit()  # keeps the failure count
            if locked:
                return _locked_out()
            field = form.current if exc.field == "current" else form.new
            field.errors = [str(exc)]
        else:
            db.session.commit()
            flash(_("Your password has been changed. Your other sessions were ended."),
                  "success")
            return redirect(url_for("auth.account"))
    if user.must_change_password:
        return render_template("auth/change_password.html", form=form, forced=True)
    if request.method == "POST":
        return _account_page(form, 200)
    return render_template("auth/change_password.html", form=form, forced=False)


@bp.route("/sessions/end-others", methods=["POST"])
def end_other_sessions() -> Response:
    form = EmptyForm()
    if form.validate_on_submit():
        row = current_session_row()
        user = _me()
        ended = accounts.revoke_sessions(user, keep=row.id if row else None)
        audit.record("auth.sessions_end_others", object_type="user", object_id=user.id,
                     unit_id=user.unit_id, summary=f"sessions_ended={ended}")
        db.session.commit()
        flash(_("Your other sessions were ended."), "success")
    return redirect(url_for("auth.account"))
