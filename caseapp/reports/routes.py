"""Periodic reports (/reports/) and their XLSX and CSV exports."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from caseapp.clock import today
from caseapp.indicator import services as scope
from caseapp.nav import NavItem, add_nav
from caseapp.policy import requires
from caseapp.reports import exports
from caseapp.reports.forms import ReportForm
from caseapp.reports.services import (
    Period,
    ReportData,
    build_report,
    make_period,
    suppress_small_cells,
)
from caseapp.transaction import UserError, transaction
from caseapp.units.models import Unit

bp = Blueprint("reports", __name__)

add_nav(NavItem("reports.index", _l("Reports"), ("supervisor", "statistics")))

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def _read_form() -> tuple[ReportForm, Unit, Period | None, str | None]:
    form = ReportForm(request.args)
    form.unit.choices = [(u.code, f"{u.code} · {u.name}")
                         for u in scope.reportable_units(current_user)]
    unit = scope.resolve_unit(current_user, request.args.get("unit"))
    form.unit.data = unit.code
    day = today()
    if not request.args.get("kind"):
        form.kind.data = "month"
        form.year.data, form.number.data = day.year, day.month
    if not form.validate():
        return form, unit, None, None
    try:
        period = make_period(form.kind.data, form.year.data, form.number.data,
                             form.start.data, form.end.data)
    except UserError as exc:
        # Nothing is written here: the message is shown beside the period picker.
        return form, unit, None, str(exc)
    return form, unit, period, None


@bp.route("/")
@requires("report.view")
def index() -> str:
    form, unit, period, error = _read_form()
    report: ReportData | None = build_report(unit, period, current_user) if period else None
    return render_template("reports/index.html", form=form, unit=unit, report=report,
                           error=error, formats=list(FORMATS))


@bp.route("/export/<fmt>")
@requires("report.export")
def export(fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    form, unit, period, _error = _read_form()
    if period is None:
        abort(400)
    report = build_report(unit, period, current_user)
    if form.suppress.data:
        report = suppress_small_cells(report)
    with transaction():
        body = exports.export_report(report, fmt, unit, period, current_user)
    mimetype = FORMATS[fmt]
    filename = f"report_{unit.code}_{period.slug}.{fmt}"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
