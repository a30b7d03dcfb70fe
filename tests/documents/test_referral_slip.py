"""The referral slip carries only what the client consented to share."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from caseapp.consents.models import ConsentPurpose
from caseapp.db import db
from caseapp.documents.models import DocumentKind, PrintedDocument
from caseapp.referrals.models import Provider, ProviderKind
from tests.documents.conftest import (
    CLIENT_ADDRESS,
    CLIENT_NAME,
    CLIENT_PHONE,
    NARRATIVE,
    OTHER_REFERRAL_REASON,
    PRINTER_NAME,
    REFERRAL_REASON,
    World,
    page_texts,
    pdf_text,
    share_consent,
    squash,
)


def print_slip(client: Any, world: World, **data: Any) -> Any:
    return client.post(f"/documents/referral/{world.referral.id}/slip", data=data)


def documents() -> list[PrintedDocument]:
    return list(db.session.scalars(sa.select(PrintedDocument)))


def test_slip_shows_only_consented_fields(world: World, counselor_client: Any, make: Any) -> None:
    share_consent(make, world, "phone")
    resp = print_slip(counselor_client, world)

    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf"
    text = pdf_text(resp.data)
    assert CLIENT_PHONE in text
    assert CLIENT_NAME not in text
    assert squash(CLIENT_ADDRESS) not in squash(text)
    assert "12/04/1990" not in text
    # What the service needs, and who to contact.
    assert "Phiếu chuyển gửi" in text
    assert world.case.code in text
    assert REFERRAL_REASON in text
    assert "Urgent" in text
    assert "Trung tâm y tế huyện" in text
    assert "Hội LHPN xã Vĩnh Hải" in text
    assert PRINTER_NAME in text
    # Nothing about the incidents or the other referrals.
    assert squash(NARRATIVE) not in squash(text)
    assert OTHER_REFERRAL_REASON not in text
    assert "legal_aid" not in text
    for number, page in enumerate(page_texts(resp.data), start=1):
        assert "MẬT" in page and f"Trang {number}/" in page
    (doc,) = documents()
    assert doc.kind == DocumentKind.REFERRAL_SLIP
    assert (doc.referral_id, doc.case_id, doc.sections) == (
        world.referral.id,
        world.case.id,
        "phone",
    )
    assert resp.headers["Content-Disposition"] == (
        f'attachment; filename="referral-slip-{world.case.code}.pdf"'
    )


def test_slip_metadata_holds_no_personal_data(
    world: World, counselor_client: Any, make: Any
) -> None:
    share_consent(make, world, "full_name,phone,address")
    resp = print_slip(counselor_client, world)

    info = PdfReader(BytesIO(resp.data)).metadata
    assert info is not None
    assert info.title == f"Phiếu chuyển gửi {world.case.code}"
    everything = " ".join(str(v) for v in info.values())
    for secret in (CLIENT_NAME, CLIENT_PHONE, CLIENT_ADDRESS):
        assert secret not in everything
    assert CLIENT_NAME in pdf_text(resp.data)


def test_withdrawn_consent_means_no_slip(world: World, counselor_client: Any, make: Any) -> None:
    share_consent(make, world, "full_name,phone", withdrawn_on=date(2026, 4, 1))
    c = counselor_client

    for resp in (c.get(f"/documents/referral/{world.referral.id}/slip"), print_slip(c, world)):
        assert resp.status_code == 403
        assert resp.mimetype == "text/html"
        assert b"no active consent to share" in resp.data
    assert documents() == []


def test_no_consent_to_share_means_no_slip(world: World, counselor_client: Any, make: Any) -> None:
    make.consent(world.client, ConsentPurpose.RECORD, shared_fields="full_name")
    make.consent(world.client, ConsentPurpose.REPORTING)
    other = Provider(name="Công an xã", kind=ProviderKind.POLICE, owner_unit_id=world.province.id)
    db.session.add(other)
    db.session.commit()
    # Consent to share with another provider does not cover this one.
    share_consent(make, world, "full_name,phone", provider_id=other.id)

    resp = print_slip(counselor_client, world)

    assert resp.status_code == 403
    assert documents() == []


def test_newest_consent_governs(world: World, counselor_client: Any, make: Any) -> None:
    share_consent(make, world, "full_name,phone", given_on=date(2026, 3, 1))
    share_consent(make, world, "address", given_on=date(2026, 5, 1), provider_id=world.provider.id)

    text = pdf_text(print_slip(counselor_client, world).data)

    assert squash(CLIENT_ADDRESS) in squash(text)
    assert CLIENT_NAME not in text and CLIENT_PHONE not in text


def test_override_gives_a_slip_without_identifying_data(
    world: World, counselor_client: Any, make: Any
) -> None:
    world.referral.consent_override = True
    world.referral.override_reason = "Nguy hiểm tức thời"
    world.referral.override_by_id = world.supervisor.id
    db.session.commit()

    resp = print_slip(counselor_client, world)

    assert resp.status_code == 200
    text = pdf_text(resp.data)
    for secret in (CLIENT_NAME, CLIENT_PHONE, world.client.code):
        assert secret not in text
    assert squash(CLIENT_ADDRESS) not in squash(text)
    assert "Nguy hiểm tức thời" not in text
    assert world.case.code in text
    assert REFERRAL_REASON in text
    assert "Urgent" in text
    assert "Hội LHPN xã Vĩnh Hải" in text
    assert PRINTER_NAME in text
    (doc,) = documents()
    assert doc.sections == "" and doc.identifying is False
    entry = db.session.scalar(
        sa.text("SELECT summary FROM audit_entries WHERE action = 'document.print'")
    )
    assert "basis=override" in entry


def test_slip_password(world: World, counselor_client: Any, make: Any) -> None:
    share_consent(make, world, "phone")
    password = "phiếu mật 123"
    resp = print_slip(counselor_client, world, password=password, password_confirm=password)

    assert PdfReader(BytesIO(resp.data)).is_encrypted
    assert CLIENT_PHONE in pdf_text(resp.data, password=password)
    assert documents()[0].encrypted is True


def test_slip_form_says_what_will_be_shared(world: World, counselor_client: Any, make: Any) -> None:
    share_consent(make, world, "phone,birth_date")
    resp = counselor_client.get(f"/documents/referral/{world.referral.id}/slip")

    assert resp.status_code == 200
    assert "Phone, Date of birth" in resp.get_data(as_text=True)
    assert CLIENT_PHONE not in resp.get_data(as_text=True)
    assert documents() == []


@pytest.fixture
def app_overrides() -> dict[str, object]:
    # These tests compare texts with their English ids; Vietnamese rendering is checked in
    # tests/foundation/test_translations.py and the browser tests.
    return {"BABEL_DEFAULT_LOCALE": "en"}
