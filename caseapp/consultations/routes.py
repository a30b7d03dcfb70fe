from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from caseapp.access import CASE_ROLES, case_unit_ids, get_or_404
from caseapp.auth.models import Role, User
from caseapp.cases.models import Case
from caseapp.clock import now, today
from caseapp.consultations import services
from caseapp.consultations.forms import ConsultationForm
from caseapp.consultations.models import Consultation
from caseapp.db import db
from caseapp.nav import NavItem, add_nav
from caseapp.overdue import week_end
from caseapp.paging import page_arg, paginate, sort_arg
from caseapp.policy import requires
from caseapp.records.common import audit_view, case_page_url, opts
from caseapp.transaction import transaction

bp = Blueprint("consultations", __name__)


def _counselors(case: Case, keep: int | None = None) -> list[tuple[int, str]]:
    """Staff who may hold a session on this case: case roles in the case's unit or the
    user's scope, plus the counselor already recorded."""
    rows = db.session.execute(
        sa.select(User.id, User.full_name).where(
            sa.or_(
                sa.and_(User.active.is_(True), User.role.in_(CASE_ROLES),
                        sa.or_(User.unit_id == case.unit_id, User.unit_id.in_(case_unit_ids()))),
                User.id == (keep or -1),
            )
        ).order_by(User.full_name)
    ).all()
    return [(r.id, r.full_name) for r in rows]


def _form(case: Case, consultation: Consultation | None = None, **kw: Any) -> ConsultationForm:
    form = ConsultationForm(**kw)
    form.counselor_id.choices = opts(_counselors(
        case, consultation.counselor_id if consultation else None))
    return form


def _values(form: ConsultationForm) -> dict[str, Any]:
    return {k: getattr(form, k).data for k in services.FIELDS}


def _render(form: ConsultationForm, case: Case, consultation: Consultation | None,
            status: int) -> tuple[str, int]:
    return render_template("consultations/form.html", form=form, case=case,
                           consultation=consultation), status


@bp.route("/new/<int:case_id>", methods=["GET", "POST"])
@requires("consultation.create", load=lambda case_id: get_or_404(Case, case_id))
def new(case_id: int) -> tuple[str, int] | Response:
    case = get_or_404(Case, case_id)
    if request.method != "POST":
        form = _form(case, data={"counselor_id": current_user.id,
                                 "held_at": now().replace(second=0, microsecond=0)})
        return _render(form, case, None, 200)
    form = _form(case)
    if not form.validate():
        return _render(form, case, None, 400)
    with transaction(form) as tx:
        services.save_consultation(case, _values(form))
    if tx.ok:
        flash(_("The consultation was saved."), "success")
        return redirect(case_page_url(case, "consultations"))
    return _render(form, case, None, tx.status)


@bp.route("/<int:consultation_id>/edit", methods=["GET", "POST"])
@requires("consultation.edit",
          load=lambda consultation_id: get_or_404(Consultation, consultation_id))
def edit(consultation_id: int) -> tuple[str, int] | Response:
    consultation = get_or_404(Consultation, consultation_id)
    case = db.session.get_one(Case, consultation.case_id)
    if request.method != "POST":
        with transaction():
            audit_view("consultation", consultation.id, case)
        return _render(_form(case, consultation, obj=consultation), case, consultation, 200)
    form = _form(case, consultation)
    if not form.validate():
        return _render(form, case, consultation, 400)
    with transaction(form) as tx:
        services.save_consultation(case, _values(form), consultation, form.version.data)
    if tx.ok:
        flash(_("The consultation was saved."), "success")
        return redirect(case_page_url(case, "consultations"))
    return _render(form, case, consultation, tx.status)


def _mine_default() -> bool:
    return current_user.role == Role.COUNSELOR


@bp.route("/followups")
@requires("consultation.list")
def followups() -> str:
    mine = request.args.get("mine", "1" if _mine_default() else "0") == "1"
    default = services.FOLLOWUP_DEFAULT_SORT
    sort = sort_arg(services.FOLLOWUP_SORTS, default.key, default.direction)
    rows = paginate(services.followups_query(counselor_id=current_user.id if mine else None,
                                             sort=sort), page_arg(), list)
    return render_template("consultations/followups.html", rows=rows, mine=mine, sort=sort,
                           today=today(), week_end=week_end(today()))


def _badge() -> sa.Select[Any]:
    return services.followups_due_count_query(
        counselor_id=current_user.id if _mine_default() else None)


add_nav(NavItem("consultations.followups", _l("Follow-ups due"), ("counselor", "supervisor"),
                badge=_badge))
