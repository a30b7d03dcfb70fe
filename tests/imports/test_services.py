from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Case, CaseCategory, CaseStatus
from caseapp.clients.models import Client, Ethnicity, Sex
from caseapp.crypto import name_index, phone_index
from caseapp.db import db
from caseapp.imports.models import ImportBatch
from caseapp.imports.reader import Source
from caseapp.imports.services import ImportNotAllowed, RowError, run_import
from caseapp.referrals.models import Referral, ReferralState
from tests.imports.conftest import World, counts

CASES = [
    ["case_ref", "unit_code", "client_ref", "client_name", "sex", "birth_year", "birth_date",
     "ethnicity", "phone", "category", "detected_on", "channel", "status", "closed_on"],
    ["2023-001", "C1", "K1", "Nguyễn Thị Lan", "nữ", "", "1990-05-20", "Khmer", "0901 234 567",
     "bạo lực gia đình", "15/03/2023", "trực tiếp", "closed", "30/06/2023"],
    ["2023-002", "C1", "K1", "", "", "", "", "", "", "dv", "2024-02-01", "", "", ""],
    ["2023-003", "C1", "K2", "Lê Thị Hoa", "F", "2010", "", "Tày", "", "mua bán người",
     "2023-08-10", "", "open", ""],
    ["2023-004", "C1", "K3", "Trần Văn Nam", "nam", "1980", "", "", "", "family",
     "2023-09-01", "", "", ""],
]
REFERRALS = [
    ["case_ref", "service_type", "provider", "referred_on", "status", "received_on"],
    ["2023-001", "legal_aid", "Trung tâm TGPL", "20/03/2023", "received", "05/04/2023"],
    ["2023-003", "health", "", "2023-08-12", "sent", ""],
]


def src(path: Path) -> Source:
    return Source.from_path(path)


def errors_at(errors: list[RowError]) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in errors}


def test_valid_csv_writes_everything(world: World, write: Callable[..., Path]) -> None:
    result = run_import(world.supervisor, src(write("cases.csv", CASES)),
                        src(write("referrals.csv", REFERRALS)))
    assert result.ok and result.written
    assert (result.cases, result.clients, result.referrals) == (4, 3, 2)
    db.session.expire_all()
    batch = db.session.get(ImportBatch, result.batch_id)
    assert batch is not None
    assert (batch.cases_count, batch.clients_count, batch.referrals_count) == (4, 3, 2)
    assert batch.user_id == world.supervisor.id

    cases = {c.imported_ref: c for c in db.session.scalars(sa.select(Case))}
    first = cases["2023-001"]
    assert first.import_batch_id == batch.id and first.unit_id == world.commune.id
    assert first.category is CaseCategory.DV and first.status is CaseStatus.CLOSED
    assert first.detected_on == date(2023, 3, 15) and first.opened_on == date(2023, 3, 15)
    assert first.closed_on == date(2023, 6, 30)
    assert first.age_at_detection == 32  # birthday 20 May not reached on 15 March
    assert first.code == "HS.C1.2023.0001"
    assert cases["2023-002"].client_id == first.client_id  # same client_ref, same person
    assert cases["2023-002"].code == "HS.C1.2024.0001"
    assert cases["2023-002"].age_at_detection == 33
    assert cases["2023-003"].category is CaseCategory.TRAFFICKING
    assert cases["2023-003"].age_at_detection == 13
    assert cases["2023-004"].category is CaseCategory.FAMILY

    lan = db.session.get(Client, first.client_id)
    assert lan is not None
    assert lan.full_name == "Nguyễn Thị Lan" and lan.sex is Sex.FEMALE
    assert lan.birth_date == date(1990, 5, 20) and lan.birth_year == 1990
    assert lan.phone == "0901 234 567" and lan.ethnicity is Ethnicity.KHMER
    assert lan.name_bidx == name_index("nguyen thi lan")
    assert lan.phone_bidx == phone_index("0901234567")
    assert lan.imported_ref == "K1" and lan.code.startswith("KH.C1.2023.")
    hoa = db.session.get(Client, cases["2023-003"].client_id)
    assert hoa is not None
    assert hoa.ethnicity is Ethnicity.OTHER and hoa.ethnicity_other == "Tày"

    refs = {r.imported_ref: r for r in db.session.scalars(sa.select(Referral))}
    received = refs["2023-001"]
    assert received.case_id == first.id and received.state is ReferralState.RECEIVED
    assert received.received_on == date(2023, 4, 5) and received.referred_on == date(2023, 3, 20)
    assert received.service_type.code == "legal_aid"
    assert received.provider_name == "Trung tâm TGPL"
    assert received.import_batch_id == batch.id
    assert refs["2023-003"].state is ReferralState.SENT and refs["2023-003"].received_on is None

    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "import.records")
    ).all()
    assert len(entries) == 1
    assert entries[0].object_id == batch.id and entries[0].user_id == world.supervisor.id
    assert "cases=4" in entries[0].summary and "referrals=2" in entries[0].summary
    for secret in ("Lan", "Hoa", "0901", "2023-001", "K1"):
        assert secret not in entries[0].summary


