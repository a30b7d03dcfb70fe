from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from caseapp.auth import accounts, totp
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
from caseapp.policy import requires
from caseapp.security import (
    current_session_row,
    end_session,
    mfa_required_by_role,
    mfa_required_for,
    rotate_session,
    start_session,
)
from caseapp.transaction import transaction

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
        # A refused attempt is committed too: it counts toward the lockout and throttling.
        with transaction():
            result = authenticate(form.username.data or "", form.password.data or "",
                                  request.remote_addr or "")
            if result.user is not None:
                start_session(result.user, mfa_passed=not mfa_required_for(result.user))
        if result.user is None:
            flash(str(GENERIC_LOGIN_ERROR), "error")
            return render_template("auth/login.html", form=form), 200
        user = result.user
        login_user(user)
        return redirect(url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@requires("account.manage")
def logout() -> Response:
    with transaction():
        accounts.log_out(_me())
    logout_user()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


def _is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > now()


def _locked_out() -> Response:
    """The second factor failed too often: the session is over, as after a wrong password."""
    with transaction():
        end_session()
    logout_user()
    flash(str(GENERIC_LOGIN_ERROR), "error")
    return redirect(url_for("auth.login"))


@bp.route("/totp", methods=["GET", "POST"])
@requires("account.manage")
def totp_verify() -> str | Response:
    user = _me()
    row = current_session_row()
    if row is None or row.mfa_passed or not user.totp_enabled:
        return redirect(url_for("main.index"))
    form = CodeForm()
    if form.validate_on_submit():
        # A wrong code is committed too: it counts toward the lockout.
        with transaction():
            passed = accounts.check_totp_login(user, form.code.data or "")
            if passed:
                rotate_session(mfa_passed=True)
        if passed:
            return redirect(url_for("main.index"))
        if _is_locked(user):
            return _locked_out()
        form.code.errors = [_("The code is wrong or has already been used. "
                              "Wait for the next code.")]
    return render_template("auth/totp_verify.html", form=form)


@bp.route("/totp/enrol", methods=["GET", "POST"])
@requires("account.manage")
def totp_enrol() -> str | Response:
    user = _me()
    if user.totp_enabled:
        flash(_("Two-factor authentication is already on."), "info")
        return redirect(url_for("auth.account"))
    form = CodeForm()
    # The pending secret is kept, so the QR code stays the same from one visit to the next.
    with transaction():
        secret = accounts.pending_totp_secret(user)
    if form.validate_on_submit():
        # A wrong code is committed too: it counts toward the lockout.
        with transaction(form) as tx:
            confirmed = accounts.confirm_totp(user, form.code.data or "")
            if confirmed:
                rotate_session(mfa_passed=True)
        if tx.ok and confirmed:
            flash(_("Two-factor authentication is on."), "success")
            return redirect(url_for("main.index"))
        if tx.ok:
            if _is_locked(user):
                return _locked_out()
            form.code.errors = [str(accounts.WRONG_CODE)]
    uri = totp.provisioning_uri(secret, user.username)
    # The SVG is produced by the qrcode library from our own URI, not from user input.
    svg = Markup(totp.qr_svg(uri))  # noqa: S704  # nosec B704
    return render_template("auth/totp_enrol.html", form=form, qr=svg,
                           secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
                           required=mfa_required_by_role(user))


@bp.route("/totp/disable", methods=["POST"])
@requires("account.manage")
def totp_disable() -> str | Response:
    user = _me()
    form = PasswordConfirmForm()
    if form.validate_on_submit():
        # A wrong password is committed too: it counts toward the lockout.
        with transaction() as tx:
            done = accounts.disable_own_totp(user, form.password.data or "")
        if not tx.ok:
            return redirect(url_for("auth.account"))
        if not done:
            if _is_locked(user):
                return _locked_out()
            flash(str(accounts.WRONG_PASSWORD), "error")
            return redirect(url_for("auth.account"))
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
@requires("account.manage")
def account() -> tuple[str, int]:
    return _account_page(ChangePasswordForm(formdata=None))


@bp.route("/password", methods=["GET", "POST"])
@requires("account.manage")
def change_password() -> str | Response | tuple[str, int]:
    user = _me()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        row = current_session_row()
        # A wrong current password is committed too: it counts toward the lockout.
        with transaction(form) as tx:
            changed = accounts.change_password(user, form.current.data or "",
                                               form.new.data or "",
                                               keep_session=row.id if row else None)
        if tx.ok and not changed:
            if _is_locked(user):
                return _locked_out()
            form.current.errors = [str(accounts.WRONG_PASSWORD)]
        elif tx.ok:
            flash(_("Your password has been changed. Your other sessions were ended."),
                  "success")
            return redirect(url_for("auth.account"))
    if user.must_change_password:
        return render_template("auth/change_password.html", form=form, forced=True)
    if request.method == "POST":
        return _account_page(form, 200)
    return render_template("auth/change_password.html", form=form, forced=False)


@bp.route("/sessions/end-others", methods=["POST"])
@requires("account.manage")
def end_other_sessions() -> Response:
    form = EmptyForm()
    if form.validate_on_submit():
        row = current_session_row()
        with transaction():
            accounts.end_other_sessions(_me(), keep=row.id if row else None)
        flash(_("Your other sessions were ended."), "success")
    return redirect(url_for("auth.account"))
