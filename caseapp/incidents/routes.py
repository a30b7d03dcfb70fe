from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from caseapp.access import get_or_404
from caseapp.cases.models import Case, CaseCategory
from caseapp.db import db
from caseapp.incidents import services
from caseapp.incidents.forms import IncidentForm
from caseapp.incidents.models import Incident
from caseapp.records.common import STALE_MESSAGE, StaleVersion, audit_view, case_page_url

bp = Blueprint("incidents", __name__)

VALUE_FIELDS = ("occurred_on", "place_type", "gbv_type", "narrative", "trafficking_purpose",
                "trafficking_scope", "destination_country", "returned_on")


def _values(form: IncidentForm) -> dict[str, Any]:
    return {name: getattr(form, name).data for name in VALUE_FIELDS}


def _initial(incident: Incident) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(incident, name) for name in VALUE_FIELDS}
    data["acts"] = [a.act for a in incident.acts]
    data["perpetrators"] = [
        {"relationship_": p.relationship_, "sex": p.sex, "age_group": p.age_group}
        for p in incident.perpetrators
    ]
    data["version"] = incident.version
    return data


def _render(form: IncidentForm, case: Case, incident: Incident | None, status: int = 200
            ) -> tuple[str, int]:
    return render_template(
        "incidents/form.html", form=form, case=case, incident=incident,
        trafficking=case.category == CaseCategory.TRAFFICKING,
    ), status


@bp.route("/new/<int:case_id>", methods=["GET", "POST"])
def new(case_id: int) -> tuple[str, int] | Response:
    case = get_or_404(Case, case_id)
    form = IncidentForm()
    if form.validate_on_submit():
        services.save_incident(case, _values(form), form.acts.data or [],
                               form.perpetrator_rows())
        db.session.commit()
        flash(_("The incident was saved."), "success")
        return redirect(case_page_url(case, "incidents"))
    return _render(form, case, None, 400 if form.errors else 200)


@bp.route("/<int:incident_id>/edit", methods=["GET", "POST"])
def edit(incident_id: int) -> tuple[str, int] | Response:
    incident = get_or_404(Incident, incident_id)
    case = db.session.get_one(Case, incident.case_id)
    if request.method != "POST":
        audit_view("incident", incident.id, case)
        db.session.commit()
        return _render(IncidentForm(data=_initial(incident)), case, incident)
    form = IncidentForm()
    if not form.validate():
        return _render(form, case, incident, 400)
    try:
        services.save_incident(case, _values(form), form.acts.data or [],
                               form.perpetrator_rows(), incident=incident,
                               version=form.version.data)
        db.session.commit()
    except (StaleVersion, StaleDataError):
        db.session.rollback()
        flash(str(STALE_MESSAGE), "error")
        return _render(form, case, incident, 409)
    flash(_("The incident was saved."), "success")
    return redirect(case_page_url(case, "incidents"))
