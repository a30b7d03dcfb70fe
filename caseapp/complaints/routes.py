from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from caseapp.access import get_or_404, scope_condition
from caseapp.attachments import services as attachments
from caseapp.attachments.forms import UploadForm
from caseapp.cases.models import Case
from caseapp.complaints import services
from caseapp.complaints.forms import ComplaintFilterForm, ComplaintForm, StatusForm
from caseapp.complaints.models import Complaint
from caseapp.db import db
from caseapp.labels import label
from caseapp.nav import NavItem, add_nav
from caseapp.overdue import complaint_is_overdue, complaint_overdue
from caseapp.paging import DESC, page_arg, paginate, sort_arg
from caseapp.policy import requires
from caseapp.records.common import opts
from caseapp.transaction import transaction
from caseapp.units.models import Unit

bp = Blueprint("complaints", __name__)

PAGE_SIZE = 50
# The list's sort keys: only these reach ORDER BY.
SORTS: dict[str, Any] = {
    "code": Complaint.code, "received": Complaint.received_on,
    "deadline": Complaint.deadline_on,
}


def _values(form: ComplaintForm) -> dict[str, Any]:
    return {k: getattr(form, k).data for k in services.FIELDS}


def _list(overdue_only: bool) -> str:
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
@requires("complaint.list")
def index() -> str:
    return _list(False)


@bp.route("/overdue")
@requires("complaint.list")
def overdue() -> str:
    return _list(True)


def _load(complaint_id: int) -> Complaint:
    return get_or_404(Complaint, complaint_id)


@bp.route("/new", methods=["GET", "POST"])
@requires("complaint.create")
def new() -> tuple[str, int] | Response:
    form = ComplaintForm()
    http_status = 200
    if form.validate_on_submit():
        unit = db.session.get_one(Unit, current_user.unit_id)
        with transaction(form) as tx:
            c = services.create_complaint(unit, _values(form), current_user, form.case_code.data)
        if tx.ok:
            flash(_("The complaint was recorded as %(code)s.", code=c.code), "success")
            return redirect(url_for("complaints.view", complaint_id=c.id))
        http_status = tx.status
    elif form.errors:
        http_status = 400
    return render_template("complaints/form.html", form=form, complaint=None), http_status


@bp.route("/<int:complaint_id>")
@requires("complaint.view", load=_load)
def view(complaint_id: int) -> str:
    c = _load(complaint_id)
    case = db.session.get(Case, c.case_id) if c.case_id else None
    with transaction():
        services.record_view(c)
    status_form = StatusForm(data={"version": c.version})
    status_form.status.choices = opts((s.value, label(s)) for s in services.TRANSITIONS[c.status])
    return render_template(
        "complaints/view.html", c=c, case=case, overdue=complaint_is_overdue(c),
        status_form=status_form, attachments=attachments.for_complaint(c.id),
        upload_form=UploadForm())


@bp.route("/<int:complaint_id>/edit", methods=["GET", "POST"])
@requires("complaint.edit", load=_load)
def edit(complaint_id: int) -> tuple[str, int] | Response:
    c = _load(complaint_id)
    if request.method != "POST":
        code = db.session.scalar(sa.select(Case.code).where(Case.id == c.case_id)) \
            if c.case_id else None
        form = ComplaintForm(obj=c, data={"case_code": code or ""})
        return render_template("complaints/form.html", form=form, complaint=c), 200
    form = ComplaintForm()
    http_status = 400
    if form.validate():
        with transaction(form) as tx:
            services.update_complaint(c, _values(form), current_user, form.case_code.data,
                                      form.version.data)
        if tx.ok:
            flash(_("The complaint was saved."), "success")
            return redirect(url_for("complaints.view", complaint_id=c.id))
        http_status = tx.status
    return render_template("complaints/form.html", form=form, complaint=c), http_status


@bp.route("/<int:complaint_id>/status", methods=["POST"])
@requires("complaint.change_status", load=_load)
def status(complaint_id: int) -> Response:
    c = _load(complaint_id)
    form = StatusForm()
    if form.validate():
        # The page is shown again by a redirect: a refusal is flashed, not put on the form.
        with transaction() as tx:
            services.change_status(c, form.status.data, form.version.data)
        if tx.ok:
            flash(_("The status was changed."), "success")
    else:
        flash(_("Choose a status."), "error")
    return redirect(url_for("complaints.view", complaint_id=complaint_id))


add_nav(NavItem("complaints.index", _l("Complaints"), ("counselor", "supervisor"),
                badge=services.overdue_count_query))
