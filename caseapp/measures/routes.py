from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from caseapp.access import get_or_404
from caseapp.cases.models import Case
from caseapp.db import db
from caseapp.measures import services
from caseapp.measures.forms import MeasureForm
from caseapp.measures.models import ProtectionMeasure
from caseapp.policy import requires
from caseapp.records.common import audit_view, case_page_url
from caseapp.transaction import transaction

bp = Blueprint("measures", __name__)


def _values(form: MeasureForm) -> dict[str, Any]:
    return {k: getattr(form, k).data for k in services.FIELDS}


@bp.route("/new/<int:case_id>", methods=["GET", "POST"])
@requires("measure.create", load=lambda case_id: get_or_404(Case, case_id))
def new(case_id: int) -> tuple[str, int] | Response:
    case = get_or_404(Case, case_id)
    form = MeasureForm()
    status = 200
    if form.validate_on_submit():
        with transaction(form) as tx:
            services.save_measure(case, _values(form), current_user)
        if tx.ok:
            flash(_("The protection measure was saved."), "success")
            return redirect(case_page_url(case, "measures"))
        status = tx.status
    elif form.errors:
        status = 400
    return render_template("measures/form.html", form=form, case=case, measure=None), status


@bp.route("/<int:measure_id>/edit", methods=["GET", "POST"])
@requires("measure.edit", load=lambda measure_id: get_or_404(ProtectionMeasure, measure_id))
def edit(measure_id: int) -> tuple[str, int] | Response:
    measure = get_or_404(ProtectionMeasure, measure_id)
    case = db.session.get_one(Case, measure.case_id)
    if request.method != "POST":
        with transaction():
            audit_view("protection_measure", measure.id, case)
        form = MeasureForm(obj=measure)
        return render_template("measures/form.html", form=form, case=case, measure=measure), 200
    form = MeasureForm()
    status = 400
    if form.validate():
        with transaction(form) as tx:
            services.save_measure(case, _values(form), current_user, measure)
        if tx.ok:
            flash(_("The protection measure was saved."), "success")
            return redirect(case_page_url(case, "measures"))
        status = tx.status
    return render_template("measures/form.html", form=form, case=case, measure=measure), status

