"""Command-line tools: exit codes, messages, and that a failed command writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from caseapp.audit.models import AuditEntry
from caseapp.auth.models import User
from caseapp.db import db
from caseapp.units import services as units
from caseapp.units.models import Unit
from caseapp.units.tree import merged_ids, subtree_ids
from tests.conftest import make_app

PASSWORD = "a long enough passphrase 42"


def run(app: Flask, *args: str, input: str | None = None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0




def test_init_db_on_an_empty_database(empty_database_url: str) -> None:
    fresh = make_app(empty_database_url)
    result = run(fresh, "init-db")
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    with fresh.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert {"units", "users", "audit_entries", "audit_head", "cases"} <= tables
    # Running it again on an up-to-date database is harmless.
    assert run(fresh, "init-db").exit_code == 0
    # The new database is usable by the other commands.
    result = run(fresh, "create-unit", "ROOT", "--name", "Tỉnh", "--kind", "province")
    assert result.exit_code == 0, result.output
    with fresh.app_context():
        db.engine.dispose()


def test_migration_commands_on_an_empty_database(empty_database_url: str) -> None:
    # Flask-Migrate is bound only when "db" is looked up: the group must still be listed,
    # and its commands (with the group's own options) must run.
    fresh = make_app(empty_database_url)
    assert "db" in run(fresh, "--help").output
    result = run(fresh, "db", "upgrade")
    assert result.exit_code == 0, result.output
    result = run(fresh, "db", "-d", "migrations", "current")
    assert result.exit_code == 0, result.output
    with fresh.app_context():
        assert "alembic_version" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


# create-unit

def test_create_unit(app: Flask) -> None:
    result = run(app, "create-unit", "P", "--name", "Hội LHPN tỉnh", "--kind", "province")
    assert result.exit_code == 0, result.output
    result = run(app, "create-unit", "C", "--name", "Hội LHPN xã", "--parent", "P")
    assert result.exit_code == 0, result.output
    assert "Created unit C" in result.output
    c, p = units.get_by_code("C"), units.get_by_code("P")
    assert c.parent_id == p.id and c.kind == "commune" and c.path == f"/{p.id}/{c.id}/"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create-unit", "P", "--name", "Again", "--kind", "province"], "already exists"),
        (["create-unit", "C", "--name", "X", "--parent", "NOPE"], "NOPE"),
        (["create-unit", "C", "--name", "X", "--kind", "planet"], "planet"),
        (["create-unit", "bad code!", "--name", "X"], "unit code"),
        (["create-unit", "C", "--name", "  "], "name"),
    ],
)
def test_create_unit_refusals(app: Flask, args: list[str], message: str) -> None:
    assert run(app, "create-unit", "P", "--name", "Tỉnh", "--kind", "province").exit_code == 0
    units_before, audit_before = count(Unit), count(AuditEntry)
    result = run(app, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert (count(Unit), count(AuditEntry)) == (units_before, audit_before)


# create-user

def test_create_user_with_password_on_stdin(app: Flask, make) -> None:
    make.unit("P", kind="province")
    result = run(app, "create-user", "admin.one", "--role", "admin", "--unit", "P",
                 "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    user = db.session.scalar(sa.select(User).where(User.username == "admin.one"))
    assert user is not None and user.role.value == "admin"
    client = app.test_client()
    resp = client.post("/auth/login", data={"username": "admin.one", "password": PASSWORD})
    assert resp.status_code == 302


@pytest.mark.parametrize(
    ("username", "unit", "password", "message"),
    [
        ("new.user", "NOPE", PASSWORD, "NOPE"),
        ("taken", "P", PASSWORD, "taken"),
        ("new.user", "P", "short", ""),
        ("new.user", "P", "", ""),
    ],
)
def test_create_user_refusals(app: Flask, make, username: str, unit: str, password: str,
                              message: str) -> None:
    p = make.unit("P", kind="province")
    make.user("counselor", p, username="taken")
    users_before = count(User)
    result = run(app, "create-user", username, "--role", "counselor", "--unit", unit,
                 "--password-stdin", input=password + "\n")
    assert result.exit_code != 0
    assert "Error" in result.output and message in result.output
    assert count(User) == users_before


# merge-unit

@pytest.fixture
def two(make):
    p = make.unit("P", kind="province")
    return make.unit("A", parent=p), make.unit("B", parent=p)


def test_merge_unit(app: Flask, two) -> None:
    a, b = two
    result = run(app, "merge-unit", "A", "--into", "B", "--on", "2026-06-15")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    a = db.session.get(Unit, a.id)
    assert a.merged_into_id == b.id and a.parent_id == b.id
    assert str(a.merged_on) == "2026-06-15"


def test_merge_unit_accepts_ddmmyyyy(app: Flask, two) -> None:
    result = run(app, "merge-unit", "A", "--into", "B", "--on", "15/06/2026")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert str(db.session.get(Unit, two[0].id).merged_on) == "2026-06-15"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["merge-unit", "NOPE", "--into", "B"], "NOPE"),
        (["merge-unit", "A", "--into", "NOPE"], "NOPE"),
        (["merge-unit", "A", "--into", "A"], "itself"),
        (["merge-unit", "A", "--into", "B", "--on", "2026-13-45"], "--on"),
        (["merge-unit", "A", "--into", "B", "--on", "yesterday"], "--on"),
        (["merge-unit", "A", "--into", "B", "--on", "2020-01-01"], "before"),
    ],
)
def test_merge_unit_refusals(app: Flask, two, args: list[str], message: str) -> None:
    before = count(AuditEntry)
    result = run(app, *args)
    assert result.exit_code != 0
    assert message in result.output
    db.session.expire_all()
    assert db.session.get(Unit, two[0].id).merged_into_id is None
    assert count(AuditEntry) == before


def test_merge_unit_already_merged(app: Flask, two, make) -> None:
    c = make.unit("C", parent=two[0].parent)
    assert run(app, "merge-unit", "A", "--into", "B").exit_code == 0
    result = run(app, "merge-unit", "A", "--into", "C")
    assert result.exit_code != 0 and "already merged" in result.output
    db.session.expire_all()
    assert db.session.get(Unit, two[0].id).merged_into_id == two[1].id
    assert c.id not in set(db.session.scalars(merged_ids(two[1].id)))


def test_fifty_merges_scripted_through_the_cli(app: Flask, make) -> None:
    p = make.unit("P", kind="province")
    make.unit("S", parent=p)
    old = [make.unit(f"OLD{i:02d}", parent=p) for i in range(50)]
    for u in old:
        result = run(app, "merge-unit", u.code, "--into", "S", "--on", "2026-06-15")
        assert result.exit_code == 0, result.output
    s = units.get_by_code("S")
    assert set(db.session.scalars(subtree_ids(s.id))) == {s.id} | {u.id for u in old}
    assert set(db.session.scalars(merged_ids(s.id))) == {s.id} | {u.id for u in old}
    assert run(app, "verify-audit").exit_code == 0


# seed-demo

def test_seed_demo_twice_is_safe(app: Flask, tmp_path: Path) -> None:
    app.instance_path = str(tmp_path)
    first = run(app, "seed-demo")
    assert first.exit_code == 0, first.output
    counts = (count(Unit), count(User), count(AuditEntry))
    second = run(app, "seed-demo")
    assert second.exit_code == 0, second.output
    assert (count(Unit), count(User), count(AuditEntry)) == counts
    for username in ("admin", "giamsat", "tuvan.lp", "thongke"):
        assert username in second.output
    # The same generated passwords are shown each time, and kept private on disk.
    assert first.output == second.output
    creds = tmp_path / "demo_credentials.txt"
    assert creds.stat().st_mode & 0o777 == 0o600
    # The unit tree is printed, with the 2025 reform visible.
    assert "AL-LP-X2" in second.output and "merged into AL-LP-X1 on 01/07/2025" in second.output
    assert "retired 01/07/2025" in second.output
    x2 = units.get_by_code("AL-LP-X2")
    x1 = units.get_by_code("AL-LP-X1")
    assert x2.id in set(db.session.scalars(subtree_ids(x1.id)))
    assert x1.parent_id == units.get_by_code("AL").id


def test_seeded_units_show_in_the_tree(app: Flask, tmp_path: Path, login_as) -> None:
    app.instance_path = str(tmp_path)
    assert run(app, "seed-demo").exit_code == 0
    admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
    password = dict(line.split(" ", 1) for line in
                    (tmp_path / "demo_credentials.txt").read_text().splitlines())["admin"]
    html = login_as(admin, password).get("/units/").get_data(as_text=True)
    assert "Hội LHPN xã Tân Hưng" in html
    assert "merged into Hội LHPN xã Long Phú on 01/07/2025" in html
    assert "Chi hội ấp Mỹ Thanh" in html


# verify-audit

@pytest.fixture
def logged(make) -> list[int]:
    p = make.unit("P", kind="province")
    for i in range(4):
        make.unit(f"C{i}", parent=p)
    return list(db.session.scalars(sa.select(AuditEntry.id).order_by(AuditEntry.id)))


def test_verify_audit_ok(app: Flask, logged: list[int]) -> None:
    result = run(app, "verify-audit")
    assert result.exit_code == 0, result.output
    assert f"{len(logged)} entries verified" in result.output


def test_verify_audit_detects_an_altered_summary(app: Flask, logged: list[int]) -> None:
    target = logged[2]
    db.session.execute(sa.text("UPDATE audit_entries SET summary = 'x' WHERE id = :i"),
                       {"i": target})
    db.session.commit()
    result = run(app, "verify-audit")
    assert result.exit_code != 0
    assert f"entry {target}" in result.output


def test_verify_audit_detects_an_altered_field_of_the_last_entry(app: Flask,
                                                                   logged: list[int]) -> None:
    db.session.execute(sa.text("UPDATE audit_entries SET ip = '10.0.0.1' WHERE id = :i"),
                       {"i": logged[-1]})
    db.session.commit()
    result = run(app, "verify-audit")
    assert result.exit_code != 0 and f"entry {logged[-1]}" in result.output


def test_verify_audit_detects_a_deleted_middle_entry(app: Flask, logged: list[int]) -> None:
    db.session.execute(sa.text("DELETE FROM audit_entries WHERE id = :i"), {"i": logged[2]})
    db.session.commit()
    result = run(app, "verify-audit")
    assert result.exit_code != 0
    assert f"entry {logged[3]}" in result.output


def test_verify_audit_detects_a_deleted_last_entry(app: Flask, logged: list[int]) -> None:
    db.session.execute(sa.text("DELETE FROM audit_entries WHERE id = :i"), {"i": logged[-1]})
    db.session.commit()
    result = run(app, "verify-audit")
    assert result.exit_code != 0
    assert f"entry {logged[-1]}" in result.output and "removed" in result.output


@pytest.fixture
def app_overrides() -> dict[str, object]:
    # These tests compare message texts with their English ids; the Vietnamese rendering
    # is checked in tests/foundation/test_translations.py and the browser tests.
    return {"BABEL_DEFAULT_LOCALE": "en"}
