"""Who may print, and tracing a printed document back to who printed it."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.audit.models import AuditEntry
from caseapp.db import db
from caseapp.documents.models import PrintedDocument
from caseapp.documents.services import new_document_id, normalize_document_id
from caseapp.documents.summary import SECTIONS
from tests.documents.conftest import CLIENT_NAME, PRINTER_NAME, World, share_consent


def routes(world: World) -> list[str]:
    return [
        f"/documents/case/{world.case.id}/print",
        f"/documents/referral/{world.referral.id}/slip",
    ]


@pytest.mark.parametrize("who", ["sibling_counselor", "sibling_supervisor", "statistics", "admin"])
def test_out_of_scope_users_get_404_everywhere(
    world: World, login_as: Any, make: Any, who: str
) -> None:
    share_consent(make, world, "phone")
    c = login_as(getattr(world, who))

    for url in routes(world):
        assert c.get(url).status_code == 404
        assert c.post(url, data={"sections": list(SECTIONS)}).status_code == 404
    assert c.get("/documents/case/999999/print").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(PrintedDocument.id))) == 0


def test_supervisor_above_may_print(world: World, login_as: Any) -> None:
    resp = login_as(world.province_supervisor).post(routes(world)[0], data={"sections": ["case"]})
    assert resp.mimetype == "application/pdf"


def test_logged_out_user_is_sent_to_login(world: World, client: Any) -> None:
    resp = client.post(routes(world)[0], data={"sections": ["case"]})
    assert resp.status_code == 302
    assert "/auth/login" in resp.headers["Location"]


def test_document_ids_are_readable_and_normalised() -> None:
    ids = {new_document_id() for _ in range(200)}
    assert len(ids) == 200
    doc_id = "0ABCD-1EFGH"
    assert normalize_document_id(" oabcd 1efgh ") == doc_id
    assert normalize_document_id("0abcdlefgh") == doc_id
    assert normalize_document_id("0ABCD-1EFGU") is None  # U is not in the alphabet
    assert normalize_document_id("0ABCD") is None


def printed_doc_id(world: World, login_as: Any) -> str:
    login_as(world.counselor).post(
        routes(world)[0], data={"sections": ["case", "risk"], "identifying": "y"}
    )
    return db.session.scalars(sa.select(PrintedDocument.doc_id)).one()


@pytest.mark.parametrize("who", ["supervisor", "province_supervisor", "admin"])
def test_lookup_shows_who_printed_what(world: World, login_as: Any, who: str) -> None:
    doc_id = printed_doc_id(world, login_as)

    resp = login_as(getattr(world, who)).post("/documents/lookup", data={"doc_id": doc_id.lower()})

    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert doc_id in html
    assert world.case.code in html
    assert PRINTER_NAME in html and world.counselor.username in html
    assert "15/06/2026 10:00" in html
    assert "Case data, Risk assessments" in html
    assert CLIENT_NAME not in html
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "document.lookup")
    ).one()
    assert f"doc={doc_id}" in entry.summary and "found=yes" in entry.summary


def test_lookup_is_scoped_to_the_subtree(world: World, login_as: Any) -> None:
    doc_id = printed_doc_id(world, login_as)

    resp = login_as(world.sibling_supervisor).post("/documents/lookup", data={"doc_id": doc_id})

    html = resp.get_data(as_text=True)
    assert "No document with this number" in html
    assert world.case.code not in html
    assert PRINTER_NAME not in html


@pytest.mark.parametrize("who", ["counselor", "statistics"])
def test_lookup_is_for_supervisors_and_admins(world: World, login_as: Any, who: str) -> None:
    doc_id = printed_doc_id(world, login_as)
    c = login_as(getattr(world, who))

    assert c.get("/documents/lookup").status_code == 404
    assert c.post("/documents/lookup", data={"doc_id": doc_id}).status_code == 404


@pytest.fixture
def app_overrides() -> dict[str, object]:
    # These tests compare texts with their English ids; Vietnamese rendering is checked in
    # tests/foundation/test_translations.py and the browser tests.
    return {"BABEL_DEFAULT_LOCALE": "en"}
