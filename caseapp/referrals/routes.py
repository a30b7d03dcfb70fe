"""Referral screens: worklists, the referral page and its actions, the provider directory and
the service-type list. Routes parse input, call a service and render."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select
from werkzeug.wrappers import Response

from caseapp.access import get_case_or_404, get_or_404
from caseapp.auth.models import Role, User
from caseapp.cases.models import Case
from caseapp.db import db
from caseapp.i18n import localized
from caseapp.labels import label
from caseapp.nav import NavItem, add_nav
from caseapp.paging import page_arg, sort_arg
from caseapp.policy import requires
from caseapp.referrals import services, workflow
from caseapp.referrals.forms import (
    OverrideForm,
    ProviderForm,
    ReferralForm,
    ServiceTypeForm,
    TransitionForm,
    select_choices,
)
from caseapp.referrals.models import Provider, ProviderKind, Referral, ReferralState, ServiceType
from caseapp.transaction import transaction

bp = Blueprint("referrals", __name__)


def _user() -> User:
    return current_user  # type: ignore[return-value]


def _load_referral(referral_id: int, **_: Any) -> Referral:
    return get_or_404(Referral, referral_id)


def _load_provider(provider_id: int | None = None) -> Provider | None:
    if provider_id is None:
        return None
    provider = services.get_manageable_provider(provider_id, _user())
    if provider is None:
        abort(404)
    return provider


# --- helpers shared with templates ----------------------------------------------------------

def case_link(case_id: int, referral_id: int | None = None) -> str:
    """The case page if that area is installed, otherwise the referral's own page."""
    if "cases.view" in current_app.view_functions:
        return url_for("cases.view", case_id=case_id)
    if referral_id is not None:
        return url_for("referrals.view", referral_id=referral_id)
    return url_for("referrals.mine")


def service_label(st: ServiceType | None) -> str:
    if st is None:
        return ""
    return localized(st.label_vi, st.label_en)


def provider_label(referral: Referral) -> str:
    if referral.provider is not None:
        return referral.provider.name
    return referral.provider_name or ""


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"referral_case_link": case_link, "service_label": service_label,
            "provider_label": provider_label}


# --- navigation ------------------------------------------------------------------------------

def _badge_attention() -> Select[Any]:
    return services.attention_query(_user())


def _badge_review() -> Select[Any] | None:
    return services.awaiting_review_count_query(_user())


def _badge_high_risk() -> Select[Any] | None:
    return services.high_risk_count_query(_user())


add_nav(NavItem("referrals.mine", _l("My referrals"), ("counselor", "supervisor"),
                badge=_badge_attention))
add_nav(NavItem("referrals.review", _l("Referral review"), ("supervisor",),
                badge=_badge_review))
add_nav(NavItem("referrals.high_risk", _l("High risk, no service"), ("supervisor",),
                badge=_badge_high_risk))
add_nav(NavItem("referrals.providers", _l("Service directory"),
                ("counselor", "supervisor", "admin")))
add_nav(NavItem("referrals.service_types", _l("Service types"), ("admin",)))


# --- worklists -------------------------------------------------------------------------------

@bp.route("/")
@requires("referral.list")
def mine() -> str:
    user = _user()
    state_arg = request.args.get("state", "")
    state = ReferralState(state_arg) if state_arg in {s.value for s in ReferralState} else None
    return render_template(
        "referrals/mine.html",
        counts=services.my_state_counts(user),
        state=state,
        rows=services.my_referrals(user, state, page_arg()),
        due=services.due_this_week(user),
        overdue=services.overdue(user),
        no_response=services.no_response(user),
        no_response_days=services.get_setting("no_response_days"),
        states=list(ReferralState),
    )


@bp.route("/review")
@requires("referral.review")
def review() -> str:
    user = _user()
    return render_template("referrals/review.html",
                           awaiting=services.awaiting_review(user, page_arg()),
                           overrides=services.overrides(user, page_arg("overrides_page")))


@bp.route("/high-risk")
@requires("referral.review")
def high_risk() -> str:
    default = services.HIGH_RISK_DEFAULT_SORT
    sort = sort_arg(services.HIGH_RISK_SORTS, default.key, default.direction)
    return render_template("referrals/high_risk.html", sort=sort,
                           cases=services.high_risk_without_service(_user(), page_arg(),
                                                                    sort=sort))


# --- creating and editing --------------------------------------------------------------------

def _fill_referral_choices(form: ReferralForm, case: Case, service_type_id: int | None,
                           current: Referral | None = None) -> None:
    types = services.active_service_types()
    form.service_type_id.choices = select_choices(
        [("", _l("— choose —"))] + [(st.id, service_label(st)) for st in types])
    providers = services.providers_for(case.unit, service_type_id) if service_type_id else []
    pairs: list[tuple[Any, Any]] = [("", _l("— none: another provider —"))]
    pairs += [(p.id, f"{p.name} ({label(p.kind)})") for p in providers]
    if current is not None and current.provider_id and current.provider_id not in {
            p.id for p in providers} and current.provider is not None:
        # Keep showing the chosen provider; the service refuses it if it no longer fits.
        pairs.append((current.provider_id, current.provider.name))
    form.provider_id.choices = select_choices(pairs)


