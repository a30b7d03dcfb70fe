"""Periodic reports: periods, figures, scope, exports, suppression, audit, query count."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from caseapp.audit.models import AuditEntry
from caseapp.cases.models import CaseCategory
from caseapp.clients.models import Ethnicity, Sex
from caseapp.complaints.models import (
    Complaint,
    ComplaintHandling,
    ComplaintStatus,
    ComplaintSubject,
    SenderRelation,
)
from caseapp.consultations.models import Consultation, ConsultationChannel, ConsultationKind
from caseapp.db import db
from caseapp.measures.models import MeasureKind, ProtectionMeasure
from caseapp.referrals.models import ReferralState
from caseapp.reports.exports import export_report, neutralise, to_csv, to_xlsx
from caseapp.reports.services import (
    build_report,
    make_period,
    suppress_small_cells,
)
from caseapp.transaction import UserError


def test_periods():
    assert make_period("month", 2026, 2).end == date(2026, 2, 28)
    q = make_period("quarter", 2026, 3)
    assert (q.start, q.end) == (date(2026, 7, 1), date(2026, 9, 30))
    h = make_period("half", 2026, 2)
    assert (h.start, h.end) == (date(2026, 7, 1), date(2026, 12, 31))
    y = make_period("year", 2025)
    assert (y.start, y.end) == (date(2025, 1, 1), date(2025, 12, 31))
    c = make_period("custom", start=date(2026, 1, 5), end=date(2026, 1, 6))
    assert (c.start, c.end) == (date(2026, 1, 5), date(2026, 1, 6))
    with pytest.raises(UserError):
        make_period("quarter", 2026, 5)
    with pytest.raises(UserError):
        make_period("custom", start=date(2026, 2, 1), end=date(2026, 1, 1))


@pytest.fixture
def world(make):
    root = make.unit("P", kind="province")
    a = make.unit("A", parent=root)
    b = make.unit("B", parent=root)
    girl = make.client(a, ethnicity=Ethnicity.KHMER)
    c1 = make.case(a, girl, detected_on=date(2026, 2, 3), opened_on=date(2026, 2, 3),
                   age_at_detection=14)
    make.referral(c1, ReferralState.RECEIVED, received_on=date(2026, 2, 10),
                  referred_on=date(2026, 2, 4))
    make.case(a, make.client(a, sex=Sex.MALE), category=CaseCategory.FAMILY,
              detected_on=date(2026, 2, 5), opened_on=date(2026, 2, 5))
    c3 = make.case(b, detected_on=date(2026, 1, 20), opened_on=date(2026, 1, 20),
                   category=CaseCategory.TRAFFICKING, age_at_detection=30)
    make.referral(c3, ReferralState.SENT, service="legal_aid", referred_on=date(2026, 1, 21))
    db.session.add_all([
        Consultation(case_id=c1.id, held_at=datetime(2026, 2, 4, 2, tzinfo=UTC),
                     kind=ConsultationKind.LEGAL, channel=ConsultationChannel.PHONE),
        # 31/03/2026 20:00 UTC is 01/04/2026 in Vietnam: outside Q1.
        Consultation(case_id=c1.id, held_at=datetime(2026, 3, 31, 20, tzinfo=UTC),
                     kind=ConsultationKind.LEGAL, channel=ConsultationChannel.PHONE),
        Complaint(code="D1", unit_id=a.id, received_on=date(2026, 1, 5),
                  sender_relation=SenderRelation.VICTIM, subject=ComplaintSubject.DV,
                  deadline_on=date(2026, 1, 19), status=ComplaintStatus.FORWARDED,
                  handling=ComplaintHandling.FORWARDED),
        Complaint(code="D2", unit_id=b.id, received_on=date(2026, 2, 5),
                  sender_relation=SenderRelation.VICTIM, subject=ComplaintSubject.DV,
                  deadline_on=date(2026, 2, 19), status=ComplaintStatus.ANSWERED),
        ProtectionMeasure(case_id=c1.id, kind=MeasureKind.SHELTER,
                          starts_on=date(2026, 2, 3), note="=HYPERLINK(1)"),
    ])
    db.session.commit()
    return {"root": root, "a": a, "b": b}


def _cells(report, key):
    return {row[0]: row[1:] for row in report.table(key).rows}


def test_build_report_figures(app, make, world):
    user = make.user("statistics", unit=world["root"])
    with app.test_request_context(), force_locale("en"):
        report = build_report(world["root"], make_period("quarter", 2026, 1), user)
    cases = _cells(report, "cases")
    assert cases["Domestic violence"] == [1]
    assert cases["Human trafficking"] == [1]
    assert cases["Marriage and family"] == [1]
    assert cases["Total"] == [3]
    sex = _cells(report, "clients_sex")
    assert sex["Female"] == [2] and sex["Male"] == [1] and sex["Total"] == [3]
    ages = _cells(report, "clients_age")
    assert ages["Girls (under 16)"] == [1] and ages["Women (16 and over)"] == [1]
    assert _cells(report, "clients_ethnicity")["Khmer"] == [1]
    consult = report.table("consultations")
    assert consult.rows[-1][-1] == 1  # the session of 01/04 (Vietnam time) is outside Q1
    pet = report.table("petitions").rows
    assert [r[1] for r in pet] == [2, 1, 1, 1]
    ref = _cells(report, "referrals")
    states = [c.title for c in report.table("referrals").columns]
    assert ref["Total"][states.index("Service received") - 1] == 1
    assert ref["Total"][states.index("Sent") - 1] == 1
    measures = report.table("measures").rows  # one row per MeasureKind, in order, then total
    assert [r[1] for r in measures] == [0, 1, 0, 0, 0, 1]
    units = _cells(report, "indicator_units")
    assert units["A · Unit A"][:3] == [1, 1, 1.0]
    assert units["B · Unit B"] == [1, 0, 0.0, 1]
    assert units["Total"][:3] == [2, 1, 0.5]
    assert "<svg" in report.charts["units"]
    assert "HYPERLINK" not in str(report)  # encrypted notes never reach a report


def test_report_screen_scope(make, login_as, world):
    sup_a = make.user("supervisor", unit=world["a"])
    c = login_as(sup_a)
    resp = c.get("/reports/?unit=A&kind=quarter&year=2026&number=1")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "New cases by category" in html and "<svg" in html
    assert c.get("/reports/?unit=B&kind=quarter&year=2026&number=1").status_code == 404
    assert c.get("/reports/export/xlsx?unit=P&kind=year&year=2026").status_code == 404
    for role in ("counselor", "admin"):
        other = login_as(make.user(role, unit=world["root"]))
        assert other.get("/reports/").status_code == 404
    stats = login_as(make.user("statistics", unit=world["root"]))
    assert stats.get("/reports/?unit=B&kind=year&year=2026").status_code == 200


def test_xlsx_export_numbers_and_audit(make, login_as, world):
    c = login_as(make.user("statistics", unit=world["root"]))
    c.post("/language", data={"lang": "en"})  # assertions use the English labels
    resp = c.get("/reports/export/xlsx?unit=P&kind=quarter&year=2026&number=1")
    assert resp.status_code == 200
    assert "attachment" in resp.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(resp.data))
    assert len(wb.sheetnames) >= 9
    ws = wb["New cases by category"]
    rows = list(ws.iter_rows(values_only=True))
    dv = next(r for r in rows if r[0] == "Domestic violence")
    assert dv[1] == 1 and isinstance(dv[1], int)
    ind = wb["Access to services by unit"]
    total = next(r for r in ind.iter_rows(values_only=True) if r[0] == "Total")
    assert total[1:4] == (2, 1, 0.5)
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "report.export"))
    assert entry.summary == ("unit=P from=2026-01-01 to=2026-03-31 format=xlsx "
                             "suppressed=no")


def test_csv_export_parses_and_suppresses(make, login_as, world):
    c = login_as(make.user("supervisor", unit=world["root"]))
    c.post("/language", data={"lang": "en"})  # assertions use the English labels
    resp = c.get("/reports/export/csv?unit=P&kind=quarter&year=2026&number=1&suppress=y")
    assert resp.status_code == 200
    text = resp.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    titles = [r[0] for r in rows if len(r) == 1]
    assert "New cases by category" in titles and "Access to services by unit" in titles
    dv = next(r for r in rows if r and r[0] == "Domestic violence")
    assert dv[1] == "<5"
    total = next(r for r in rows if r and r[0] == "Total" and len(r) == 5)
    assert total[1:4] == ["<5", "<5", ""]  # the rate is hidden with its counts
    zero = next(r for r in rows if r and r[0] == "No-contact order")
    assert zero[1] == "0"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "report.export"))
    assert entry.summary.endswith("format=csv suppressed=yes")


def test_suppression_threshold_setting(app, make, world):
    from caseapp.settings.services import set_setting

    set_setting("small_cell_threshold", 1)
    db.session.commit()
    with app.test_request_context(), force_locale("en"):
        report = suppress_small_cells(
            build_report(world["root"], make_period("quarter", 2026, 1)))
    assert _cells(report, "cases")["Domestic violence"] == ["<2"]
    assert _cells(report, "cases")["Total"] == [3]


def test_formula_injection_neutralised(app, make):
    root = make.unit("P", kind="province", name="@SUM(1)")
    st = make.service_type("evil")
    st.label_en = st.label_vi = "=cmd|' /C calc'!A0"
    db.session.commit()
    make.referral(make.case(root, detected_on=date(2026, 2, 1)), service="evil",
                  referred_on=date(2026, 2, 1))
    with app.test_request_context(), force_locale("en"):
        report = build_report(root, make_period("year", 2026))
        xlsx_bytes, csv_bytes = to_xlsx(report), to_csv(report)
    xlsx = openpyxl.load_workbook(io.BytesIO(xlsx_bytes))
    values = [v for ws in xlsx for r in ws.iter_rows(values_only=True) for v in r
              if isinstance(v, str)]
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
    assert "'=cmd|' /C calc'!A0" in values
    text = csv_bytes.decode("utf-8-sig")
    cells = [c for r in csv.reader(io.StringIO(text)) for c in r]
    assert not any(v.startswith(("=", "+", "-", "@")) for v in cells)
    assert neutralise("@x") == "'@x" and neutralise("-1") == "'-1" and neutralise("ok") == "ok"


def test_fixed_query_count_one_vs_five_units(app, make, queries):
    root = make.unit("P", kind="province")
    first = make.unit("U0", parent=root)
    make.case(first, detected_on=date(2026, 2, 1))

    def count() -> int:
        with app.test_request_context(), force_locale("en"):
            build_report(root, make_period("quarter", 2026, 1))
            with queries() as stmts:
                build_report(root, make_period("quarter", 2026, 1))
        return len(stmts)

    one = count()
    for i in range(1, 5):
        u = make.unit(f"U{i}", parent=root)
        case = make.case(u, detected_on=date(2026, 2, 1))
        make.referral(case, ReferralState.RECEIVED, received_on=date(2026, 2, 2))
        db.session.add(Consultation(case_id=case.id, held_at=datetime(2026, 2, 2, tzinfo=UTC),
                                    kind=ConsultationKind.FAMILY,
                                    channel=ConsultationChannel.ONLINE))
    db.session.commit()
    assert count() == one


@pytest.fixture
def app_overrides() -> dict[str, object]:
    # These tests compare texts with their English ids; Vietnamese rendering is checked in
    # tests/foundation/test_translations.py and the browser tests.
    return {"BABEL_DEFAULT_LOCALE": "en"}


def test_pdf_export_holds_the_tables_stamped_and_recorded(make, login_as, world):
    from pypdf import PdfReader

    from caseapp.documents.models import DocumentKind, PrintedDocument

    user = make.user("statistics", unit=world["root"], full_name="Võ Thị Thống Kê")
    c = login_as(user)
    resp = c.get("/reports/export/pdf?unit=P&kind=quarter&year=2026&number=1")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(resp.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "New cases by category" in text and "Domestic violence" in text
    assert "Access to services by unit" in text
    for page in reader.pages:
        page_text = page.extract_text()
        assert "MẬT" in page_text and "Võ Thị Thống Kê" in page_text
    doc = db.session.scalar(sa.select(PrintedDocument))
    assert doc.kind == DocumentKind.REPORT and doc.user_id == user.id
    assert doc.unit_id == world["root"].id
    exports = db.session.scalars(
        sa.select(AuditEntry.summary).where(AuditEntry.action == "report.export")).all()
    assert exports and exports[-1].endswith("format=pdf suppressed=no")


def test_export_report_stages_the_export_and_its_audit_entry(app, make, world):
    user = make.user("statistics", unit=world["root"])
    period = make_period("quarter", 2026, 1)
    with app.test_request_context(), force_locale("en"):
        report = build_report(world["root"], period, user)
        body = export_report(report, "csv", world["root"], period, user)
    assert body[:3] == b"\xef\xbb\xbf"  # the CSV, with its BOM
    exports = sa.select(AuditEntry.summary).where(AuditEntry.action == "report.export")
    assert ["format=csv" in s for s in db.session.scalars(exports)] == [True]
    # The caller owns the commit: rolled back, the export leaves no entry.
    db.session.rollback()
    assert list(db.session.scalars(exports)) == []
