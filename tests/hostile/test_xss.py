"""Markup typed into any field comes back as text: on every page, in the PDF summary and in
the spreadsheet exports.

Every free-text field of every record kind holds a script tag, an attribute break-out and a
javascript: URL; each page of the app is then rendered as a user who may see it.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from flask import Flask
from pypdf import PdfReader

from caseapp.attachments.models import Attachment
from caseapp.cases.models import Case
from caseapp.clients.models import Client
from caseapp.complaints.models import Complaint
from caseapp.consultations.models import Consultation
from caseapp.db import db
from caseapp.incidents.models import Incident
from caseapp.measures.models import ProtectionMeasure
from caseapp.referrals.models import Provider, Referral, ServiceType
from caseapp.units.models import Unit
from tests.access.test_matrix import url_for_rule
from tests.hostile.conftest import ROLE_ORDER, FuzzWorld

SCRIPT = "<script>alert('xss')</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(2)"
PAYLOAD = f"{SCRIPT}{BREAKOUT}{JS_URL}"
# What would run: an unescaped tag, an attribute broken out of, a javascript: link target.
RAW = ("<script>alert(", "<img src=x", '"><img', "'><img", 'href="javascript:',
       "href='javascript:")


def _inject(w: Any) -> None:
    """The payload in every free-text field a user can type, stored as the forms would."""
    case = db.session.get(Case, w.case.id)
    client = db.session.get(Client, case.client_id)
    client.full_name = "Lan " + PAYLOAD
    client.address = PAYLOAD
    case.summary = PAYLOAD
    for model, attr in ((Incident, "narrative"), (ProtectionMeasure, "note"),
                        (Consultation, "notes"), (Consultation, "next_step"),
                        (Complaint, "summary"), (Complaint, "forwarded_to"),
                        (Referral, "reason"), (Provider, "name"), (Provider, "address"),
                        (Attachment, "filename"), (ServiceType, "label_vi"),
                        (ServiceType, "label_en")):
        for row in db.session.scalars(sa.select(model)):
            setattr(row, attr, PAYLOAD)
    for unit in db.session.scalars(sa.select(Unit)):
        unit.name = f"{unit.code} {PAYLOAD}"
    w.counselor_a.full_name = PAYLOAD
    db.session.commit()


def _assert_escaped(where: str, html: str) -> None:
    found = [r for r in RAW if r in html]
    assert not found, f"{where} renders {found} unescaped"


def test_no_page_renders_typed_markup(app: Flask, hostile_world: FuzzWorld) -> None:
    fw = hostile_world
    _inject(fw.world)
    shown = 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        role = fw.role_for(rule)
        if "GET" not in rule.methods or role is None or rule.endpoint == "static":
            continue
        url = url_for_rule(rule, fw.ids)
        resp = fw.client_for(app, rule.endpoint, role).get(url)
        if resp.mimetype == "text/html":
            html = resp.get_data(as_text=True)
            _assert_escaped(f"{role} GET {url}", html)
            shown += "&lt;script&gt;alert(" in html
    # The pages that show identifying data once revealed.
    c = fw.clients["supervisor_a"]
    for url in (f"/cases/{fw.ids['case_id']}/reveal", f"/clients/{fw.ids['client_id']}/reveal"):
        html = c.post(url).get_data(as_text=True)
        _assert_escaped(f"POST {url}", html)
        assert "&lt;script&gt;alert(" in html, f"{url} should show the payload as text"
    assert shown >= 10, "the payload should be shown, escaped, on many pages"


def _pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_pdf_summary_shows_markup_as_text(app: Flask, hostile_world: FuzzWorld) -> None:
    fw = hostile_world
    _inject(fw.world)
    resp = fw.clients["supervisor_a"].post(
        f"/documents/case/{fw.ids['case_id']}/print",
        data={"sections": ["incidents", "consultations", "referrals", "measures"],
              "identifying": "y"})
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = "".join(_pdf_text(resp.data).split())
    # Typed markup is printed literally: WeasyPrint did not interpret it as HTML.
    assert "".join(SCRIPT.split()) in text
    assert "".join(BREAKOUT.split()) in text


FORMULAS = ("=HYPERLINK(\"http://x\")", "+1+cmd", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_neutralise_formulas_typed_into_names(app: Flask, hostile_world: FuzzWorld,
                                                      fmt: str) -> None:
    fw = hostile_world
    # Names that reach the report: units and service types (labels shown as row titles).
    units = list(db.session.scalars(sa.select(Unit).order_by(Unit.id)))
    for unit, formula in zip(units, FORMULAS, strict=False):
        unit.name = formula
    for st in db.session.scalars(sa.select(ServiceType)):
        st.label_vi = st.label_en = FORMULAS[-1]
    db.session.commit()
    role = next(r for r in ROLE_ORDER if r in ("supervisor_p", "statistics"))
    resp = fw.clients[role].get(f"/reports/export/{fmt}?unit=P&kind=year&year=2026")
    assert resp.status_code == 200
    if fmt == "csv":
        cells = [c for row in csv.reader(io.StringIO(resp.data.decode("utf-8-sig")))
                 for c in row]
    else:
        book = openpyxl.load_workbook(io.BytesIO(resp.data))
        cells = [v for ws in book for row in ws.iter_rows(values_only=True) for v in row
                 if isinstance(v, str)]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    # (XLSX stores the carriage return escaped; only the neutralising quote matters here.)
    assert any(c.startswith("'") and c.endswith("=1+1") for c in cells), \
        "the typed label should appear, neutralised"
