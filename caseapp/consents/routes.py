from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
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
from caseapp.policy import requires
from caseapp.records.common import case_page_url
from caseapp.referrals.models import Provider
from caseapp.transaction import transaction

bp = Blueprint("consents", __name__)


def _providers() -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in db.session.execute(
        sa.select(Provider.id, Provider.name).where(Provider.active.is_(True))
        .order_by(Provider.name))]


@bp.route("/new/<int:case_id>", methods=["GET", "POST"])
@requires("consent.create", load=lambda case_id: get_or_404(Case, case_id))
def new(case_id: int) -> tuple[str, int] | Response:
    case = get_or_404(Case, case_id)
    client = db.session.get_one(Client, case.client_id)
    form = ConsentForm()
    form.set_providers(_providers())
    on = services.today()
    child = may_be_under(client, on, CHILD_AGE)
    child_certain = is_surely_under(client, on, CHILD_AGE)
    status = 200
    if form.validate_on_submit():
        with transaction(form) as tx:
            services.record_consent(
                client, purpose=form.purpose.data, given_by=form.given_by.data,
                given_on=form.given_on.data, user=current_user,
                guardian_name=form.guardian_name.data, provider_id=form.provider_id.data,
                shared_fields=form.shared_fields.data or [], unit_id=case.unit_id)
        if tx.ok:
            flash(_("The consent was recorded."), "success")
            return redirect(case_page_url(case, "consents"))
        status = tx.status
    elif form.errors:
        status = 400
    return render_template("consents/form.html", form=form, case=case, child=child,
                           child_certain=child_certain), status


@bp.route("/<int:consent_id>/withdraw", methods=["GET", "POST"])
@requires("consent.withdraw", load=lambda consent_id: get_or_404(Consent, consent_id))
def withdraw(consent_id: int) -> tuple[str, int] | Response:
    consent = get_or_404(Consent, consent_id)
    case_id = request.args.get("case", type=int)
    # Return to the case the user came from only if it is theirs to see and the client's.
    case = None
    if case_id:
        case = db.session.scalar(sa.select(Case).where(
            Case.id == case_id, Case.client_id == consent.client_id, scope_condition(Case)))
    form = WithdrawForm()
    status = 200
    if request.method != "POST":
        form.withdrawn_on.data = services.today()
    elif form.validate():
        with transaction(form) as tx:
            services.withdraw_consent(consent, form.withdrawn_on.data, current_user,
                                      unit_id=case.unit_id if case else None)
        if tx.ok:
            flash(_("The consent was withdrawn."), "success")
            return redirect(case_page_url(case, "consents") if case else "/")
        status = tx.status
    else:
        status = 400
    return render_template("consents/withdraw.html", form=form, consent=consent, case=case,
                           field_labels=FIELD_LABELS), status

