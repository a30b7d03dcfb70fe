"""flask case-pdf: the case summary from the command line, scoped like the web."""

from __future__ import annotations

import stat
from io import BytesIO
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pypdf import PdfReader

from caseapp.db import db
from caseapp.documents.models import PrintedDocument
from tests.documents.conftest import NARRATIVE, PRINTER_NAME, World, page_texts, pdf_text


def run(app: Any, *args: str, input: str | None = None) -> Any:
    return app.test_cli_runner().invoke(args=["case-pdf", *args], input=input)


def test_cli_writes_the_summary(app: Any, world: World, tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    result = run(
        app,
        world.case.code,
        "--user",
        world.counselor.username,
        "--out",
        str(out),
        "--sections",
        "incidents,case",
    )

    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    text = pdf_text(pdf)
    assert NARRATIVE in text
    assert "Consultations" not in text
    assert all(PRINTER_NAME in page and "MẬT" in page for page in page_texts(pdf))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    doc = db.session.scalars(sa.select(PrintedDocument)).one()
    assert (doc.user_id, doc.case_id, doc.sections) == (
        world.counselor.id,
        world.case.id,
        "case,incidents",
    )
    audit = db.session.scalar(
        sa.text("SELECT summary FROM audit_entries WHERE action = 'document.print'")
    )
    assert "sections=case,incidents" in audit


def test_cli_refuses_a_user_out_of_scope(app: Any, world: World, tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    for who in (world.sibling_counselor, world.statistics, world.admin):
        result = run(app, world.case.code, "--user", who.username, "--out", str(out))
        assert result.exit_code != 0
        assert "Error:" in result.output
    unknown = run(app, "HS.NOPE", "--user", world.counselor.username, "--out", str(out))
    assert unknown.exit_code != 0
    assert not out.exists()
    assert db.session.scalar(sa.select(sa.func.count(PrintedDocument.id))) == 0


def test_cli_rejects_unknown_sections(app: Any, world: World, tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    result = run(
        app,
        world.case.code,
        "--user",
        world.counselor.username,
        "--out",
        str(out),
        "--sections",
        "incidents,gossip",
    )

    assert result.exit_code != 0
    assert "gossip" in result.output
    assert "client, case, incidents, risk" in result.output
    assert not out.exists()


def test_cli_password_stdin_encrypts(app: Any, world: World, tmp_path: Path) -> None:
    out = tmp_path / "summary.pdf"
    password = "mật khẩu từ stdin"
    result = run(
        app,
        world.case.code,
        "--user",
        world.counselor.username,
        "--out",
        str(out),
        "--password-stdin",
        input=password + "\n",
    )

    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert PdfReader(BytesIO(pdf)).is_encrypted
    assert NARRATIVE in pdf_text(pdf, password=password)
    assert password not in result.output
    assert db.session.scalars(sa.select(PrintedDocument.encrypted)).one() is True
