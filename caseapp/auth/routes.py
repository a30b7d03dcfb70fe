from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from caseapp.audit import services as audit
from caseapp.auth.forms import LoginForm
from caseapp.auth.services import authenticate
from caseapp.db import db
from caseapp.security import end_session, mfa_required_for, start_session

bp = Blueprint("auth", __name__)

GENERIC_LOGIN_ERROR = _l("Wrong username or password, or the account is locked. Try again later.")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
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
    audit.record("logout", object_type="user", object_id=current_user.id,
                 unit_id=current_user.unit_id)
    end_session()
    db.session.commit()
    logout_user()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))
