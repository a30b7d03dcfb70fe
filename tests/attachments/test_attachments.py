from __future__ import annotations

import io
from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.attachments.models import Attachment
from caseapp.db import db
from tests.records.world import PDF, PNG, World, audits


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    # English ids in the assertions; Vietnamese rendering is covered by the catalog tests.
    return {"ATTACHMENT_MAX_BYTES": 2000, "BABEL_DEFAULT_LOCALE": "en"}


def _upload(c: Any, case_id: int, data: bytes, name: str) -> Any:
    return c.post(f"/attachments/case/{case_id}/upload",
                  data={"file": (io.BytesIO(data), name)},
                  content_type="multipart/form-data")


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Attachment.id))) or 0


def test_png_named_pdf_is_stored_as_png_and_downloads_safely(world: World,
                                                             login_as: Any) -> None:
    c = login_as(world.counselor_a)
    assert _upload(c, world.case.id, PNG, "Nguyen Thi Lan.pdf").status_code == 302
    a = db.session.scalar(sa.select(Attachment))
    assert a.content_type == "image/png" and a.size == len(PNG)
    assert a.unit_id == world.a.id
    resp = c.get(f"/attachments/{a.id}/download")
    assert resp.status_code == 200
    assert resp.data == PNG
    assert resp.mimetype == "image/png"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    disp = resp.headers["Content-Disposition"]
    assert disp == f'attachment; filename="{world.case.code.replace(".", "-")}-{a.id}.png"'
    assert "Lan" not in disp
    (entry,) = audits("attachment.download")
    assert entry.object_id == a.id and entry.unit_id == world.a.id
    assert "Lan" not in entry.summary


@pytest.mark.parametrize("data,name", [
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 50, "photo.jpg"),
    (b"MZ\x90\x00" + b"\x00" * 50, "scan.jpg"),
    (b"<html><script>alert(1)</script>", "letter.pdf"),
    (b"", "empty.pdf"),
])
def test_other_content_is_refused_whatever_its_name(world: World, login_as: Any,
                                                    data: bytes, name: str) -> None:
    resp = _upload(login_as(world.counselor_a), world.case.id, data, name)
    assert resp.status_code == 400
    assert _count() == 0
    assert audits("attachment.upload") == []


def test_oversized_file_is_refused(world: World, login_as: Any) -> None:
    resp = _upload(login_as(world.counselor_a), world.case.id, PDF + b"0" * 2000, "big.pdf")
    assert resp.status_code == 400
    assert "too large" in resp.get_data(as_text=True)
    assert _count() == 0


def test_file_and_name_are_encrypted_at_rest(world: World, login_as: Any) -> None:
    c = login_as(world.counselor_a)
    _upload(c, world.case.id, PDF, "Tran-Thi-Hoa.pdf")
    data, filename, sha = db.session.execute(
        sa.text("SELECT data, filename, sha256 FROM attachments")).one()
    raw = bytes(data) if not isinstance(data, str) else data.encode()
    assert b"PDFMARKER" not in raw and b"%PDF" not in raw
    assert "Hoa" not in filename
    import hashlib
    assert sha == hashlib.sha256(PDF).hexdigest()


def test_upload_on_a_complaint(world: World, login_as: Any) -> None:
    from tests.records.world import add_records

    ids = add_records(world)
    c = login_as(world.counselor_a)
    resp = c.post(f"/attachments/complaint/{ids['complaint']}/upload",
                  data={"file": (io.BytesIO(PDF), "don.pdf")},
                  content_type="multipart/form-data")
    assert resp.status_code == 302
    a = db.session.scalar(sa.select(Attachment).where(Attachment.complaint_id.is_not(None)))
    assert a.content_type == "application/pdf" and a.case_id is None


def test_only_a_supervisor_deletes_and_it_is_audited(world: World, login_as: Any) -> None:
    _upload(login_as(world.counselor_a), world.case.id, PNG, "x.png")
    a_id = db.session.scalar(sa.select(Attachment.id))
    assert login_as(world.counselor_a).post(f"/attachments/{a_id}/delete").status_code == 403
    assert _count() == 1
    assert login_as(world.supervisor_d).post(f"/attachments/{a_id}/delete").status_code == 302
    assert _count() == 0
    (entry,) = audits("attachment.delete")
    assert entry.object_id == a_id