@pytest.mark.parametrize("variant", ["semicolon", "bom", "bom-semicolon", "xlsx"])
def test_csv_variants_and_xlsx(world: World, write: Callable[..., Path], variant: str) -> None:
    if variant == "xlsx":
        path = write("cases.xlsx", CASES)
    else:
        path = write("cases.csv", CASES, delimiter=";" if "semicolon" in variant else ",",
                     bom="bom" in variant)
    result = run_import(world.supervisor, src(path))
    assert result.ok, result.errors
    names = {c.full_name for c in db.session.scalars(sa.select(Client))}
    assert names == {"Nguyễn Thị Lan", "Lê Thị Hoa", "Trần Văn Nam"}
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 4


def test_xlsx_with_real_date_cells(world: World, write: Callable[..., Path]) -> None:
    rows = [["detected_on", "case_ref", "client_ref", "unit_code", "birth_year"],
            [date(2022, 1, 31), "X1", "K9", "C1", 1999]]
    result = run_import(world.admin, src(write("c.xlsx", rows)))
    assert result.ok, result.errors
    case = db.session.scalars(sa.select(Case)).one()
    assert case.detected_on == date(2022, 1, 31) and case.age_at_detection == 23


def test_only_required_columns_in_any_order(world: World, write: Callable[..., Path]) -> None:
    rows = [["detected_on", "client_ref", "unit_code", "case_ref"],
            ["01/02/2022", "K1", "C1", "A-1"]]
    result = run_import(world.supervisor, src(write("c.csv", rows)))
    assert result.ok
    case = db.session.scalars(sa.select(Case)).one()
    # Blank category and sex never count toward the indicator.
    assert case.category is CaseCategory.LEGAL
    assert db.session.scalars(sa.select(Client)).one().sex is Sex.OTHER


H = ["case_ref", "unit_code", "client_ref", "sex", "detected_on", "status", "closed_on"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param([["case_ref", "client_ref", "detected_on"], ["A", "K", "2023-01-01"]],
                     {(1, "unit_code")}, id="missing-required-column"),
        pytest.param([[*H, "notes"], ["A", "C1", "K", "F", "2023-01-01", "", "", "x"]],
                     {(1, "notes")}, id="unknown-column"),
        pytest.param([H, ["A", "C1", "K", "F", "2023-01-01", "", ""],
                      ["B", "ZZ", "K2", "F", "2023-01-01", "", ""]],
                     {(3, "unit_code")}, id="unknown-unit"),
        pytest.param([H, ["A", "C2", "K", "F", "2023-01-01", "", ""]],
                     {(2, "unit_code")}, id="sibling-unit-out-of-scope"),
        pytest.param([H, ["A", "P", "K", "F", "2023-01-01", "", ""]],
                     {(2, "unit_code")}, id="parent-unit-out-of-scope"),
        pytest.param([H, ["A", "C1", "K", "F", "2023-02-30", "", ""],
                      ["B", "C1", "K2", "F", "1/13/2023", "", ""],
                      ["C", "C1", "K3", "F", "", "", ""]],
                     {(2, "detected_on"), (3, "detected_on"), (4, "detected_on")},
                     id="bad-or-missing-date"),
        pytest.param([H, ["A", "C1", "K", "F", "2027-01-01", "", ""]],
                     {(2, "detected_on")}, id="future-date"),
        pytest.param([H, ["A", "C1", "K", "F", "2023-01-01", "", ""],
                      ["A", "C1", "K2", "F", "2023-01-01", "", ""]],
                     {(3, "case_ref")}, id="duplicate-case-ref-in-file"),
        pytest.param([H, ["A", "C1", "K", "X", "2023-01-01", "", ""]],
                     {(2, "sex")}, id="wrong-sex-code"),
        pytest.param([H, ["A", "C1", "K", "F", "2023-01-01", "", ""],
                      ["B", "C1", "K", "M", "2023-01-01", "", ""]],
                     {(3, "sex")}, id="inconsistent-client"),
        pytest.param([H, ["A", "C1", "K", "F", "2023-01-01", "open", "2023-02-01"]],
                     {(2, "closed_on")}, id="closed-on-while-open"),
        pytest.param([H, ["A", "C1", "K", "F", "2023-01-01", "pending", ""]],
                     {(2, "status")}, id="unknown-status"),
        pytest.param([[*H, "category"], ["A", "C1", "K", "F", "2023-01-01", "", "", "theft"]],
                     {(2, "category")}, id="unknown-category"),
    ],
)
def test_case_errors_write_nothing(world: World, write: Callable[..., Path],
                                   rows: list[list[str]], expected: set[tuple[int, str]]) -> None:
    before = counts()
    result = run_import(world.supervisor, src(write("cases.csv", rows)))
    assert not result.ok and not result.written
    assert errors_at(result.errors) == expected
    assert all(e.file == "cases.csv" and e.message for e in result.errors)
    assert counts() == before


