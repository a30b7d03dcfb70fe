from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from caseapp.access import get_or_404
from caseapp.cases.models import Case, CaseCategory
from caseapp.db import db
from caseapp.incidents import services
from caseapp.incidents.forms import IncidentForm
from caseapp.incidents.models import Incident
from caseapp.policy import requires
from caseapp.records.common import audit_view, case_page_url
from caseapp.transaction import transaction

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
@requires("incident.create", load=lambda case_id: get_or_404(Case, case_id))
def new(case_id: int) -> tuple[str, int] | Response:
    case = get_or_404(Case, case_id)
    form = IncidentForm()
    if not form.validate_on_submit():
        return _render(form, case, None, 400 if form.errors else 200)
    with transaction(form) as tx:
        services.save_incident(case, _values(form), form.acts.data or [],
                               form.perpetrator_rows())
    if tx.ok:
        flash(_("The incident was saved."), "success")
        return redirect(case_page_url(case, "incidents"))
    return _render(form, case, None, tx.status)


@bp.route("/<int:incident_id>/edit", methods=["GET", "POST"])
@requires("incident.edit", load=lambda incident_id: get_or_404(Incident, incident_id))
def edit(incident_id: int) -> tuple[str, int] | Response:
    incident = get_or_404(Incident, incident_id)
    case = db.session.get_one(Case, incident.case_id)
    if request.method != "POST":
        with transaction():
            audit_view("incident", incident.id, case)
        return _render(IncidentForm(data=_initial(incident)), case, incident)
    form = IncidentForm()
    if not form.validate():
        return _render(form, case, incident, 400)
    with transaction(form) as tx:
        services.save_incident(case, _values(form), form.acts.data or [],
                               form.perpetrator_rows(), incident=incident,
                               version=form.version.data)
    if tx.ok:
        flash(_("The incident was saved."), "success")
        return redirect(case_page_url(case, "incidents"))
    return _render(form, case, incident, tx.status)

