"""Dashboard (/dashboard), worklist (/indicator/worklist) and settings (/indicator/settings)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from caseapp.auth.models import Role
from caseapp.db import db
from caseapp.i18n import localized
from caseapp.indicator import services as svc
from caseapp.indicator.charts import indicator_charts
from caseapp.indicator.forms import FilterForm, IndicatorSettingsForm
from caseapp.indicator.queries import compute, term_period
from caseapp.nav import NavItem, add_nav
from caseapp.paging import page_arg
from caseapp.referrals.models import ServiceType
from caseapp.settings.services import get_setting

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
def dashboard() -> str:
    if not svc.can_report(current_user):
        abort(404)
    form, unit, start, end = filter_form()
    res = compute(unit, start, end)
    term_start, term_end = term_period()
    return render_template(
        "indicator/dashboard.html", form=form, unit=unit, res=res,
        counts=svc.operational_counts(unit), term_start=term_start, term_end=term_end,
        **indicator_charts(res),
    )


@bp.route("/indicator/worklist")
def worklist() -> str:
    # Person-level list: supervisors only (statistics users see counts, never people).
    if not getattr(current_user, "is_authenticated", False) \
            or current_user.role != Role.SUPERVISOR:
        abort(404)
    unit = svc.resolve_unit(current_user, request.args.get("unit"))
    page = page_arg()
    wl = svc.worklist(unit, page)
    from caseapp.audit.services import record

    record("indicator.worklist_view", object_type="unit", object_id=unit.id, unit_id=unit.id,
           summary=f"unit={unit.code} page={wl.page} rows={len(wl.entries)}")
    db.session.commit()
    has_case_page = "cases.view" in current_app.view_functions
    term_start, term_end = term_period()
    return render_template("indicator/worklist.html", wl=wl, unit=unit,
                           units=svc.reportable_units(current_user),
                           has_case_page=has_case_page, term_start=term_start,
                           term_end=term_end)


@bp.route("/indicator/settings", methods=["GET", "POST"])
def settings() -> str | Response:
    if not getattr(current_user, "is_authenticated", False) or current_user.role != Role.ADMIN:
        abort(404)
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
        try:
            changed = svc.update_indicator_settings(
                float(form.target_percent.data) / 100, form.term_start.data,
                form.term_end.data, set(form.counting.data or []),
                form.small_cell_threshold.data,
            )
        except svc.SettingsError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(_("Settings saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("indicator.settings"))
    return render_template("indicator/settings.html", form=form)