RH = ["case_ref", "service_type", "referred_on", "status", "received_on"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param([RH, ["2023-001", "legal_aid", "2023-04-01", "received", ""]],
                     {(2, "received_on")}, id="received-without-date"),
        pytest.param([RH, ["2023-001", "legal_aid", "2023-04-01", "sent", "2023-04-05"]],
                     {(2, "received_on")}, id="received-on-with-other-status"),
        pytest.param([RH, ["2023-001", "legal_aid", "2023-04-01", "", ""],
                      ["NOPE", "legal_aid", "2023-04-01", "", ""]],
                     {(3, "case_ref")}, id="unknown-case-ref"),
        pytest.param([RH, ["2023-001", "massage", "2023-04-01", "", ""]],
                     {(2, "service_type")}, id="unknown-service-type"),
        pytest.param([RH, ["2023-001", "legal_aid", "2023-04-01", "done", ""]],
                     {(2, "status")}, id="unknown-state"),
        pytest.param([["case_ref", "referred_on"], ["2023-001", "2023-04-01"]],
                     {(1, "service_type")}, id="missing-service-type-column"),
        pytest.param([RH, ["2023-001", "legal_aid", "2023-04-01", "received", "2023-03-01"]],
                     {(2, "received_on")}, id="received-before-referred"),
    ],
)
def test_referral_errors_write_nothing(world: World, write: Callable[..., Path],
                                       rows: list[list[str]],
                                       expected: set[tuple[int, str]]) -> None:
    before = counts()
    result = run_import(world.supervisor, src(write("cases.csv", CASES)),
                        src(write("referrals.csv", rows)))
    assert not result.ok
    assert errors_at(result.errors) == expected
    assert {e.file for e in result.errors} == {"referrals.csv"}
    assert counts() == before


def test_all_errors_reported_in_one_run(world: World, write: Callable[..., Path]) -> None:
    rows = [H, ["A", "C2", "K", "F", "2023-01-01", "", ""],
            ["B", "C1", "K2", "Q", "31/31/2023", "", ""]]
    result = run_import(world.supervisor, src(write("cases.csv", rows)))
    assert errors_at(result.errors) == {(2, "unit_code"), (3, "sex"), (3, "detected_on")}
    assert result.error_count == 3


def test_reimport_is_refused_as_duplicate(world: World, write: Callable[..., Path]) -> None:
    path = write("cases.csv", CASES)
    assert run_import(world.supervisor, src(path)).written
    before = counts()
    again = run_import(world.supervisor, src(path))
    assert not again.ok
    assert errors_at(again.errors) == {(r, "case_ref") for r in (2, 3, 4, 5)}
    assert counts() == before


def test_same_ref_in_another_unit_is_not_a_duplicate(world: World,
                                                     write: Callable[..., Path]) -> None:
    rows = [H, ["A", "C1", "K", "F", "2023-01-01", "", ""]]
    assert run_import(world.admin, src(write("a.csv", rows))).written
    rows2 = [H, ["A", "C2", "K", "F", "2023-01-01", "", ""]]
    assert run_import(world.admin, src(write("b.csv", rows2))).written
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 2


