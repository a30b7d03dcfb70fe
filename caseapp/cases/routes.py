from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from caseapp import access, policy
from caseapp.cases import services
from caseapp.cases.forms import (
    ApproveClosureForm,
    CaseForm,
    CommentForm,
    FilterForm,
    SearchForm,
    opts,
)
from caseapp.cases.models import Case, CaseCategory, CaseStatus, RiskLevel
from caseapp.clients import services as client_services
from caseapp.clients.forms import RevealForm
from caseapp.clients.models import Client
from caseapp.clock import today
from caseapp.labels import label
from caseapp.nav import NavItem, add_nav
from caseapp.paging import Sort, page_arg
from caseapp.policy import requires
from caseapp.transaction import Outcome, StaleEdit, transaction

bp = Blueprint("cases", __name__)

add_nav(NavItem("cases.index", _l("Cases"), ("counselor", "supervisor")))


# --- list and search -----------------------------------------------------------------------

def _filter_form() -> FilterForm:
    form = FilterForm(request.args)
    units = services.visible_units(current_user)
    form.unit.choices = opts([("", _("All units"))] + [(u.id, u.name) for u in units])
    counselors = services.assignable_counselors([u.id for u in units])
    form.counselor.choices = opts([("", _("All counselors"))] + [
        (u.id, u.full_name) for u in counselors])
    return form


def _filters(form: FilterForm) -> services.CaseFilters:
    form.validate()
    ok = {name for name, f in form._fields.items() if not f.errors}

    def value(name: str) -> Any:
        return form[name].data if name in ok and form[name].data else None

    return services.CaseFilters(
        unit_id=int(value("unit")) if value("unit") else None,
        category=CaseCategory(value("category")) if value("category") else None,
        status=CaseStatus(value("status")) if value("status") else None,
        risk=RiskLevel(value("risk")) if value("risk") else None,
        counselor_id=int(value("counselor")) if value("counselor") else None,
        detected_from=value("detected_from"),
        detected_to=value("detected_to"),
        overdue=bool(value("overdue")),
        mine=bool(value("mine")),
        sort=value("sort") or "detected",
        direction=value("direction") or "desc",
    )


@bp.route("/", methods=["GET", "POST"])
@requires("case.list")
def index() -> str:
    form = _filter_form()
    search = SearchForm()
    if request.method == "POST":
        # The term came in the body and the results are rendered here: it never reaches a URL.
        rows = services.search_cases(current_user, search.q.data or "") \
            if search.validate_on_submit() else []
        search.q.data = ""
        return render_template("cases/list.html", form=form, search=search, rows=rows,
                               total=len(rows), searched=True, page=None,
                               sort=None,
                               overdue=services.overdue_case_ids([r.case.id for r in rows]))
    per_page = min(max(request.args.get("per_page", 25, type=int), 1), 100)
    filters = _filters(form)
    rows = services.list_cases(current_user, filters, page_arg(), per_page)
    return render_template("cases/list.html", form=form, search=search, rows=rows.items,
                           total=rows.total, searched=False, page=rows,
                           sort=Sort(filters.sort, filters.direction),
                           overdue=services.overdue_case_ids([r.case.id for r in rows]))


# --- create and edit -----------------------------------------------------------------------

def _case_form(case: Case | None = None) -> CaseForm:
    form = CaseForm(closed_on=case.closed_on if case else None)
    units = services.assignable_units(current_user)
    if case is not None and case.unit_id not in {u.id for u in units}:
        # A case may stay where it is even if the user could not open one there.
        units = [case.unit, *units]
    form.unit.choices = opts((u.id, u.name) for u in units)
    counselors = services.assignable_counselors([u.id for u in units])
    form.counselor.choices = opts([("", _("Not assigned"))] + [
        (u.id, f"{u.full_name} ({u.unit.code})") for u in counselors])
    return form


def _refused_status(tx: Outcome) -> int:
    """The case form answers a refused save as it answers invalid input (200, shown again
    with the message); only a stale save differs (409)."""
    return 409 if isinstance(tx.error, StaleEdit) else 200


@bp.route("/new/<int:client_id>", methods=["GET", "POST"])
@requires("case.create", load=lambda client_id: access.get_or_404(Client, client_id))
def new(client_id: int) -> str | Response | tuple[str, int]:
    client = access.get_or_404(Client, client_id)
    form = _case_form()
    if not form.is_submitted():
        form.unit.data = str(current_user.unit_id)
        form.counselor.data = str(current_user.id)
        form.opened_on.data = today()
    elif form.validate():
        with transaction(form) as tx:
            case = services.open_case(client, services.CaseData.from_form(form), current_user)
        if tx.ok:
            flash(_("Case %(code)s opened.", code=case.code), "success")
            return redirect(url_for("cases.view", case_id=case.id))
        return render_template("cases/form.html", form=form, client=client,
                               case=None), _refused_status(tx)
    return render_template("cases/form.html", form=form, client=client, case=None)


