from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from caseapp.access import get_or_404
from caseapp.cases.models import Case
from caseapp.clock import now
from caseapp.db import db
from caseapp.labels import label
from caseapp.nav import NavItem, add_nav
from caseapp.policy import requires
from caseapp.records.common import case_page_url
from caseapp.risk import services
from caseapp.risk.forms import RiskForm
from caseapp.risk.models import RiskAssessment
from caseapp.risk.scoring import HIGH_THRESHOLD, ITEMS, MEDIUM_THRESHOLD
from caseapp.transaction import transaction
from caseapp.units.models import Unit

bp = Blueprint("risk", __name__)


@bp.route("/new/<int:case_id>", methods=["GET", "POST"])
@requires("risk.assess", load=lambda case_id: get_or_404(Case, case_id))
def new(case_id: int) -> tuple[str, int] | Response:
    case = get_or_404(Case, case_id)
    form = RiskForm()
    status = 200
    if form.validate_on_submit():
        with transaction(form) as tx:
            ra = services.assess(case, form.answers.data or [], form.note.data, current_user)
        if tx.ok:
            flash(_("Risk assessed: %(level)s.", level=label(ra.level)), "success")
            return redirect(case_page_url(case, "risk"))
        status = tx.status
    elif form.errors:
        status = 400
    return render_template("risk/form.html", form=form, case=case, items=ITEMS,
                           high=HIGH_THRESHOLD, medium=MEDIUM_THRESHOLD), status


@bp.route("/high")
@requires("risk.list")
def high() -> str:
    """Open high-risk cases in the user's scope, by code (no names)."""
    last = (sa.select(RiskAssessment.case_id, sa.func.max(RiskAssessment.assessed_at)
                      .label("assessed_at"))
            .group_by(RiskAssessment.case_id).subquery())
    rows = db.session.execute(
        sa.select(Case.id, Case.code, Case.category, Case.status, Unit.name,
                  last.c.assessed_at)
        .join(Unit, Unit.id == Case.unit_id)
        .outerjoin(last, last.c.case_id == Case.id)
        .where(services.high_risk_condition())
        .order_by(last.c.assessed_at.desc().nulls_last(), Case.id.desc())
    ).all()
    return render_template("risk/high.html", rows=rows, at=now())


add_nav(NavItem("risk.high", _l("High-risk cases"), ("supervisor",),
                badge=services.high_risk_count_query))