def _service_type_arg(form: ReferralForm) -> int | None:
    raw = request.form.get("service_type_id") or request.args.get("service_type") or ""
    return int(raw) if raw.isdigit() else form.service_type_id.data


@bp.route("/new/<int:case_id>", methods=["GET", "POST"])
@requires("referral.create", load=get_case_or_404)
def new(case_id: int) -> str | Response:
    case = get_case_or_404(case_id)
    with transaction():
        services.ensure_service_types()
    form = ReferralForm()
    if request.method == "GET":
        from caseapp.clock import today

        form.referred_on.data = today()
    st_id = _service_type_arg(form)
    if request.method == "GET" and st_id:
        form.service_type_id.data = st_id
    _fill_referral_choices(form, case, st_id)
    status = 200
    if request.method == "POST" and request.form.get("choose") is None:
        if form.validate():
            with transaction(form) as tx:
                r = services.create_referral(case, form.data_for_service(), _user())
            if tx.ok:
                flash(_("Referral saved as a draft."), "success")
                return redirect(url_for("referrals.view", referral_id=r.id))
            status = tx.status
        else:
            status = 400
    return render_template("referrals/form.html", form=form, case=case, referral=None,
                           service_type_id=st_id), status  # type: ignore[return-value]


@bp.route("/<int:referral_id>/edit", methods=["GET", "POST"])
@requires("referral.edit", load=_load_referral)
def edit(referral_id: int) -> str | Response:
    referral = get_or_404(Referral, referral_id)
    case = get_case_or_404(referral.case_id)
    if not workflow.can_edit(referral, _user()):
        flash(_("Only a draft or returned referral can be edited."), "error")
        return redirect(url_for("referrals.view", referral_id=referral.id))
    form = ReferralForm(obj=referral if request.method == "GET" else None)
    if request.method == "GET":
        form.urgency.data = referral.urgency.value
        form.version.data = str(referral.version)
    st_id = _service_type_arg(form) or referral.service_type_id
    if request.method == "GET":
        form.service_type_id.data = st_id
    _fill_referral_choices(form, case, st_id, referral)
    status = 200
    if request.method == "POST" and request.form.get("choose") is None:
        if form.validate():
            version = int(form.version.data) if (form.version.data or "").isdigit() else None
            with transaction(form) as tx:
                services.update_referral(referral, case, form.data_for_service(), _user(),
                                         version)
            if tx.ok:
                flash(_("Referral updated."), "success")
                return redirect(url_for("referrals.view", referral_id=referral.id))
            status = tx.status
        else:
            status = 400
    return render_template("referrals/form.html", form=form, case=case, referral=referral,
                           service_type_id=st_id), status  # type: ignore[return-value]


# --- the referral page and its actions -------------------------------------------------------

def _render_view(referral: Referral, case: Case, *, forms: dict[str, TransitionForm] | None = None,
                 override_form: OverrideForm | None = None, status: int = 200) -> tuple[str, int]:
    user = _user()
    actions = workflow.allowed_actions(referral, user)
    forms = forms or {}
    for t in actions:
        forms.setdefault(t.action, TransitionForm(prefix=t.action, formdata=None))
    return render_template(
        "referrals/view.html",
        referral=referral,
        case=case,
        actions=actions,
        forms=forms,
        can_edit=workflow.can_edit(referral, user),
        can_override=workflow.can_override(referral, user),
        override_form=override_form or OverrideForm(formdata=None),
        consent_ok=workflow.has_share_consent(case.client_id, referral.provider_id),
        history=services.referral_history(referral),
    ), status


@bp.route("/<int:referral_id>")
@requires("referral.view", load=_load_referral)
def view(referral_id: int) -> tuple[str, int]:
    referral = get_or_404(Referral, referral_id)
    case = get_case_or_404(referral.case_id)
    with transaction():
        services.audit_view(referral, case, _user())
    return _render_view(referral, case)


@bp.route("/<int:referral_id>/action/<action>", methods=["POST"])
@requires("referral.act", load=_load_referral)
def act(referral_id: int, action: str) -> Response | tuple[str, int]:
    referral = get_or_404(Referral, referral_id)
    case = get_case_or_404(referral.case_id)
    form = TransitionForm(prefix=action)
    if action not in workflow.TRANSITIONS:
        abort(404)
    if not form.validate():
        return _render_view(referral, case, forms={action: form}, status=400)
    with transaction(form) as tx:
        workflow.apply_transition(
            referral, action, _user(), comment=form.comment.data, on_date=form.on_date.data,
            not_received_reason=form.not_received_reason.data or None)
    if not tx.ok:
        # A fault in one input is the user's to fix (400); a refusal of the action itself
        # conflicts with the referral's current state (409).
        if tx.error is not None and tx.error.field and hasattr(form, tx.error.field):
            return _render_view(referral, case, forms={action: form}, status=400)
        return _render_view(referral, case, status=409)
    flash(_("Referral is now “%(state)s”.", state=label(referral.state)), "success")
    return redirect((request.form.get("back") == "case" and case_link(case.id, referral.id))
                    or url_for("referrals.view", referral_id=referral.id))


