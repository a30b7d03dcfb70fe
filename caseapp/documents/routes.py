"""Printing the case summary and referral slips, and tracing a leaked page's document id."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from caseapp.access import get_or_404
from caseapp.cases.models import Case
from caseapp.cases.services import CASE_PEOPLE
from caseapp.documents.forms import CasePrintForm, LookupForm, SlipPrintForm
from caseapp.documents.services import DocumentSpec, lookup_document, render_document
from caseapp.documents.slip import SlipRefused, referral_slip_spec
from caseapp.documents.summary import SECTIONS, SHAREABLE_LABELS, case_summary_spec
from caseapp.nav import NavItem, add_nav
from caseapp.policy import requires
from caseapp.referrals.models import Referral
from caseapp.transaction import transaction

bp = Blueprint("documents", __name__)

add_nav(NavItem("documents.lookup", _l("Trace a printed document"), ("supervisor", "admin")))


def _pdf_response(spec: DocumentSpec, pdf: bytes) -> Response:
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            # The case code is a pseudonym: safe in a file name.
            "Content-Disposition": f'attachment; filename="{spec.filename}"',
            "Cache-Control": "no-store",
        },
    )


def _load_case(case_id: int) -> Case:
    return get_or_404(Case, case_id)


def _load_referral(referral_id: int) -> Referral:
    return get_or_404(Referral, referral_id)


@bp.route("/case/<int:case_id>/print", methods=["GET", "POST"])
@requires("case.print", load=_load_case)
def print_case(case_id: int) -> Response | str:
    case = get_or_404(Case, case_id, options=CASE_PEOPLE)
    form = CasePrintForm()
    if form.validate_on_submit():
        spec = case_summary_spec(case, form.sections.data, bool(form.identifying.data))
        with transaction():
            pdf = render_document(spec, user=current_user, password=form.chosen_password)
        return _pdf_response(spec, pdf)
    return render_template("documents/print_case.html", form=form, case=case)


@bp.route("/referral/<int:referral_id>/slip", methods=["GET", "POST"])
@requires("referral.print_slip", load=_load_referral)
def print_slip(referral_id: int) -> Response | tuple[str, int] | str:
    referral = get_or_404(Referral, referral_id)
    case = get_or_404(Case, referral.case_id)
    form = SlipPrintForm()
    try:
        spec = referral_slip_spec(referral, current_user)
    except SlipRefused:
        return render_template("documents/slip_refused.html", case=case), 403
    if form.validate_on_submit():
        with transaction():
            pdf = render_document(spec, user=current_user, password=form.chosen_password)
        return _pdf_response(spec, pdf)
    return render_template("documents/print_slip.html", form=form, case=case, spec=spec)


@bp.route("/lookup", methods=["GET", "POST"])
@requires("document.lookup")
def lookup() -> str:
    form = LookupForm()
    trace = None
    searched = False
    if form.validate_on_submit():
        searched = True
        with transaction():
            trace = lookup_document(form.doc_id.data or "", current_user)
    return render_template(
        "documents/lookup.html",
        form=form,
        trace=trace,
        searched=searched,
        section_labels={**SECTIONS, **SHAREABLE_LABELS},
    )
