from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Case
from caseapp.clients.models import Client, Ethnicity
from caseapp.db import db
from tests.orgtree import Org, a_case, identified_client

NAME = "Nguyễn Thị Hoa"
PHONE = "0912 345 678"


def form(**kw: object) -> dict[str, object]:
    data: dict[str, object] = {"full_name": NAME, "phone": PHONE, "address": "Ấp Mỹ Thanh",
                               "birth_year": "1990", "sex": "F", "ethnicity": "kinh"}
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def clients() -> list[Client]:
    return list(db.session.scalars(sa.select(Client).order_by(Client.id)))


def audits(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_register_client_gives_code_and_blind_indexes(org: Org, login_as) -> None:
    c = login_as(org.counselor_a)
    resp = c.post("/clients/new", data=form())
    assert resp.status_code == 302
    (client,) = clients()
    assert client.code == "KH.A.2026.0001"
    assert resp.headers["Location"].endswith(f"/cases/new/{client.id}")
    assert client.unit_id == org.a.id and client.full_name == NAME
    assert client.phone == PHONE and client.birth_year == 1990
    assert client.ethnicity == Ethnicity.KINH
    assert client.name_bidx and client.phone_bidx
    (entry,) = audits("client.create")
    assert entry.summary == f"code={client.code}"
    assert NAME not in resp.headers["Location"]


def test_anonymous_client_can_be_registered(org: Org, login_as) -> None:
    c = login_as(org.counselor_a)
    resp = c.post("/clients/new", data={"sex": "F", "approx_age": "30"})
    assert resp.status_code == 302
    (client,) = clients()
    assert client.full_name is None and client.name_bidx is None
    assert client.approx_age == 30 and client.approx_age_on == date(2026, 6, 15)


def test_statistics_and_admin_cannot_register(org: Org, login_as) -> None:
    for user in (org.stats, org.admin):
        assert login_as(user).post("/clients/new", data=form()).status_code == 404
    assert clients() == []


def _raw_database_text(app) -> str:
    if db.engine.dialect.name == "sqlite":
        db.session.execute(sa.text("PRAGMA wal_checkpoint(FULL)"))
        db.session.commit()
        path = Path(db.engine.url.database)
        raw = path.read_bytes()
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            raw += wal.read_bytes()
        return raw.decode("utf-8", errors="replace")
    url = db.engine.url
    out = subprocess.run(
        ["pg_dump", "--data-only", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
         "-U", url.username or "postgres", url.database],
        capture_output=True, check=True, env={"PGPASSWORD": url.password or ""},
    )
    return out.stdout.decode("utf-8", errors="replace")


def test_name_and_phone_are_not_stored_in_clear(app, org: Org, login_as) -> None:
    c = login_as(org.counselor_a)
    name, phone = "Thạch Thị Sô Phiaxyz", "0987 654 321"
    assert c.post("/clients/new", data=form(full_name=name, phone=phone,
                                            address="Số 7 đường Khánh Hòa")).status_code == 302
    db.session.commit()
    text = _raw_database_text(app)
    assert "KH.A.2026.0001" in text  # the dump is readable: the check below means something
    for secret in (name, phone, "0987654321", "Sô Phia", "Khánh Hòa"):
        assert secret not in text


def test_duplicate_phone_warns_with_codes_only(org: Org, make, login_as) -> None:
    existing = identified_client(make, org.a, name="Lê Thị Lan", phone="0912345678")
    c = login_as(org.counselor_a)
    resp = c.post("/clients/new", data=form())
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Possible duplicate" in html and existing.code in html
    assert "Lê Thị Lan" not in html
    assert f"/clients/{existing.id}" in html
    assert len(clients()) == 1
    resp = c.post("/clients/new", data=form(confirm_duplicate="1"))
    assert resp.status_code == 302
    assert len(clients()) == 2


def test_duplicate_same_name_and_birth_year(org: Org, make, login_as) -> None:
    existing = identified_client(make, org.a, name="NGUYEN THI HOA", birth_year=1990)
    c = login_as(org.counselor_a)
    resp = c.post("/clients/new", data=form(phone=None))
    assert existing.code in resp.get_data(as_text=True)
    assert len(clients()) == 1
    # Same name, another year: a different person, no warning.
    resp = c.post("/clients/new", data=form(phone=None, birth_year="1991"))
    assert resp.status_code == 302


def test_duplicates_outside_scope_are_not_disclosed(org: Org, make, login_as) -> None:
    identified_client(make, org.b, name="Other", phone="0912345678")
    resp = login_as(org.counselor_a).post("/clients/new", data=form())
    assert resp.status_code == 302


@pytest.mark.parametrize("bad, message", [
    ({"birth_date": "01/01/2030"}, "This date cannot be in the future."),
    ({"birth_date": "31/02/1990"}, "Enter a date as dd/mm/yyyy."),
    ({"full_name": "x" * 201}, "At most 200 characters."),
    ({"birth_year": "1850"}, "Enter a year between 1900 and this year."),
    ({"birth_date": "01/01/1990", "birth_year": "1991"}, "does not match"),
    ({"ethnicity": "other"}, "Name the ethnicity."),
    ({"needs_interpreter": "y"}, "Name the language"),
    ({"sex": "X"}, "Not a valid choice"),
])
def test_invalid_input_is_refused(org: Org, login_as, bad, message) -> None:
    resp = login_as(org.counselor_a).post("/clients/new", data=form(**bad))
    assert resp.status_code == 200
    assert message in resp.get_data(as_text=True)
    assert clients() == []


def test_client_page_hides_identity_until_revealed(org: Org, make, login_as) -> None:
    client = identified_client(make, org.a, name=NAME, phone="0912345678")
    c = login_as(org.counselor_a)
    html = c.get(f"/clients/{client.id}").get_data(as_text=True)
    assert client.code in html and NAME not in html and "0912345678" not in html
    assert audits("client.reveal") == []
    resp = c.post(f"/clients/{client.id}/reveal")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and NAME in html and "0912345678" in html
    (entry,) = audits("client.reveal")
    assert entry.object_id == client.id and entry.user_id == org.counselor_a.id
    assert NAME not in entry.summary and "0912" not in entry.summary


def test_client_page_lists_cases(org: Org, make, login_as) -> None:
    client = identified_client(make, org.a, name=NAME)
    case = a_case(make, org.a, client=client)
    html = login_as(org.counselor_a).get(f"/clients/{client.id}").get_data(as_text=True)
    assert case.code in html


def edit_form(client: Client, **kw: object) -> dict[str, object]:
    base: dict[str, object] = {"full_name": client.full_name, "phone": client.phone,
                               "version": str(client.version)}
    return form(**(base | kw))


def test_edit_client_audits_field_names_only(org: Org, make, login_as) -> None:
    client = identified_client(make, org.a, name=NAME, phone=PHONE, birth_year=1990,
                               ethnicity=Ethnicity.KINH)
    c = login_as(org.counselor_a)
    assert c.get(f"/clients/{client.id}/edit").status_code == 200
    resp = c.post(f"/clients/{client.id}/edit",
                  data=edit_form(client, full_name="Trần Thị Bé", address="Ấp Mỹ Thanh"))
    assert resp.status_code == 302
    db.session.expire_all()
    assert client.full_name == "Trần Thị Bé"
    assert client.name_bidx is not None
    (entry,) = audits("client.update")
    assert entry.summary == f"code={client.code};fields=full_name,address"
    assert "Trần" not in entry.summary


def test_stale_edit_is_refused_and_nothing_overwritten(org: Org, make, login_as) -> None:
    client = identified_client(make, org.a, name=NAME, phone=PHONE, birth_year=1990)
    first, second = login_as(org.counselor_a), login_as(org.counselor_a2)
    v = client.version
    assert first.post(f"/clients/{client.id}/edit",
                      data=edit_form(client, full_name="Tên Thứ Nhất")).status_code == 302
    resp = second.post(f"/clients/{client.id}/edit",
                       data=form(full_name="Tên Thứ Hai", phone=PHONE, version=str(v)))
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "Someone else changed this record" in html
    assert "Tên Thứ Hai" in html  # the user's input is shown back
    db.session.expire_all()
    assert client.full_name == "Tên Thứ Nhất"
    assert len(audits("client.update")) == 1


def test_editing_birth_data_recomputes_case_ages(org: Org, make, login_as) -> None:
    client = identified_client(make, org.a, name=NAME, birth_year=1990)
    old = a_case(make, org.a, client=client, detected_on=date(2020, 5, 10), age_at_detection=30)
    new = a_case(make, org.a, client=client, detected_on=date(2026, 3, 1), age_at_detection=36)
    c = login_as(org.counselor_a)
    resp = c.post(f"/clients/{client.id}/edit",
                  data=edit_form(client, birth_year=None, birth_date="20/05/2005"))
    assert resp.status_code == 302
    db.session.expire_all()
    assert client.birth_date == date(2005, 5, 20) and client.birth_year == 2005
    assert db.session.get(Case, old.id).age_at_detection == 14  # birthday not yet reached
    assert db.session.get(Case, new.id).age_at_detection == 20
    resp = c.post(f"/clients/{client.id}/edit",
                  data=edit_form(client, birth_year=None, approx_age="40"))
    assert resp.status_code == 302
    db.session.expire_all()
    # Approximate age 40 stated in 2026: 34 in 2020.
    assert db.session.get(Case, old.id).age_at_detection == 34
    assert db.session.get(Case, new.id).age_at_detection == 40


@pytest.fixture
def app_overrides() -> dict[str, object]:
    # These tests compare message texts with their English ids; the Vietnamese rendering
    # is checked in tests/foundation/test_translations.py and the browser tests.
    return {"BABEL_DEFAULT_LOCALE": "en"}