def test_referrals_pointing_at_an_earlier_import(world: World,
                                                 write: Callable[..., Path]) -> None:
    assert run_import(world.supervisor, src(write("cases.csv", CASES))).written
    ref_path = write("referrals.csv", REFERRALS)
    result = run_import(world.supervisor, referrals=src(ref_path))
    assert result.written and result.referrals == 2
    case = db.session.scalars(sa.select(Case).where(Case.imported_ref == "2023-001")).one()
    referral = db.session.scalars(
        sa.select(Referral).where(Referral.state == ReferralState.RECEIVED)
    ).one()
    assert referral.case_id == case.id
    # The same referrals again are duplicates; nothing is written.
    before = counts()
    again = run_import(world.supervisor, referrals=src(ref_path))
    assert errors_at(again.errors) == {(2, "case_ref"), (3, "case_ref")}
    assert counts() == before


def test_referrals_cannot_reach_cases_outside_scope(world: World,
                                                    write: Callable[..., Path],
                                                    make: Any) -> None:
    other_sup = make.user("supervisor", world.sibling)
    rows = [H, ["S-1", "C2", "K", "F", "2023-01-01", "", ""]]
    assert run_import(other_sup, src(write("c.csv", rows))).written
    before = counts()
    result = run_import(world.supervisor, referrals=src(write(
        "r.csv", [RH, ["S-1", "health", "2023-01-05", "", ""]])))
    assert errors_at(result.errors) == {(2, "case_ref")}
    assert counts() == before


def test_client_ref_of_an_earlier_import_is_the_same_person(
        world: World, write: Callable[..., Path]) -> None:
    assert run_import(world.supervisor, src(write("a.csv", CASES))).written
    rows = [H, ["2024-001", "C1", "K1", "", "2024-05-01", "", ""]]
    result = run_import(world.supervisor, src(write("b.csv", rows)))
    assert result.written and result.clients == 0 and result.clients_linked == 1
    cases = db.session.scalars(sa.select(Case).where(
        Case.imported_ref.in_(["2023-001", "2024-001"]))).all()
    assert len({c.client_id for c in cases}) == 1


def test_dry_run_writes_nothing_and_reports_counts(world: World,
                                                  write: Callable[..., Path]) -> None:
    before = counts()
    result = run_import(world.supervisor, src(write("cases.csv", CASES)),
                        src(write("referrals.csv", REFERRALS)), dry_run=True)
    assert result.ok and not result.written and result.batch_id is None
    assert (result.cases, result.clients, result.referrals) == (4, 3, 2)
    assert counts() == before


def test_only_supervisors_and_admins_may_import(world: World,
                                                write: Callable[..., Path]) -> None:
    path = write("cases.csv", CASES)
    for user in (world.counselor, world.statistics):
        with pytest.raises(ImportNotAllowed):
            run_import(user, src(path))


def test_unreadable_files_are_reported(world: World, tmp_path: Path) -> None:
    bad = tmp_path / "cases.csv"
    bad.write_bytes("case_ref,unit_code,client_ref,detected_on\nA,C1,Hà,2023-01-01\n"
                    .encode("cp1252"))
    result = run_import(world.supervisor, src(bad))
    assert not result.ok and result.errors[0].file == "cases.csv"
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a workbook")
    assert not run_import(world.supervisor, src(fake)).ok
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert errors_at(run_import(world.supervisor, src(empty)).errors) == {(1, "")}


def test_identifying_fields_encrypted_at_rest(world: World, write: Callable[..., Path]) -> None:
    assert run_import(world.supervisor, src(write("cases.csv", CASES))).written
    raw = db.session.execute(sa.text(
        "SELECT full_name, phone, birth_date FROM clients WHERE full_name IS NOT NULL"
    )).all()
    assert raw
    blob = repr(raw)
    for plain in ("Nguyễn Thị Lan", "Lan", "0901", "1990-05-20"):
        assert plain not in blob
    if db.engine.dialect.name == "sqlite":
        db.session.commit()
        db.session.execute(sa.text("PRAGMA wal_checkpoint(FULL)"))
        data = Path(db.engine.url.database or "").read_bytes()
        assert "Nguyễn Thị Lan".encode() not in data
        assert b"0901 234 567" not in data
