from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from caseapp.cases.models import Case, CaseCategory
from caseapp.clients.models import Client, Sex
from caseapp.db import db
from caseapp.imports.reader import Source
from caseapp.imports.services import run_import
from caseapp.referrals.models import Referral, ReferralState
from tests.imports.conftest import World, counts, table_bytes
from tests.imports.test_services import CASES, REFERRALS


def cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["import-records", *args])


def test_cli_imports_and_reports_counts(app: Flask, world: World,
                                        write: Callable[..., Path]) -> None:
    result = cli(app, "--cases", str(write("cases.csv", CASES)),
                 "--referrals", str(write("referrals.csv", REFERRALS)), "--user", "sup")
    assert result.exit_code == 0, result.output
    assert "4 cases, 3 new clients" in result.stdout and "2 referrals" in result.stdout
    assert "Writing" in result.stderr  # the progress bar goes to stderr
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 4


def test_cli_errors_exit_non_zero_and_write_nothing(app: Flask, world: World,
                                                    write: Callable[..., Path]) -> None:
    rows = [CASES[0], CASES[1], ["X", "C2", *CASES[2][2:]]]
    before = counts()
    result = cli(app, "--cases", str(write("cases.csv", rows)), "--user", "sup")
    assert result.exit_code == 1
    assert "cases.csv, row 3, column unit_code:" in result.stdout
    assert "nothing was imported" in result.stderr
    assert counts() == before


def test_cli_dry_run(app: Flask, world: World, write: Callable[..., Path]) -> None:
    before = counts()
    result = cli(app, "--cases", str(write("cases.csv", CASES)), "--dry-run", "--user", "adm")
    assert result.exit_code == 0
    assert "Dry run" in result.stdout and "4 cases" in result.stdout
    assert counts() == before


def test_cli_refuses_users_who_may_not_import(app: Flask, world: World,
                                              write: Callable[..., Path]) -> None:
    path = str(write("cases.csv", CASES))
    for username in ("cou", "sta", "nobody"):
        result = cli(app, "--cases", path, "--user", username)
        assert result.exit_code == 1
    assert cli(app, "--cases", path).exit_code == 2  # --user is required
    assert cli(app, "--user", "sup").exit_code == 2  # at least one file
    assert counts()["cases"] == 0


def upload(client: Any, **files: bytes | bool) -> Any:
    data: dict[str, Any] = {}
    for name, content in files.items():
        if name == "dry_run":
            data["dry_run"] = "y"
        else:
            data[name] = (io.BytesIO(content), f"{name}.csv")  # type: ignore[arg-type]
    return client.post("/imports/", data=data, content_type="multipart/form-data")


def test_screen_only_for_supervisors_and_admins(world: World, login_as: Any) -> None:
    for user in (world.counselor, world.statistics):
        c = login_as(user)
        assert c.get("/imports/").status_code == 404
        assert c.get("/imports/template/cases.csv").status_code == 404
        assert upload(c, cases=table_bytes(CASES)).status_code == 404
    assert counts()["cases"] == 0
    for user in (world.supervisor, world.admin):
        page = login_as(user).get("/imports/")
        assert page.status_code == 200 and b'type="file"' in page.data


def test_screen_imports_and_shows_counts(world: World, login_as: Any) -> None:
    c = login_as(world.supervisor)
    resp = upload(c, cases=table_bytes(CASES), referrals=table_bytes(REFERRALS, delimiter=";"))
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'import-count-cases">4<' in html and 'import-count-referrals">2<' in html
    assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == 2


def test_screen_sibling_unit_gives_row_errors(world: World, login_as: Any) -> None:
    rows = [CASES[0], CASES[1], ["X", "C2", *CASES[2][2:]]]
    c = login_as(world.supervisor)
    before = counts()
    resp = upload(c, cases=table_bytes(rows))
    html = resp.get_data(as_text=True)
    assert "import-error-table" in html
    assert "<td>cases.csv</td><td class=\"num\">3</td><td>unit_code</td>" in html
    assert counts() == before


def test_screen_dry_run_writes_nothing(world: World, login_as: Any) -> None:
    c = login_as(world.admin)
    before = counts()
    resp = upload(c, cases=table_bytes(CASES, bom=True), dry_run=True)
    assert 'import-count-cases">4<' in resp.get_data(as_text=True)
    assert counts() == before


def test_screen_needs_a_file(world: World, login_as: Any) -> None:
    resp = login_as(world.admin).post("/imports/", data={}, content_type="multipart/form-data")
    assert resp.status_code == 200 and b"has-error" in resp.data


