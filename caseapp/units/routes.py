"""Unit screens: the tree, and the changes an administrator makes to it.

Administrators change units; supervisors may look at their own subtree. Every change goes
through ``caseapp.units.services`` inside one transaction; a refused change rolls everything
back and is shown beside the field it concerns.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from caseapp.auth.models import Role, User
from caseapp.db import db
from caseapp.i18n import localized
from caseapp.nav import NavItem, add_nav
from caseapp.policy import requires
from caseapp.transaction import transaction
from caseapp.units import services
from caseapp.units.forms import (
    KindLabelsForm,
    UnitCreateForm,
    UnitMergeForm,
    UnitMoveForm,
    UnitRenameForm,
    UnitRetireForm,
)
from caseapp.units.models import Unit, UnitKind
from caseapp.units.tree import load_tree, subtree_ids, walk

bp = Blueprint("units", __name__)

add_nav(NavItem("units.index", _l("Units"), ("admin", "supervisor")))

def kind_labels() -> dict[str, str]:
    """Kind code -> label in the user's language, in the kinds' order."""
    column = localized(UnitKind.label_vi, UnitKind.label_en)
    rows = db.session.execute(
        sa.select(UnitKind.code, column).order_by(UnitKind.sort, UnitKind.code)
    )
    return {code: text for code, text in rows}


def _get_unit(unit_id: int, **_: Any) -> Unit:
    """The unit, if the current user may see it (supervisors: their subtree only)."""
    stmt = sa.select(Unit).where(Unit.id == unit_id)
    if current_user.role != Role.ADMIN:
        stmt = stmt.where(Unit.id.in_(subtree_ids(current_user.unit_id)))
    unit = db.session.scalar(stmt)
    if unit is None:
        abort(404)
    return unit


def _unit_choices(exclude_below: Unit | None = None, top_level: bool = True,
                  ) -> list[tuple[int | None, str]]:
    """Active units in tree order, indented, for a parent or successor select."""
    roots, _by_id = load_tree()
    out: list[tuple[int | None, str]] = []
    if top_level:
        out.append((None, _("— none (top level) —")))
    for node in walk(roots):
        u = node.unit
        if u.merged_into_id is not None or u.active_to is not None:
            continue
        if exclude_below is not None and u.path.startswith(exclude_below.path):
            continue
        out.append((u.id, f"{'· ' * node.depth}{u.name} ({u.code})"))
    return out


def _apply(form: FlaskForm, change: Callable[[], Any]) -> bool:
    """Run a service call in one transaction; a refusal is shown on the form."""
    with transaction(form) as tx:
        change()
    return tx.ok


def _active_unit_or_error(form: FlaskForm, field: str, unit_id: int | None) -> Unit | None:
    if unit_id is None:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        getattr(form, field).errors = [_("Not a valid choice.")]
    return unit


@bp.route("/")
@requires("unit.view")
def index() -> str:
    root = None if current_user.role == Role.ADMIN else current_user.unit_id
    roots, by_id = load_tree(root)
    return render_template("units/index.html", roots=roots, by_id=by_id, kinds=kind_labels(),
                           can_edit=current_user.role == Role.ADMIN)


@bp.route("/new", methods=["GET", "POST"])
@requires("unit.manage")
def create() -> str | Response:
    form = UnitCreateForm()
    kinds = kind_labels()
    form.kind.choices = [("", _("— choose —")), *kinds.items()]
    form.parent.choices = _unit_choices()
    if form.validate_on_submit():
        parent = _active_unit_or_error(form, "parent", form.parent.data)
        if not form.parent.errors:
            created: list[Unit] = []
            if _apply(form, lambda: created.append(services.create_unit(
                    form.code.data or "", form.name.data or "", form.kind.data or "",
                    parent, form.active_from.data))):
                flash(_("The unit was created."), "success")
                return redirect(url_for("units.detail", unit_id=created[0].id))
    return render_template("units/form.html", form=form, title=_("New unit"),
                           fields=["code", "name", "kind", "parent", "active_from"], unit=None)


@bp.route("/<int:unit_id>")
@requires("unit.view", load=_get_unit)
def detail(unit_id: int) -> str:
    unit = _get_unit(unit_id)
    ancestor_ids = [int(p) for p in unit.path.strip("/").split("/")[:-1] if p]
    if current_user.role != Role.ADMIN:
        # Supervisors see the path from their own unit down, not the units above it.
        own = current_user.unit_id
        ancestor_ids = ancestor_ids[ancestor_ids.index(own):] if own in ancestor_ids else []
    ancestors = {u.id: u for u in db.session.scalars(
        sa.select(Unit).where(Unit.id.in_(ancestor_ids)))} if ancestor_ids else {}
    merged_here = db.session.scalars(
        sa.select(Unit).where(Unit.merged_into_id == unit.id).order_by(Unit.merged_on, Unit.code)
    ).all()
    users = db.session.scalar(
        sa.select(sa.func.count()).select_from(User)
        .where(User.unit_id == unit.id, User.active.is_(True))
    )
    return render_template(
        "units/detail.html", unit=unit, kinds=kind_labels(),
        ancestors=[ancestors[i] for i in ancestor_ids if i in ancestors],
        merged_here=merged_here, below=services.subtree_count(unit), users=users,
        can_edit=current_user.role == Role.ADMIN,
    )


@bp.route("/<int:unit_id>/rename", methods=["GET", "POST"])
@requires("unit.manage", load=_get_unit)
def rename(unit_id: int) -> str | Response:
    unit = _get_unit(unit_id)
    form = UnitRenameForm(obj=unit)
    form.kind.choices = [("", _("— choose —")), *kind_labels().items()]
    if form.validate_on_submit() and _apply(
            form, lambda: services.rename_unit(unit, form.name.data or "", form.kind.data or "")):
        flash(_("The unit was saved."), "success")
        return redirect(url_for("units.detail", unit_id=unit_id))
    return render_template("units/form.html", form=form, title=_("Rename unit"),
                           fields=["name", "kind"], unit=unit)


@bp.route("/<int:unit_id>/move", methods=["GET", "POST"])
@requires("unit.manage", load=_get_unit)
def move(unit_id: int) -> str | Response:
    unit = _get_unit(unit_id)
    form = UnitMoveForm()
    form.parent.choices = _unit_choices(exclude_below=unit)
    if not form.is_submitted():
        form.parent.data = unit.parent_id
    if form.validate_on_submit():
        parent = _active_unit_or_error(form, "parent", form.parent.data)
        if not form.parent.errors and _apply(form, lambda: services.move_unit(unit, parent)):
            flash(_("The unit was moved."), "success")
            return redirect(url_for("units.detail", unit_id=unit_id))
    return render_template("units/form.html", form=form, title=_("Move unit"),
                           fields=["parent"], unit=unit)


@bp.route("/<int:unit_id>/retire", methods=["GET", "POST"])
@requires("unit.manage", load=_get_unit)
def retire(unit_id: int) -> str | Response:
    unit = _get_unit(unit_id)
    form = UnitRetireForm()
    if form.validate_on_submit() and _apply(
            form, lambda: services.retire_unit(unit, form.on.data)):
        flash(_("The unit was retired."), "success")
        return redirect(url_for("units.detail", unit_id=unit_id))
    return render_template("units/form.html", form=form, title=_("Retire unit"),
                           fields=["on"], unit=unit)


@bp.route("/<int:unit_id>/merge", methods=["GET", "POST"])
@requires("unit.manage", load=_get_unit)
def merge(unit_id: int) -> str | Response:
    """Two steps: choose successor and date, then confirm after seeing what will happen."""
    unit = _get_unit(unit_id)
    form = UnitMergeForm()
    # The placeholder's value is empty (None would be sent as "None"): HTML requires it of
    # the first option of a required select, and the required check refuses it.
    form.successor.choices = [("", _("— choose —")),
                              *_unit_choices(exclude_below=unit, top_level=False)]
    if form.validate_on_submit():
        successor = _active_unit_or_error(form, "successor", form.successor.data)
        if successor is not None and not form.successor.errors:
            if form.confirm.data == "1":
                if _apply(form, lambda: services.merge_unit(unit, successor, form.on.data)):
                    flash(_("The unit was merged."), "success")
                    return redirect(url_for("units.detail", unit_id=unit_id))
            else:
                return _merge_preview(form, unit, successor)
    # The first step is shown again: the merge must be confirmed anew after any correction.
    form.confirm.data = ""
    return render_template("units/form.html", form=form, title=_("Merge unit"),
                           fields=["successor", "on"], unit=unit)


class _Preview(Exception):
    """Ends a merge that was run only to see whether it can be done."""


def _merge_preview(form: UnitMergeForm, unit: Unit, successor: Unit) -> str:
    """Check the merge by running it and rolling back, so the rules live in one place."""
    facts = {
        "below": services.subtree_count(unit),
        "users": db.session.scalar(
            sa.select(sa.func.count()).select_from(User)
            .where(User.unit_id == unit.id, User.active.is_(True))
        ),
        "unit_name": unit.name, "unit_code": unit.code,
        "successor_name": successor.name, "successor_code": successor.code,
    }
    # _Preview ends a merge that was possible; the transaction has rolled it back.
    with contextlib.suppress(_Preview), transaction(form) as tx:
        services.merge_unit(unit, successor, form.on.data)
        raise _Preview
    if tx.error is not None:
        return render_template("units/form.html", form=form, title=_("Merge unit"),
                               fields=["successor", "on"], unit=unit)
    form.confirm.data = "1"
    return render_template("units/merge_confirm.html", form=form, unit=unit, facts=facts)


@bp.route("/kinds")
@requires("unit.manage")
def kinds() -> str:
    rows = db.session.scalars(sa.select(UnitKind).order_by(UnitKind.sort, UnitKind.code)).all()
    return render_template("units/kinds.html", kinds=rows)


@bp.route("/kinds/<code>", methods=["GET", "POST"])
@requires("unit.manage")
def edit_kind(code: str) -> str | Response:
    kind = db.session.get(UnitKind, code)
    if kind is None:
        abort(404)
    form = KindLabelsForm(obj=kind)
    if form.validate_on_submit() and _apply(form, lambda: services.update_kind_labels(
            kind, form.label_vi.data or "", form.label_en.data or "")):
        flash(_("The labels were saved."), "success")
        return redirect(url_for("units.kinds"))
    return render_template("units/form.html", form=form, title=_("Unit kind labels"),
                           fields=["label_vi", "label_en"], unit=None, kind=kind)
