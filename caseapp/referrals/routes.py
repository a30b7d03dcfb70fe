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

from caseapp.access import can_see_cases, get_case_or_404, get_or_404
from caseapp.auth.models import Role, User
from caseapp.cases.models import Case
from caseapp.db import db
from caseapp.i18n import localized
from caseapp.labels import label
from caseapp.nav import NavItem, add_nav
from caseapp.paging import page_arg, sort_arg
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

bp = Blueprint("referrals", __name__)


def _user() -> User:
    return current_user  # type: ignore[return-value]


def _require(*roles: Role) -> None:
    # 404 like everything else outside a user's reach: the page's existence is not confirmed.
    if not current_user.is_authenticated or current_user.role not in roles:
        abort(404)


def _require_case_role() -> None:
    if not can_see_cases(_user()):
        abort(404)


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
def mine() -> str:
    _require_case_role()
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
def review() -> str:
    _require(Role.SUPERVISOR)
    user = _user()
    return render_template("referrals/review.html",
                           awaiting=services.awaiting_review(user, page_arg()),
                           overrides=services.overrides(user, page_arg("overrides_page")))


@bp.route("/high-risk")
def high_risk() -> str:
    _require(Role.SUPERVISOR)
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
def new(case_id: int) -> str | Response:
    _require_case_role()
    case = get_case_or_404(case_id)
    if services.ensure_service_types():
        db.session.commit()
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
            try:
                r = services.create_referral(case, form.data_for_service(), _user())
            except services.ReferralError as exc:
                db.session.rollback()
                _attach_error(form, exc.field, exc.message)
            else:
                flash(_("Referral saved as a draft."), "success")
                return redirect(url_for("referrals.view", referral_id=r.id))
        status = 400
    return render_template("referrals/form.html", form=form, case=case, referral=None,
                           service_type_id=st_id), status  # type: ignore[return-value]


def _attach_error(form: Any, field: str | None, message: str) -> None:
    target = getattr(form, field, None) if field else None
    if target is not None:
        target.errors = [*target.errors, message] if isinstance(target.errors, list) else [message]
    else:
        flash(message, "error")


@bp.route("/<int:referral_id>/edit", methods=["GET", "POST"])
def edit(referral_id: int) -> str | Response:
    _require_case_role()
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
            try:
                services.update_referral(referral, case, form.data_for_service(), _user(),
                                         version)
            except (services.ReferralError, workflow.TransitionError) as exc:
                db.session.rollback()
                _attach_error(form, getattr(exc, "field", None), exc.message)
            else:
                flash(_("Referral updated."), "success")
                return redirect(url_for("referrals.view", referral_id=referral.id))
        status = 400
    return render_template("referrals/form.html", form=form, case=case, referral=referral,
                           service_type_id=st_id), status  # type: ignore[return-value]


# --- the referral page and its actions -------------------------------------------------------

def _render_view(referral: Referral, case: Case, *, forms: dict[str, TransitionForm] | None = None,
                 override_form: OverrideForm | None = None, error: str | None = None,
                 status: int = 200) -> tuple[str, int]:
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
        error=error,
    ), status


@bp.route("/<int:referral_id>")
def view(referral_id: int) -> tuple[str, int]:
    _require_case_role()
    referral = get_or_404(Referral, referral_id)
    case = get_case_or_404(referral.case_id)
    services.audit_view(referral, case, _user())
    return _render_view(referral, case)


@bp.route("/<int:referral_id>/action/<action>", methods=["POST"])
def act(referral_id: int, action: str) -> Response | tuple[str, int]:
    _require_case_role()
    referral = get_or_404(Referral, referral_id)
    case = get_case_or_404(referral.case_id)
    form = TransitionForm(prefix=action)
    if action not in workflow.TRANSITIONS:
        abort(404)
    if not form.validate():
        return _render_view(referral, case, forms={action: form}, status=400)
    try:
        workflow.apply_transition(
            referral, action, _user(), comment=form.comment.data, on_date=form.on_date.data,
            not_received_reason=form.not_received_reason.data or None)
    except workflow.TransitionError as exc:
        db.session.rollback()
        if exc.field and hasattr(form, exc.field):
            _attach_error(form, exc.field, exc.message)
            return _render_view(referral, case, forms={action: form}, status=400)
        return _render_view(referral, case, error=exc.message, status=409)
    flash(_("Referral is now “%(state)s”.", state=label(referral.state)), "success")
    return redirect((request.form.get("back") == "case" and case_link(case.id, referral.id))
                    or url_for("referrals.view", referral_id=referral.id))