def _load_form_from_case(form: CaseForm, case: Case) -> None:
    form.unit.data = str(case.unit_id)
    form.counselor.data = str(case.counselor_id) if case.counselor_id else ""
    form.category.data = case.category.value
    form.victim_status.data = case.victim_status.value if case.victim_status else ""
    form.detected_on.data = case.detected_on
    form.intake_channel.data = case.intake_channel.value if case.intake_channel else ""
    form.referring_source.data = case.referring_source.value if case.referring_source else ""
    form.opened_on.data = case.opened_on
    form.summary.data = case.summary or ""
    form.version.data = str(case.version)


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@requires("case.edit", load=lambda case_id: access.get_case_or_404(case_id))
def edit(case_id: int) -> str | Response | tuple[str, int]:
    case = access.get_case_or_404(case_id)
    form = _case_form(case)
    if not form.is_submitted():
        _load_form_from_case(form, case)
    elif form.validate():
        with transaction(form) as tx:
            changed = services.update_case(case, services.CaseData.from_form(form),
                                           form.version_number(), current_user)
        if tx.ok:
            flash(_("Case saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("cases.view", case_id=case.id))
        return render_template("cases/form.html", form=form, client=case.client,
                               case=case), _refused_status(tx)
    return render_template("cases/form.html", form=form, client=case.client, case=case)


# --- the case page -------------------------------------------------------------------------

def _render_case(case: Case, revealed: bool = False, status_form: Any = None,
                 status_action: str | None = None) -> str:
    # Render inside the transaction, which then commits the view's audit entry: a commit
    # first would expire every loaded record and the template would reload them one by one.
    # Nothing is shown unless the commit succeeds.
    with transaction():
        if revealed:
            # Recorded with the page that shows the identity: both or neither.
            client_services.record_reveal(case.client, current_user)
        page = services.load_case_page(case, current_user)
        html = render_template(
            "cases/view.html", page=page, case=case, client=case.client, revealed=revealed,
            reveal_form=RevealForm(), actions=services.allowed_actions(case, current_user),
            comment_form=status_form if status_action != "approve_closure" and status_form
            else CommentForm(formdata=None),
            approve_form=status_form if status_action == "approve_closure"
            else ApproveClosureForm(formdata=None, opened_on=case.opened_on),
            status_action=status_action,
        )
    return html


@bp.route("/<int:case_id>")
@requires("case.view", load=lambda case_id: access.get_case_or_404(case_id))
def view(case_id: int) -> str:
    case = access.get_case_or_404(case_id, options=services.CASE_PEOPLE)
    return _render_case(case)


@bp.route("/<int:case_id>/reveal", methods=["POST"])
@requires("case.reveal", load=lambda case_id: access.get_case_or_404(case_id))
def reveal(case_id: int) -> str | Response:
    case = access.get_case_or_404(case_id)
    if not RevealForm().validate_on_submit():
        return redirect(url_for("cases.view", case_id=case.id))
    return _render_case(case, revealed=True)


@bp.route("/<int:case_id>/status/<action>", methods=["POST"])
@requires("case.change_status", load=lambda case_id, action: access.get_case_or_404(case_id))
def status(case_id: int, action: str) -> str | Response | tuple[str, int]:
    case = access.get_case_or_404(case_id)
    if action not in services.TRANSITIONS:
        abort(404)
    transition = services.TRANSITIONS[action]
    policy.require(transition.rule)
    form: Any
    if action == "approve_closure":
        form = ApproveClosureForm(opened_on=case.opened_on)
    elif transition.needs_comment:
        form = CommentForm()
    else:
        form = RevealForm()  # CSRF only
    if not form.validate_on_submit():
        return _render_case(case, status_form=form, status_action=action), 400
    # A refusal is flashed and shown on the case page, like the success.
    with transaction() as tx:
        services.change_status(case, action, current_user,
                               comment=getattr(form, "comment", None) and form.comment.data,
                               closed_on=getattr(form, "closed_on", None) and form.closed_on.data)
    if tx.ok:
        flash(_("Case status is now: %(status)s.", status=label(case.status)), "success")
    return redirect(url_for("cases.view", case_id=case.id))
