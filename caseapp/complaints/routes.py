from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from caseapp.access import can_see_cases, get_or_404, scope_condition
from caseapp.attachments import services as attachments
from caseapp.attachments.forms import UploadForm
from caseapp.audit import services as audit
from caseapp.cases.models import Case
from caseapp.complaints import services
from caseapp.complaints.forms import ComplaintFilterForm, ComplaintForm, StatusForm
from caseapp.complaints.models import Complaint
from caseapp.db import db
from caseapp.labels import label
from caseapp.nav import NavItem, add_nav
from caseapp.overdue import complaint_is_overdue, complaint_overdue
from caseapp.paging import DESC, page_arg, paginate, sort_arg
from caseapp.records.common import STALE_MESSAGE, StaleVersion, opts
from caseapp.units.models import Unit

bp = Blueprint("complaints", __name__)

PAGE_SIZE = 50
# The list's sort keys: only these reach ORDER BY.
SORTS: dict[str, Any] = {
    "code": Complaint.code, "received": Complaint.received_on,
    "deadline": Complaint.deadline_on,
}
ERRORS: dict[str, Any] = {
    "future": _l("This date cannot be in the future."),
    "no such case": _l("No case with this code in your units."),
    "transition": _l("This status cannot follow the current one."),
    "forward target": _l("Record the agency it is forwarded to (handling) first."),
}


def _values(form: ComplaintForm) -> dict[str, Any]:
    return {k: getattr(form, k).data for k in services.FIELDS}


def _require_case_role() -> None:
    if not can_see_cases():
        abort(404)


def _list(overdue_only: bool) -> str:
    _require_case_role()
    filters = ComplaintFilterForm(request.args)
    filters.validate()
    q = sa.select(Complaint, Case.code.label("case_code")).outerjoin(
        Case, Case.id == Complaint.case_id).where(scope_condition(Complaint))
    if filters.status.data and not filters.status.errors:
        q = q.where(Complaint.status == filters.status.data)
    if overdue_only or filters.overdue.data == "1":
        q = q.where(complaint_overdue())
    if filters.received_from.data:
        q = q.where(Complaint.received_on >= filters.received_from.data)
    if filters.received_to.data:
        q = q.where(Complaint.received_on <= filters.received_to.data)
    sort = sort_arg(SORTS, "received", DESC)
    rows = paginate(q.order_by(*sort.order_by(SORTS, Complaint.id)), page_arg(),
                    lambda found: [(r[0], r[1]) for r in found], PAGE_SIZE)
    return render_template("complaints/list.html", rows=rows, filters=filters, sort=sort,
                           overdue_only=overdue_only, is_overdue=complaint_is_overdue)


@bp.route("/")
def index() -> str:
    return _list(False)


@bp.route("/overdue")
def overdue() -> str:
    return _list(True)


def _form_error(form: Any, exc: services.ComplaintError) -> None:
    getattr(form, exc.field).errors = [ERRORS[exc.reason]]


@bp.route("/new", methods=["GET", "POST"])
def new() -> tuple[str, int] | Response:
    _require_case_role()
    form = ComplaintForm()
    if form.validate_on_submit():
        unit = db.session.get_one(Unit, current_user.unit_id)
        try:
            c = services.create_complaint(unit, _values(form), current_user, form.case_code.data)
        except services.ComplaintError as exc:
            db.session.rollback()
            _form_error(form, exc)
        else:
            db.session.commit()
            flash(_("The complaint was recorded as %(code)s.", code=c.code), "success")
            return redirect(url_for("complaints.view", complaint_id=c.id))
    return render_template("complaints/form.html", form=form, complaint=None), (
        400 if form.errors else 200)


@bp.route("/<int:complaint_id>")
def view(complaint_id: int) -> str:
    c = get_or_404(Complaint, complaint_id)
    case = db.session.get(Case, c.case_id) if c.case_id else None
    audit.record("complaint.view", object_type="complaint", object_id=c.id, unit_id=c.unit_id,
                 summary=c.code)
    db.session.commit()
    status_form = StatusForm(data={"version": c.version})
    status_form.status.choices = opts((s.value, label(s)) for s in services.TRANSITIONS[c.status])
    return render_template(
        "complaints/view.html", c=c, case=case, overdue=complaint_is_overdue(c),
        status_form=status_form, attachments=attachments.for_complaint(c.id),
        upload_form=UploadForm())


@bp.route("/<int:complaint_id>/edit", methods=["GET", "POST"])
def edit(complaint_id: int) -> tuple[str, int] | Response:
    c = get_or_404(Complaint, complaint_id)
    if request.method != "POST":
        code = db.session.scalar(sa.select(Case.code).where(Case.id == c.case_id)) \
            if c.case_id else None
        form = ComplaintForm(obj=c, data={"case_code": code or ""})
        return render_template("complaints/form.html", form=form, complaint=c), 200
    form = ComplaintForm()
    if form.validate():
        try:
            services.update_complaint(c, _values(form), current_user, form.case_code.data,
                                      form.version.data)
            db.session.commit()
        except services.ComplaintError as exc:
            db.session.rollback()
            _form_error(form, exc)
        except (StaleVersion, StaleDataError):
            db.session.rollback()
            flash(str(STALE_MESSAGE), "error")
            return render_template("complaints/form.html", form=form, complaint=c), 409
        else:
            flash(_("The complaint was saved."), "success")
            return redirect(url_for("complaints.view", complaint_id=c.id))
    return render_template("complaints/form.html", form=form, complaint=c), 400


@bp.route("/<int:complaint_id>/status", methods=["POST"])
def status(complaint_id: int) -> Response:
    c = get_or_404(Complaint, complaint_id)
    form = StatusForm()
    if form.validate():
        try:
            services.change_status(c, form.status.data, form.version.data)
            db.session.commit()
            flash(_("The status was changed."), "success")
        except services.ComplaintError as exc:
            db.session.rollback()
            flash(str(ERRORS[exc.reason]), "error")
        except (StaleVersion, StaleDataError):
            db.session.rollback()
            flash(str(STALE_MESSAGE), "error")
    else:
        flash(_("Choose a status."), "error")
    return redirect(url_for("complaints.view", complaint_id=complaint_id))


add_nav(NavItem("complaints.index", _l("Complaints"), ("counselor", "supervisor"),
                badge=services.overdue_count_query))