@bp.route("/<int:referral_id>/override", methods=["POST"])
def override(referral_id: int) -> Response | tuple[str, int]:
    _require_case_role()
    referral = get_or_404(Referral, referral_id)
    case = get_case_or_404(referral.case_id)
    if _user().role != Role.SUPERVISOR:
        abort(403)  # only a supervisor may override; scope was checked first (404 outside)
    form = OverrideForm()
    if not form.validate():
        return _render_view(referral, case, override_form=form, status=400)
    try:
        workflow.record_override(referral, _user(), form.reason.data)
    except workflow.TransitionError as exc:
        db.session.rollback()
        return _render_view(referral, case, error=exc.message, status=409)
    flash(_("Consent override recorded."), "success")
    return redirect(url_for("referrals.view", referral_id=referral.id))


# --- provider directory ----------------------------------------------------------------------

@bp.route("/providers")
def providers() -> str:
    _require(Role.COUNSELOR, Role.SUPERVISOR, Role.ADMIN)
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
def provider_edit(provider_id: int | None = None) -> str | Response:
    _require(Role.SUPERVISOR, Role.ADMIN)
    user = _user()
    provider: Provider | None = None
    if provider_id is not None:
        provider = services.get_manageable_provider(provider_id, user)
        if provider is None:
            abort(404)
    form = ProviderForm(obj=provider if request.method == "GET" else None)
    _provider_form(form, user)
    if request.method == "GET" and provider is not None:
        form.kind.data = provider.kind.value
        form.service_type_ids.data = [st.id for st in provider.service_types]
        form.unit_ids.data = services.provider_unit_ids(provider)
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                services.save_provider(provider, form.data_for_service(), user)
            except services.ReferralError as exc:
                db.session.rollback()
                _attach_error(form, exc.field, exc.message)
            else:
                flash(_("Provider saved."), "success")
                return redirect(url_for("referrals.providers"))
        status = 400
    return render_template("referrals/provider_form.html", form=form,
                           provider=provider), status  # type: ignore[return-value]


# --- service types ---------------------------------------------------------------------------

@bp.route("/service-types", methods=["GET", "POST"])
def service_types() -> str | Response:
    _require(Role.ADMIN)
    form = ServiceTypeForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                services.create_service_type(
                    form.code.data, form.label_vi.data, form.label_en.data,
                    counts=bool(form.counts_toward_indicator.data), sort=form.sort.data or 0,
                    user=_user())
            except services.ReferralError as exc:
                db.session.rollback()
                _attach_error(form, exc.field, exc.message)
            else:
                flash(_("Service type added."), "success")
                return redirect(url_for("referrals.service_types"))
        status = 400
    return render_template("referrals/service_types.html", form=form,
                           types=services.all_service_types()), status  # type: ignore[return-value]


@bp.route("/service-types/<int:type_id>/edit", methods=["GET", "POST"])
def service_type_edit(type_id: int) -> str | Response:
    _require(Role.ADMIN)
    st = db.session.get(ServiceType, type_id)
    if st is None:
        abort(404)
    form = ServiceTypeForm(obj=st if request.method == "GET" else None)
    # The code is the stable key other records and reports rely on; it is never edited.
    form.code.data = st.code
    status = 200
    if request.method == "POST":
        if form.validate():
            services.update_service_type(
                st, label_vi=form.label_vi.data, label_en=form.label_en.data,
                counts=bool(form.counts_toward_indicator.data), sort=form.sort.data or 0,
                active=bool(form.active.data), user=_user())
            flash(_("Service type updated."), "success")
            return redirect(url_for("referrals.service_types"))
        status = 400
    return render_template("referrals/service_type_form.html", form=form,
                           st=st), status  # type: ignore[return-value]