@bp.route("/<int:referral_id>/override", methods=["POST"])
@requires("referral.override", load=_load_referral)
def override(referral_id: int) -> Response | tuple[str, int]:
    referral = get_or_404(Referral, referral_id)
    case = get_case_or_404(referral.case_id)
    form = OverrideForm()
    if not form.validate():
        return _render_view(referral, case, override_form=form, status=400)
    with transaction() as tx:
        workflow.record_override(referral, _user(), form.reason.data)
    if not tx.ok:
        return _render_view(referral, case, status=409)
    flash(_("Consent override recorded."), "success")
    return redirect(url_for("referrals.view", referral_id=referral.id))


# --- provider directory ----------------------------------------------------------------------

@bp.route("/providers")
@requires("provider.view")
def providers() -> str:
    user = _user()
    st_raw = request.args.get("service_type", "")
    kind_raw = request.args.get("kind", "")
    st_id = int(st_raw) if st_raw.isdigit() else None
    kind = ProviderKind(kind_raw) if kind_raw in {k.value for k in ProviderKind} else None
    # Counselors see the providers serving their own area; others the whole directory.
    unit = user.unit if user.role == Role.COUNSELOR else None
    manage = services.can_manage_providers(user)
    rows = services.directory(service_type_id=st_id, kind=kind, unit=unit,
                              include_inactive=manage)
    editable = services.manageable_provider_ids(user) if manage else set()
    return render_template("referrals/providers.html", providers=rows,
                           service_types=services.all_service_types(), st_id=st_id,
                           kind=kind, kinds=list(ProviderKind), manage=manage,
                           editable=editable)


def _provider_form(form: ProviderForm, user: User) -> None:
    units = services.units_for_provider_form(user)
    form.owner_unit_id.choices = select_choices((u.id, f"{u.code} · {u.name}") for u in units)
    form.unit_ids.choices = select_choices((u.id, f"{u.code} · {u.name}") for u in units)
    form.service_type_ids.choices = select_choices(
        (st.id, service_label(st)) for st in services.active_service_types())


@bp.route("/providers/new", methods=["GET", "POST"])
@bp.route("/providers/<int:provider_id>/edit", methods=["GET", "POST"])
@requires("provider.edit", load=_load_provider)
def provider_edit(provider_id: int | None = None) -> str | Response:
    user = _user()
    provider = _load_provider(provider_id)
    form = ProviderForm(obj=provider if request.method == "GET" else None)
    _provider_form(form, user)
    if request.method == "GET" and provider is not None:
        form.kind.data = provider.kind.value
        form.service_type_ids.data = [st.id for st in provider.service_types]
        form.unit_ids.data = services.provider_unit_ids(provider)
    status = 200
    if request.method == "POST":
        if form.validate():
            with transaction(form) as tx:
                services.save_provider(provider, form.data_for_service(), user)
            if tx.ok:
                flash(_("Provider saved."), "success")
                return redirect(url_for("referrals.providers"))
            status = tx.status
        else:
            status = 400
    return render_template("referrals/provider_form.html", form=form,
                           provider=provider), status  # type: ignore[return-value]


# --- service types ---------------------------------------------------------------------------

@bp.route("/service-types", methods=["GET", "POST"])
@requires("service_type.manage")
def service_types() -> str | Response:
    form = ServiceTypeForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            with transaction(form) as tx:
                services.create_service_type(
                    form.code.data, form.label_vi.data, form.label_en.data,
                    counts=bool(form.counts_toward_indicator.data), sort=form.sort.data or 0,
                    user=_user())
            if tx.ok:
                flash(_("Service type added."), "success")
                return redirect(url_for("referrals.service_types"))
            status = tx.status
        else:
            status = 400
    return render_template("referrals/service_types.html", form=form,
                           types=services.all_service_types()), status  # type: ignore[return-value]


@bp.route("/service-types/<int:type_id>/edit", methods=["GET", "POST"])
@requires("service_type.manage")
def service_type_edit(type_id: int) -> str | Response:
    st = db.session.get(ServiceType, type_id)
    if st is None:
        abort(404)
    form = ServiceTypeForm(obj=st if request.method == "GET" else None)
    # The code is the stable key other records and reports rely on; it is never edited.
    form.code.data = st.code
    status = 200
    if request.method == "POST":
        if form.validate():
            with transaction(form) as tx:
                services.update_service_type(
                    st, label_vi=form.label_vi.data, label_en=form.label_en.data,
                    counts=bool(form.counts_toward_indicator.data), sort=form.sort.data or 0,
                    active=bool(form.active.data), user=_user())
            if tx.ok:
                flash(_("Service type updated."), "success")
                return redirect(url_for("referrals.service_types"))
            status = tx.status
        else:
            status = 400
    return render_template("referrals/service_type_form.html", form=form,
                           st=st), status  # type: ignore[return-value]
