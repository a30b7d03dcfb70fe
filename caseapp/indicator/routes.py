"""Dashboard (/dashboard), worklist (/indicator/worklist) and settings (/indicator/settings)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from caseapp.db import db
from caseapp.i18n import localized
from caseapp.indicator import services as svc
from caseapp.indicator.charts import indicator_charts
from caseapp.indicator.forms import FilterForm, IndicatorSettingsForm
from caseapp.indicator.queries import compute, term_period
from caseapp.nav import NavItem, add_nav
from caseapp.paging import page_arg
from caseapp.policy import requires
from caseapp.referrals.models import ServiceType
from caseapp.settings.services import get_setting
from caseapp.transaction import transaction

bp = Blueprint("indicator", __name__)

add_nav(NavItem("indicator.dashboard", _l("Dashboard"), ("supervisor", "statistics")))
add_nav(NavItem("indicator.worklist", _l("Victims without a service"), ("supervisor",)))
add_nav(NavItem("indicator.settings", _l("Indicator settings"), ("admin",)))


def filter_form() -> tuple[FilterForm, Any, date, date]:
    """Read the unit and period picker; unit outside the user's scope -> 404."""
    form = FilterForm(request.args)
    form.unit.choices = [(u.code, f"{u.code} · {u.name}")
                         for u in svc.reportable_units(current_user)]
    unit = svc.resolve_unit(current_user, request.args.get("unit"))
    form.unit.data = unit.code
    start, end = svc.term_to_date()
    if form.validate():
        start = form.start.data or start
        end = form.end.data or end
        if end < start:
            start, end = svc.term_to_date()
    form.start.data, form.end.data = start, end
    return form, unit, start, end


@bp.route("/dashboard")
@requires("report.view")
def dashboard() -> str:
    form, unit, start, end = filter_form()
    res = compute(unit, start, end)
    term_start, term_end = term_period()
    return render_template(
        "indicator/dashboard.html", form=form, unit=unit, res=res,
        counts=svc.operational_counts(unit), term_start=term_start, term_end=term_end,
        **indicator_charts(res),
    )


@bp.route("/indicator/worklist")
@requires("indicator.worklist")
def worklist() -> str:
    # Person-level list: supervisors only (statistics users see counts, never people).
    unit = svc.resolve_unit(current_user, request.args.get("unit"))
    page = page_arg()
    wl = svc.worklist(unit, page)
    with transaction():
        svc.record_worklist_view(unit, wl)
    has_case_page = "cases.view" in current_app.view_functions
    term_start, term_end = term_period()
    return render_template("indicator/worklist.html", wl=wl, unit=unit,
                           units=svc.reportable_units(current_user),
                           has_case_page=has_case_page, term_start=term_start,
                           term_end=term_end)


@bp.route("/indicator/settings", methods=["GET", "POST"])
@requires("indicator.settings")
def settings() -> str | Response:
    service_types = list(db.session.scalars(
        sa.select(ServiceType).order_by(ServiceType.sort, ServiceType.code)))
    form = IndicatorSettingsForm()
    form.counting.choices = [(st.id, localized(st.label_vi, st.label_en))
                             for st in service_types]
    if request.method == "GET":
        form.target_percent.data = Decimal(str(round(float(get_setting("indicator_target"))
                                                     * 100, 1)))
        form.term_start.data, form.term_end.data = term_period()
        form.counting.data = [st.id for st in service_types if st.counts_toward_indicator]
        form.small_cell_threshold.data = int(get_setting("small_cell_threshold"))
    elif form.validate_on_submit():
        with transaction() as tx:
            changed = svc.update_indicator_settings(
                float(form.target_percent.data) / 100, form.term_start.data,
                form.term_end.data, set(form.counting.data or []),
                form.small_cell_threshold.data,
            )
        if tx.ok:
            flash(_("Settings saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("indicator.settings"))
    return render_template("indicator/settings.html", form=form)
