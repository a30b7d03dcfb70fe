from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from caseapp.access import get_or_404, scope_condition
from caseapp.cases.models import Case
from caseapp.clients.age import CHILD_AGE, is_surely_under, may_be_under
from caseapp.clients.models import Client
from caseapp.consents import services
from caseapp.consents.forms import FIELD_LABELS, ConsentForm, WithdrawForm
from caseapp.consents.models import Consent
from caseapp.db import db
from caseapp.records.common import case_page_url
from caseapp.referrals.models import Provider

bp = Blueprint("consents", __name__)

ERRORS: dict[str, Any] = {
    "given_by": _l("The client is under 16: consent must be given by a guardian."),
    "guardian_name": _l("Enter the guardian's name."),
    "given_on": _l("This date cannot be in the future."),
}
WITHDRAW_ERRORS: dict[str, Any] = {
    "already withdrawn": _l("This consent was already withdrawn."),
    "future date": _l("This date cannot be in the future."),
    "before given": _l("A consent cannot be withdrawn before it was given."),
}


def _providers() -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in db.session.execute(
        sa.select(Provider.id, Provider.name).where(Provider.active.is_(True))
        .order_by(Provider.name))]


@bp.route("/new/<int:case_id>", methods=["GET", "POST"])
def new(case_id: int) -> tuple[str, int] | Response:
    case = get_or_404(Case, case_id)
    client = db.session.get_one(Client, case.client_id)
    form = ConsentForm()
    form.set_providers(_providers())
    on = services.today()
    child = may_be_under(client, on, CHILD_AGE)
    child_certain = is_surely_under(client, on, CHILD_AGE)
    if form.validate_on_submit():
        try:
            services.record_consent(
                client, purpose=form.purpose.data, given_by=form.given_by.data,
                given_on=form.given_on.data, user=current_user,
                guardian_name=form.guardian_name.data, provider_id=form.provider_id.data,
                shared_fields=form.shared_fields.data or [], unit_id=case.unit_id)
        except services.ConsentError as exc:
            db.session.rollback()
            getattr(form, exc.field).errors = [ERRORS[exc.field]]
        else:
            db.session.commit()
            flash(_("The consent was recorded."), "success")
            return redirect(case_page_url(case, "consents"))
    return render_template("consents/form.html", form=form, case=case, child=child,
                           child_certain=child_certain), (
        400 if form.errors else 200)


@bp.route("/<int:consent_id>/withdraw", methods=["GET", "POST"])
def withdraw(consent_id: int) -> tuple[str, int] | Response:
    consent = get_or_404(Consent, consent_id)
    case_id = request.args.get("case", type=int)
    # Return to the case the user came from only if it is theirs to see and the client's.
    case = None
    if case_id:
        case = db.session.scalar(sa.select(Case).where(
            Case.id == case_id, Case.client_id == consent.client_id, scope_condition(Case)))
    form = WithdrawForm()
    if request.method != "POST":
        form.withdrawn_on.data = services.today()
    elif form.validate():
        try:
            services.withdraw_consent(consent, form.withdrawn_on.data, current_user,
                                      unit_id=case.unit_id if case else None)
        except services.ConsentError as exc:
            db.session.rollback()
            form.withdrawn_on.errors = [WITHDRAW_ERRORS[str(exc)]]
        else:
            db.session.commit()
            flash(_("The consent was withdrawn."), "success")
            return redirect(case_page_url(case, "consents") if case else "/")
    return render_template("consents/withdraw.html", form=form, consent=consent, case=case,
                           field_labels=FIELD_LABELS), 400 if form.errors else 200
