"""Account administration. Only administrators reach these pages (``user.manage``); no
other role sees accounts, so everyone else gets 404."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from caseapp.admin.forms import CreateUserForm, RoleUnitForm, UserFilterForm
from caseapp.auth import accounts
from caseapp.auth.forms import EmptyForm
from caseapp.auth.models import Role, User
from caseapp.clock import now
from caseapp.db import db
from caseapp.nav import NavItem, add_nav
from caseapp.policy import requires
from caseapp.transaction import transaction
from caseapp.units.models import Unit

bp = Blueprint("admin", __name__)

add_nav(NavItem("admin.users", _l("User accounts"), ("admin",)))


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]


def _user_or_404(user_id: int, **_: object) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users")
@requires("user.manage")
def users() -> str:
    form = UserFilterForm(request.args)
    stmt = sa.select(User).join(User.unit).order_by(User.username)
    if form.validate():
        if form.unit.data:
            stmt = stmt.where(Unit.code == form.unit.data)
        if form.role.data:
            stmt = stmt.where(User.role == Role(form.role.data))
        if form.active.data in ("0", "1"):
            stmt = stmt.where(User.active.is_(form.active.data == "1"))
    rows = db.session.scalars(stmt).unique().all()
    return render_template("admin/users.html", form=form, users=rows, now=now())


@bp.route("/users/new", methods=["GET", "POST"])
@requires("user.manage")
def create_user() -> str | tuple[str, int]:
    form = CreateUserForm()
    if form.validate_on_submit():
        password = accounts.generate_password() if form.generate.data else form.password.data
        with transaction(form) as tx:
            user = accounts.create_user(
                form.username.data or "", form.full_name.data or "", form.role.data or "",
                form.unit.data or "", password or "", must_change_password=True)
        if not tx.ok:
            return render_template("admin/user_new.html", form=form), 200
        # Shown in this response only: never stored in the (client-readable) session.
        return render_template("admin/password_shown.html", user=user,
                               password=password if form.generate.data else None,
                               created=True)
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>")
@requires("user.manage", load=_user_or_404)
def user_detail(user_id: int) -> str:
    user = _user_or_404(user_id)
    return _detail(user)


def _detail(user: User, role_form: RoleUnitForm | None = None) -> str:
    if role_form is None:
        role_form = RoleUnitForm(formdata=None, current_unit=user.unit,
                                 data={"role": user.role.value, "unit": user.unit.code})
    return render_template(
        "admin/user_detail.html", user=user, role_form=role_form,
        action_form=EmptyForm(formdata=None), sessions=accounts.active_sessions(user),
        locked=user.locked_until is not None and user.locked_until > now(),
    )


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@requires("user.manage", load=_user_or_404)
def change_role(user_id: int) -> str | Response:
    user = _user_or_404(user_id)
    form = RoleUnitForm(current_unit=user.unit)
    if form.validate_on_submit():
        with transaction(form) as tx:
            accounts.change_role_unit(user, form.role.data or "", form.unit.data or "",
                                      actor=_me())
        if not tx.ok:
            return _detail(_user_or_404(user_id), form)
        flash(_("The role and unit were saved."), "success")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    return _detail(user, form)


def _simple_action(user_id: int, action: Callable[[User], object], done: str) -> Response:
    user = _user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with transaction() as tx:
        action(user)
    if tx.ok:
        flash(done, "success")
    return redirect(url_for("admin.user_detail", user_id=user_id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@requires("user.manage", load=_user_or_404)
def deactivate(user_id: int) -> Response:
    return _simple_action(user_id, lambda u: accounts.set_active(u, False, actor=_me()),
                          _("The account was deactivated and its sessions ended."))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@requires("user.manage", load=_user_or_404)
def reactivate(user_id: int) -> Response:
    return _simple_action(user_id, lambda u: accounts.set_active(u, True, actor=_me()),
                          _("The account was reactivated."))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@requires("user.manage", load=_user_or_404)
def unlock(user_id: int) -> Response:
    return _simple_action(user_id, accounts.unlock, _("The account was unlocked."))


@bp.route("/users/<int:user_id>/logout", methods=["POST"])
@requires("user.manage", load=_user_or_404)
def force_logout(user_id: int) -> Response:
    return _simple_action(user_id, accounts.force_logout, _("All sessions were ended."))


@bp.route("/users/<int:user_id>/reset-totp", methods=["POST"])
@requires("user.manage", load=_user_or_404)
def reset_totp(user_id: int) -> Response:
    return _simple_action(user_id, accounts.reset_totp,
                          _("Two-factor authentication was reset; the user sets it up again."))


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@requires("user.manage", load=_user_or_404)
def reset_password(user_id: int) -> str:
    user = _user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with transaction():
        password = accounts.reset_password(user)
    return render_template("admin/password_shown.html", user=user, password=password,
                           created=False)
