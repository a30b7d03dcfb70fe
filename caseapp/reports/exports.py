"""XLSX and CSV exports of a ReportData.

XLSX: one sheet per table; counts and rates are numbers (rates formatted as percentages).
CSV: one UTF-8 file (with BOM, so spreadsheet programs read Vietnamese correctly) holding
every table in turn: a title row, a header row, the rows, then a blank line.
In both, a text cell that a spreadsheet would read as a formula (starting with = + - @, or a
tab or carriage return) is prefixed with a single quote.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask_babel import gettext as _

from caseapp.audit.services import record
from caseapp.reports.services import Cell, Period, ReportData
from caseapp.units.models import Unit

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _cell(value: Cell) -> Cell:
    return neutralise(value) if isinstance(value, str) else value


def _heading(report: ReportData) -> list[str]:
    line = [_("Unit"), f"{report.unit_code} · {report.unit_name}",
            _("Period"), report.period_label]
    if report.suppressed:
        line += [_("Counts from 1 to %(n)d are shown as %(mark)s.", n=report.threshold,
                   mark=f"<{report.threshold + 1}")]
    return [neutralise(v) for v in line]


def to_csv(report: ReportData) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(_heading(report))
    w.writerow([])
    for t in report.tables:
        w.writerow([neutralise(t.title)])
        w.writerow([neutralise(c.title) for c in t.columns])
        for row in t.rows:
            w.writerow(["" if v is None else (round(v, 4) if isinstance(v, float) else _cell(v))
                        for v in row])
        if t.note:
            w.writerow([neutralise(t.note)])
        w.writerow([])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub(" ", title)[:28].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:26]} {n}"
        n += 1
    used.add(name.lower())
    return name


def to_xlsx(report: ReportData) -> bytes:
    # Imported here: openpyxl costs a worker about 5 MB of memory, and only exports use it.
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    used: set[str] = set()
    for t in report.tables:
        ws = wb.create_sheet(_sheet_title(t.title, used))
        ws.append([neutralise(t.title)])
        ws.append(_heading(report))
        ws.append([neutralise(c.title) for c in t.columns])
        for row in t.rows:
            ws.append([_cell(v) for v in row])
            for i, col in enumerate(t.columns, start=1):
                cell = ws.cell(row=ws.max_row, column=i)
                if col.kind == "rate" and isinstance(cell.value, float):
                    cell.number_format = "0.0%"
        if t.note:
            ws.append([])
            ws.append([neutralise(t.note)])
        ws.column_dimensions["A"].width = 48
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_pdf(report: ReportData, user: Any, unit_id: int) -> bytes:
    """The report as a confidential PDF through the one renderer (stamped, recorded; the caller
    commits)."""
    from caseapp.documents.models import DocumentKind
    from caseapp.documents.services import DocumentSpec, render_document

    spec = DocumentSpec(
        kind=DocumentKind.REPORT,
        template="report.html",
        context={"report": report},
        code=f"{report.unit_code} {report.period.start:%Y-%m-%d}..{report.period.end:%Y-%m-%d}",
        unit_id=unit_id,
        audit_note=f"unit={report.unit_code}",
    )
    return render_document(spec, user=user)


def export_report(report: ReportData, fmt: str, unit: Unit, period: Period,
                  user: Any) -> bytes:
    """The report in ``fmt`` (xlsx, csv or pdf), with the audit entry of the export; a PDF
    is also recorded as a printed document. The caller commits both as one transaction."""
    if fmt == "pdf":
        body = to_pdf(report, user, unit.id)
    elif fmt == "xlsx":
        body = to_xlsx(report)
    else:
        body = to_csv(report)
    record("report.export", object_type="unit", object_id=unit.id, unit_id=unit.id,
           summary=f"unit={unit.code} from={period.start.isoformat()} "
                   f"to={period.end.isoformat()} format={fmt} "
                   f"suppressed={'yes' if report.suppressed else 'no'}")
    return body
