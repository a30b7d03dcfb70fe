"""Audit log screens: a filtered, paginated list and the chain check.

Administrators see every entry; supervisors see the entries of their unit and the units
below it; other roles get 404 (``audit.view``). Only administrators check the chain.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.sql import ColumnElement

from caseapp.audit import services as audit
from caseapp.audit.actions import action_label, canonical, stored_names, summary_text
from caseapp.audit.forms import AuditFilterForm
from caseapp.audit.models import AuditEntry
from caseapp.audit.verification import verify_and_record
from caseapp.auth.models import Role, User
from caseapp.clock import LOCAL_TZ
from caseapp.db import db
from caseapp.nav import NavItem, add_nav
from caseapp.paging import Page, page_arg, paginate
from caseapp.policy import requires
from caseapp.transaction import transaction
from caseapp.units.models import Unit
from caseapp.units.tree import subtree_ids

bp = Blueprint("audit", __name__)

add_nav(NavItem("audit.index", _l("Audit log"), ("admin", "supervisor")))

PAGE_SIZE = 50

REASONS = {
    audit.REASON_REMOVED: _l("entries were removed from the end of the log"),
    audit.REASON_LINK: _l("the entry before it was removed or altered"),
    audit.REASON_ALTERED: _l("the entry was altered"),
}


def _scope() -> ColumnElement[bool]:
    if current_user.role == Role.ADMIN:
        return sa.true()
    return AuditEntry.unit_id.in_(subtree_ids(current_user.unit_id))


def _local_midnight_utc(d: Any) -> datetime:
    return datetime.combine(d, time.min, tzinfo=LOCAL_TZ)


def _filter_choices(form: AuditFilterForm) -> None:
    scope = _scope()
    if current_user.role == Role.ADMIN:
        users_stmt = sa.select(User.id, User.username)
    else:
        users_stmt = sa.select(User.id, User.username).where(
            User.unit_id.in_(subtree_ids(current_user.unit_id)))
    users = [(i, n) for i, n in db.session.execute(users_stmt.order_by(User.username))]
    form.user.choices = [(None, _("All")), *users]
    # One choice per action, old names folded into their current one, by label.
    stored = db.session.scalars(sa.select(AuditEntry.action).where(scope).distinct()).all()
    actions = sorted({canonical(a) for a in stored}, key=lambda a: (action_label(a), a))
    form.action.choices = [("", _("All")), *((a, action_label(a)) for a in actions)]
    types = db.session.scalars(
        sa.select(AuditEntry.object_type).where(scope, AuditEntry.object_type != "")
        .distinct().order_by(AuditEntry.object_type)).all()
    form.object_type.choices = [("", _("All")), *((t, t) for t in types)]


@bp.route("/")
@requires("audit.view")
def index() -> str:
    form = AuditFilterForm(request.args)
    _filter_choices(form)
    conditions: list[ColumnElement[bool]] = [_scope()]
    valid = form.validate() if request.args else True
    if valid:
        if form.user.data is not None:
            conditions.append(AuditEntry.user_id == form.user.data)
        if form.action.data:
            conditions.append(AuditEntry.action.in_(stored_names(form.action.data)))
        if form.object_type.data:
            conditions.append(AuditEntry.object_type == form.object_type.data)
        if form.date_from.data:
            conditions.append(AuditEntry.at >= _local_midnight_utc(form.date_from.data))
        if form.date_to.data:
            conditions.append(
                AuditEntry.at < _local_midnight_utc(form.date_to.data + timedelta(days=1)))
    # ``before`` pins the list to the entries that existed when its first page was shown,
    # so entries written meanwhile do not shift the later pages.
    before = request.args.get("before", type=int)
    if before:
        conditions.append(AuditEntry.id < before)
    entries: Page[AuditEntry] = Page([], 0, 1, PAGE_SIZE)
    if valid:
        entries = paginate(sa.select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc()),
                           page_arg(), lambda rows: [r[0] for r in rows], PAGE_SIZE)
    unit_ids = {e.unit_id for e in entries if e.unit_id is not None}
    units = {u.id: u for u in db.session.scalars(
        sa.select(Unit).where(Unit.id.in_(unit_ids)))} if unit_ids else {}
    pinned = before or (entries.items[0].id + 1 if entries.items and entries.page == 1 else None)
    return render_template(
        "audit/index.html", form=form, entries=entries, units=units, before=pinned,
        paged=bool(before), can_verify=current_user.role == Role.ADMIN,
        action_label=action_label, summary_text=summary_text,
    )


@bp.route("/verify", methods=["POST"])
@requires("audit.verify")
def verify() -> str:
    with transaction():
        checked, problem = verify_and_record()
    reason = REASONS.get(problem.reason, problem.reason) if problem else None
    return render_template("audit/verify.html", checked=checked, problem=problem, reason=reason)
