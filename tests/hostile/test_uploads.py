"""Hostile uploads: zip bombs posing as workbooks, zip containers posing as scans, crafted
file names and oversized requests are refused with a message, and nothing is written."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.attachments.models import Attachment
from caseapp.cases.models import Case
from caseapp.db import db
from caseapp.imports import reader
from caseapp.imports.models import ImportBatch
from tests.hostile.snapshot import changed_tables, fingerprint
from tests.records.world import PDF, World

CASE_HEADER = "case_ref,unit_code,client_ref,detected_on,category\n"


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    # English ids in the assertions; a small request limit keeps the oversized case cheap.
    return {"BABEL_DEFAULT_LOCALE": "en", "MAX_CONTENT_LENGTH": 256 * 1024}


def _xlsx_bomb(unpacked: int) -> bytes:
    """A workbook-shaped zip whose sheet unpacks to ``unpacked`` bytes of repeated cells."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    body = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main"><sheetData>' + row * (unpacked // len(row))
            + b"</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", body)
    return out.getvalue()


def _import(c: Any, data: bytes, name: str) -> Any:
    return c.post("/imports/", data={"cases": (io.BytesIO(data), name)},
                  content_type="multipart/form-data")


def test_xlsx_zip_bomb_is_refused_before_it_is_unpacked(world: World, login_as: Any) -> None:
    bomb = _xlsx_bomb(4 * 1024 * 1024)
    assert len(bomb) < 64 * 1024  # ratio far past any real workbook
    c = login_as(world.supervisor_a)
    before = fingerprint()
    resp = _import(c, bomb, "cases.xlsx")
    assert resp.status_code < 500
    assert "unpacks to far more data" in resp.get_data(as_text=True)
    assert changed_tables(before, fingerprint()) == []


def test_workbook_too_big_unpacked_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # Parts that compress only as well as real sheets, but too much of them in total.
    monkeypatch.setattr(reader, "XLSX_MAX_UNPACKED_BYTES", 100_000)
    data = _xlsx_bomb(150_000)
    with pytest.raises(reader.FileFormatError, match="unpacked_size"):
        list(reader.read_rows(reader.Source.from_bytes("cases.xlsx", data)))


def test_zip_with_too_many_parts_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for i in range(reader.XLSX_MAX_PARTS + 1):
            z.writestr(f"p{i}", b"")
    with pytest.raises(reader.FileFormatError, match="unpacked_size"):
        list(reader.read_rows(reader.Source.from_bytes("cases.xlsx", out.getvalue())))


def test_import_of_a_picture_named_csv_is_refused(world: World, login_as: Any) -> None:
    c = login_as(world.supervisor_a)
    before = fingerprint()
    resp = _import(c, b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
                   "cases.csv")
    assert resp.status_code < 500
    assert "not UTF-8 text" in resp.get_data(as_text=True)
    assert changed_tables(before, fingerprint()) == []
    assert db.session.scalar(sa.select(sa.func.count(ImportBatch.id))) == 0


def test_oversized_request_is_refused_with_a_page(world: World, login_as: Any) -> None:
    c = login_as(world.supervisor_a)
    before = fingerprint()
    # Past the limit, but under the test client's 500 KB spool-to-disk threshold.
    big = (CASE_HEADER + "R1,A,K1,01/06/2026,dv\n" * 14_000).encode()
    resp = _import(c, big, "cases.csv")
    assert resp.status_code == 413
    assert changed_tables(before, fingerprint()) == []


def _docx_like() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:document/>" + b" " * 2_000_000)
    return out.getvalue()


def _attach(c: Any, case_id: int, data: bytes, name: str) -> Any:
    return c.post(f"/attachments/case/{case_id}/upload",
                  data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


@pytest.mark.parametrize("name", ["letter.pdf", "letter.docx"])
def test_zip_containers_are_not_attachments(world: World, login_as: Any, name: str) -> None:
    resp = _attach(login_as(world.counselor_a), world.case.id, _docx_like(), name)
    assert resp.status_code == 400
    assert "Only PDF, JPEG or PNG" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0


@pytest.mark.parametrize("name", [
    "../../etc/passwd", "/etc/passwd", "scan\x00.pdf", "scan\x1b[31m.pdf", "a" * 201 + ".pdf",
    "..", "dir/../scan.pdf",
])
def test_crafted_file_names_are_refused(world: World, login_as: Any, name: str) -> None:
    c = login_as(world.counselor_a)
    before = fingerprint()
    resp = _attach(c, world.case.id, PDF, name)
    assert resp.status_code == 400
    assert "The file name is not allowed" in resp.get_data(as_text=True)
    assert changed_tables(before, fingerprint()) == []


@pytest.mark.parametrize("name", ["..\\..\\boot.ini", "C:\\Users\\x\\scan.pdf",
                                  "scan\r\nSet-Cookie: x.pdf"])
def test_names_the_request_parser_reduces_are_stored_bare(world: World, login_as: Any,
                                                          name: str) -> None:
    # Werkzeug keeps only the last part of a Windows path and drops what follows a line
    # break in a header; either the result is refused or it is a bare, printable name.
    resp = _attach(login_as(world.counselor_a), world.case.id, PDF, name)
    stored = db.session.scalars(sa.select(Attachment.filename)).all()
    if resp.status_code == 400:
        assert stored == []
    else:
        (filename,) = stored
        assert not set(filename) & set("/\\\r\n\x00") and filename.isprintable()


def test_vietnamese_file_name_is_kept(world: World, login_as: Any) -> None:
    resp = _attach(login_as(world.counselor_a), world.case.id, PDF, "Đơn trình báo (bản 2).pdf")
    assert resp.status_code == 302
    a = db.session.scalar(sa.select(Attachment))
    assert a.filename == "Đơn trình báo (bản 2).pdf"
    assert db.session.get(Case, world.case.id) is not None


@pytest.fixture
def world(make: Any) -> World:
    from tests.records.world import build_world

    return build_world(make)
