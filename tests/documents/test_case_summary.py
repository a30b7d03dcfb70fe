"""Printing the confidential case summary: content, stamp, sections, audit, encryption."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

from caseapp.audit.models import AuditEntry
from caseapp.db import db
from caseapp.documents.models import DocumentKind, PrintedDocument
from caseapp.documents.services import DocumentSpec, get_renderer, render_document
from caseapp.documents.summary import SECTIONS, case_summary_spec
from tests.documents.conftest import (
    CLIENT_ADDRESS,
    CLIENT_NAME,
    CLIENT_PHONE,
    CONSULT_NOTE,
    NARRATIVE,
    PRINTER_NAME,
    World,
    add_case_content,
    page_texts,
    pdf_text,
    squash,
)

ALL = list(SECTIONS)


def print_case(client: Any, world: World, **data: Any) -> Any:
    data.setdefault("sections", ALL)
    return client.post(f"/documents/case/{world.case.id}/print", data=data)


def only_document() -> PrintedDocument:
    return db.session.scalars(sa.select(PrintedDocument)).one()


def print_audits() -> list[AuditEntry]:
    return list(
        db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "document.print"))
    )


def test_full_summary_keeps_vietnamese_and_stamps_every_page(
    world: World, login_as: Any, make: Any
) -> None:
    # More consultations than fit on one page, so the stamp is checked on several pages.
    add_case_content(
        world.case, world.counselor, world.provider, incidents=0, consultations=12, referrals=0
    )
    resp = print_case(login_as(world.counselor), world)

    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf"
    pages = page_texts(resp.data)
    assert len(pages) >= 2
    doc = only_document()
    for number, text in enumerate(pages, start=1):
        assert "MẬT" in text
        assert PRINTER_NAME in text
        assert f"Trang {number}/{len(pages)}" in text
        assert doc.doc_id in text
    text = "\n".join(pages)
    assert NARRATIVE in text
    assert "Tóm tắt hồ sơ" in text
    assert "Hội LHPN xã Vĩnh Hải" in text  # the unit, in the header
    assert world.case.code in text
    for heading in (
        "Incidents",
        "Risk assessments",
        "Protection measures",
        "Consents",
        "Consultations",
        "Petitions",
        "Referrals",
        "Closure and status history",
    ):
        assert heading in text
    # Referral history and outcomes, perpetrators and acts, dates as dd/mm/yyyy.
    assert "Draft → Sent" in text
    assert "Husband" in text
    assert "Beating, assault, injury" in text
    assert "High risk" in text
    assert "20/03/2026" in text


def test_download_headers(world: World, login_as: Any) -> None:
    resp = print_case(login_as(world.counselor), world)

    assert resp.headers["Content-Disposition"] == (
        f'attachment; filename="case-summary-{world.case.code}.pdf"'
    )
    assert resp.headers["Cache-Control"] == "no-store"


def test_only_chosen_sections_are_printed(world: World, login_as: Any) -> None:
    resp = print_case(login_as(world.counselor), world, sections=["incidents", "referrals"])

    text = pdf_text(resp.data)
    assert NARRATIVE in text
    assert "Referrals" in text
    assert "Consultations" not in text
    assert squash(CONSULT_NOTE) not in squash(text)
    assert "Risk assessments" not in text
    assert "Client code" not in text
    assert only_document().sections == "incidents,referrals"


def test_no_section_chosen_is_refused(world: World, login_as: Any) -> None:
    resp = print_case(login_as(world.counselor), world, sections=[])

    assert resp.status_code == 200
    assert b"Choose at least one section." in resp.data
    assert db.session.scalar(sa.select(sa.func.count(PrintedDocument.id))) == 0


def test_client_shown_by_code_unless_identifying_data_is_asked(world: World, login_as: Any) -> None:
    c = login_as(world.counselor)
    plain = pdf_text(print_case(c, world).data)
    assert world.client.code in plain
    assert CLIENT_NAME not in plain
    assert CLIENT_PHONE not in plain

    named = pdf_text(print_case(c, world, identifying="y").data)
    assert CLIENT_NAME in named
    assert CLIENT_PHONE in named
    assert "12/04/1990" in named

    docs = db.session.scalars(sa.select(PrintedDocument).order_by(PrintedDocument.id)).all()
    assert [d.identifying for d in docs] == [False, True]
    audits = print_audits()
    assert "identifying=no" in audits[0].summary
    assert "identifying=yes" in audits[1].summary


def test_printed_document_and_audit_entry(world: World, login_as: Any) -> None:
    resp = print_case(login_as(world.counselor), world, sections=["case", "risk"])

    doc = only_document()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}", doc.doc_id)
    assert doc.kind == DocumentKind.CASE_SUMMARY
    assert (doc.case_id, doc.unit_id, doc.user_id) == (
        world.case.id,
        world.unit.id,
        world.counselor.id,
    )
    assert doc.sections == "case,risk"
    assert doc.encrypted is False
    assert doc.doc_id in pdf_text(resp.data)
    (entry,) = print_audits()
    assert entry.user_id == world.counselor.id
    assert entry.object_type == "case" and entry.object_id == world.case.id
    assert entry.unit_id == world.unit.id
    assert "sections=case,risk" in entry.summary
    assert "encrypted=no" in entry.summary
    assert doc.doc_id in entry.summary


def test_metadata_holds_no_personal_data(world: World, login_as: Any) -> None:
    resp = print_case(login_as(world.counselor), world, identifying="y")

    info = PdfReader(BytesIO(resp.data)).metadata
    assert info is not None
    assert info.title == f"Tóm tắt hồ sơ {world.case.code}"
    everything = " ".join(str(v) for v in info.values())
    for secret in (CLIENT_NAME, CLIENT_PHONE, CLIENT_ADDRESS, NARRATIVE, PRINTER_NAME):
        assert secret not in everything
    assert CLIENT_NAME in pdf_text(resp.data)  # it was in the document itself


def test_password_encrypts_and_is_not_kept(world: World, login_as: Any) -> None:
    password = "mật khẩu dài 2026"
    resp = print_case(
        login_as(world.counselor), world, password=password, password_confirm=password
    )

    reader = PdfReader(BytesIO(resp.data))
    assert reader.is_encrypted
    with pytest.raises(FileNotDecryptedError):
        reader.pages[0].extract_text()
    assert NARRATIVE in pdf_text(resp.data, password=password)
    doc = only_document()
    assert doc.encrypted is True
    (entry,) = print_audits()
    assert "encrypted=yes" in entry.summary
    assert password not in entry.summary


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("mật khẩu dài", "mật khẩu khác", b"The two passwords differ."),
        ("short", "short", b"Between 8 and 128 characters."),
    ],
)
def test_bad_password_is_refused(
    world: World, login_as: Any, password: str, confirm: str, message: bytes
) -> None:
    resp = print_case(login_as(world.counselor), world, password=password, password_confirm=confirm)

    assert resp.status_code == 200
    assert message in resp.data
    assert password.encode() not in resp.data
    assert db.session.scalar(sa.select(sa.func.count(PrintedDocument.id))) == 0


def test_hostile_narrative_is_printed_as_text_and_fetches_nothing(
    world: World, login_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = '<img src="file:///etc/passwd">'
    add_case_content(
        world.case,
        world.counselor,
        world.provider,
        incidents=1,
        consultations=0,
        referrals=0,
        narrative=hostile,
    )
    fetcher = get_renderer().url_fetcher
    requested: list[str] = []
    fetch = fetcher.fetch

    def recording_fetch(url: str, headers: Any = None) -> Any:
        requested.append(url)
        return fetch(url, headers)

    monkeypatch.setattr(fetcher, "fetch", recording_fetch)
    resp = print_case(login_as(world.counselor), world, sections=["incidents"])

    assert squash(hostile) in squash(pdf_text(resp.data))
    assert requested == []
    assert b"root:" not in resp.data


def test_failed_rendering_records_nothing(world: World) -> None:
    spec = DocumentSpec(
        kind=DocumentKind.CASE_SUMMARY,
        template="no_such_template.html",
        context={},
        code=world.case.code,
        unit_id=world.unit.id,
        case_id=world.case.id,
    )
    with pytest.raises(Exception, match="no_such_template"):
        render_document(spec, user=world.counselor)
    db.session.rollback()

    assert db.session.scalar(sa.select(sa.func.count(PrintedDocument.id))) == 0
    assert print_audits() == []


def test_sections_load_in_a_fixed_number_of_queries(world: World, queries: Any, app: Any) -> None:
    with app.test_request_context():
        with queries() as before:
            case_summary_spec(world.case, ALL, identifying=True)
        add_case_content(
            world.case, world.counselor, world.provider, incidents=3, consultations=6, referrals=3
        )
        db.session.expire_all()
        with queries() as after:
            spec = case_summary_spec(world.case, ALL, identifying=True)

    assert len(after) == len(before)
    assert len(spec.context["consultations"]) == 11
    assert len(spec.context["referrals"]) == 6


def test_template_receives_plain_data_only(world: World, app: Any) -> None:
    def plain(value: Any) -> bool:
        if value is None or isinstance(value, str | bool | int):
            return True
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list | tuple):
            return all(plain(v) for v in value)
        if hasattr(value, "__dataclass_fields__"):
            return all(plain(getattr(value, f)) for f in value.__dataclass_fields__)
        return False

    with app.test_request_context():
        spec = case_summary_spec(world.case, ALL, identifying=True)
    assert plain(dict(spec.context))


@pytest.fixture
def app_overrides() -> dict[str, object]:
    # These tests compare texts with their English ids; Vietnamese rendering is checked in
    # tests/foundation/test_translations.py and the browser tests.
    return {"BABEL_DEFAULT_LOCALE": "en"}