def test_templates_download_and_import_back(world: World, login_as: Any,
                                            tmp_path: Path) -> None:
    c = login_as(world.admin)
    for table in ("cases", "referrals"):
        for ext in ("csv", "xlsx"):
            resp = c.get(f"/imports/template/{table}.{ext}")
            assert resp.status_code == 200
            assert "attachment" in resp.headers["Content-Disposition"]
            (tmp_path / f"{table}.{ext}").write_bytes(resp.data)
    header = (tmp_path / "cases.csv").read_text("utf-8-sig").splitlines()[0]
    assert header.startswith("case_ref,unit_code,client_ref")
    # The example rows are valid once the example unit exists.
    from caseapp.units import services as units
    units.create_unit("AL-LP-X1", "Example commune", "commune", world.province)
    db.session.commit()
    for ext in ("csv", "xlsx"):
        result = run_import(world.admin, Source.from_path(tmp_path / f"cases.{ext}"),
                            Source.from_path(tmp_path / f"referrals.{ext}"), dry_run=True)
        assert result.ok, result.errors


# --- the indicator: imported rows must count exactly like rows entered by hand -------------

INDICATOR_SQL = sa.text("""
    SELECT COUNT(DISTINCT cl.id) AS denominator,
           COUNT(DISTINCT CASE WHEN EXISTS (
               SELECT 1 FROM referrals r JOIN service_types st ON st.id = r.service_type_id
               WHERE r.case_id = c.id AND r.state = 'received' AND r.received_on IS NOT NULL
                 AND r.received_on <= :as_of AND st.counts_toward_indicator
           ) THEN cl.id END) AS numerator
    FROM cases c JOIN clients cl ON cl.id = c.client_id
    WHERE cl.sex = 'F' AND c.category IN ('dv', 'trafficking')
      AND c.detected_on BETWEEN :start AND :end
      AND c.unit_id IN (SELECT id FROM units WHERE path LIKE :path)
""")


def indicator(world: World) -> tuple[int, int]:
    row = db.session.execute(INDICATOR_SQL, {
        "as_of": date(2026, 6, 1), "start": date(2021, 1, 1), "end": date(2026, 12, 31),
        "path": world.province.path + "%",
    }).one()
    return row.denominator, row.numerator


INDICATOR_CASES = [
    ["case_ref", "unit_code", "client_ref", "sex", "category", "detected_on"],
    ["I-1", "C1", "A", "F", "dv", "2023-01-10"],
    ["I-2", "C1", "A", "F", "trafficking", "2024-01-10"],   # same woman, counted once
    ["I-3", "C1", "B", "F", "mua bán người", "2023-05-01"],
    ["I-4", "C2", "C", "M", "dv", "2023-05-01"],             # a man: not counted
    ["I-5", "C2", "D", "F", "family", "2023-05-01"],         # not DV/trafficking
    ["I-6", "C2", "E", "F", "dv", "2020-05-01"],             # detected before the term
]
INDICATOR_REFERRALS = [
    ["case_ref", "service_type", "referred_on", "status", "received_on"],
    ["I-2", "health", "2024-01-11", "received", "2024-02-01"],
    ["I-3", "legal_aid", "2023-05-02", "accepted", ""],
    ["I-4", "health", "2023-05-02", "received", "2023-06-01"],
]


def test_imported_data_feeds_the_indicator_like_hand_entry(
        world: World, write: Callable[..., Path], make: Any) -> None:
    assert indicator(world) == (0, 0)
    result = run_import(world.admin, Source.from_path(write("c.csv", INDICATOR_CASES)),
                        Source.from_path(write("r.csv", INDICATOR_REFERRALS)))
    assert result.written
    imported = indicator(world)
    assert imported == (2, 1)

    # The same records entered by hand (factories), after removing the imported ones.
    db.session.execute(sa.delete(Referral))
    db.session.execute(sa.delete(Case))
    db.session.execute(sa.delete(Client))
    db.session.commit()
    assert indicator(world) == (0, 0)
    units = {"C1": world.commune, "C2": world.sibling}
    categories = {"dv": CaseCategory.DV, "trafficking": CaseCategory.TRAFFICKING,
                  "mua bán người": CaseCategory.TRAFFICKING, "family": CaseCategory.FAMILY}
    people: dict[str, Client] = {}
    cases: dict[str, Case] = {}
    for ref, unit, person, sex, category, detected in INDICATOR_CASES[1:]:
        if person not in people:
            people[person] = make.client(units[unit], sex=Sex(sex))
        cases[ref] = make.case(units[unit], people[person], category=categories[category],
                               detected_on=date.fromisoformat(detected))
    for ref, service, referred, state, received in INDICATOR_REFERRALS[1:]:
        make.referral(cases[ref], ReferralState(state), service,
                      referred_on=date.fromisoformat(referred),
                      received_on=date.fromisoformat(received) if received else None)
    assert indicator(world) == imported
