from __future__ import annotations

import random
import sqlite3
import warnings
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from caseapp.cases.models import Case
from caseapp.clients.models import Client
from caseapp.consultations import due
from caseapp.consultations.models import Consultation
from caseapp.crypto import Keyring, keyring, name_index, phone_index
from caseapp.db import db
from caseapp.incidents.models import Incident
from caseapp.referrals.models import Referral, ReferralState
from caseapp.synthetic.rows import COLUMNS, TABLES, Calendar, Ids, RowBuilder
from caseapp.synthetic.writer import BackgroundWrites, writer_for
from caseapp.units.models import Unit
from caseapp.units.tree import subtree_ids
from tests.factories import Factory


def _schema_of(tables: tuple[str, ...]) -> dict[str, Any]:
    """Indexes, unique constraints and foreign keys of the tables, as the database has them."""
    conn = db.session.connection()
    insp = sa.inspect(conn)
    # Index definitions from the catalog: the inspector skips indexes on expressions.
    catalog = sa.text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"
        if conn.dialect.name == "sqlite" else
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t "
        "AND schemaname = current_schema()")
    out: dict[str, Any] = {}
    for t in tables:
        with warnings.catch_warnings():
            # SQLite's unique-constraint reflection reads the index list and warns about
            # the expression indexes it skips; those are compared through the catalog.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection")
            uniques = insp.get_unique_constraints(t)
        out[t] = (
            sorted(tuple(row) for row in conn.execute(catalog, {"t": t})),
            sorted((u["name"], tuple(u["column_names"])) for u in uniques),
            sorted((f["name"], tuple(f["constrained_columns"]), f["referred_table"])
                   for f in insp.get_foreign_keys(t)),
        )
    return out


def _seed(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["seed-synthetic", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_seed_synthetic_builds_a_consistent_encrypted_dataset(app: Flask, make: Factory) -> None:
    for code in ("health", "legal_aid", "shelter"):
        make.service_type(code)
    db.session.commit()
    schema_before = _schema_of(TABLES)

    output = _seed(app, "--provinces", "2", "--clients", "400", "--seed", "7")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Client)) == 400
    n_cases = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    assert n_cases >= 400
    assert f"{n_cases} cases" in output

    # Each case carries its earliest pending consultation follow-up, as the app computes it.
    stored = dict(db.session.execute(sa.select(Case.id, Case.follow_up_due_on)).all())
    assert sum(v is not None for v in stored.values()) > n_cases // 4
    due.refresh_all(db.session.connection())
    assert dict(db.session.execute(sa.select(Case.id, Case.follow_up_due_on)).all()) == stored

    # Every referral state occurs, and received referrals carry a received date.
    states = set(db.session.scalars(sa.select(Referral.state).distinct()))
    assert states == set(ReferralState)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral).where(
        Referral.state == ReferralState.RECEIVED, Referral.received_on.is_(None))) == 0

    # Identifying fields are encrypted in the table and readable through the model; the
    # blind indexes find the client the way the app's search does.
    raw = db.session.execute(sa.text(
        "SELECT full_name, phone, name_bidx, phone_bidx FROM clients ORDER BY id LIMIT 50"
    )).all()
    clients = db.session.scalars(sa.select(Client).order_by(Client.id).limit(50)).all()
    for (enc_name, enc_phone, name_bidx, phone_bidx), client in zip(raw, clients, strict=True):
        assert client.full_name and client.phone
        assert client.full_name not in enc_name and client.phone not in enc_phone
        assert name_bidx == name_index(client.full_name)
        assert phone_bidx == phone_index(client.phone)
    assert len({r[0] for r in raw}) == len(raw)  # a fresh nonce for every value
    for table, column in (("cases", "summary"), ("incidents", "narrative"),
                          ("consultations", "notes")):
        tokens = db.session.execute(sa.text(
            f"SELECT {column} FROM {table} LIMIT 20")).scalars().all()
        assert tokens
        for token in tokens:
            assert keyring().decrypt(token) and "tổng hợp" not in token
    assert db.session.scalars(sa.select(Case.summary).limit(1)).one()
    assert db.session.scalars(sa.select(Incident.narrative).limit(1)).one()
    assert db.session.scalars(sa.select(Consultation.notes).limit(1)).one()

    # Merged communes sit below their successor, so the successor's subtree includes them.
    merged = db.session.scalars(sa.select(Unit).where(Unit.merged_into_id.is_not(None))).all()
    assert merged
    for unit in merged:
        assert unit.id in set(db.session.scalars(subtree_ids(unit.merged_into_id)))

    # The indexes and constraints set aside during the load are all back.
    assert _schema_of(TABLES) == schema_before
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(sa.text("PRAGMA foreign_key_check")).all() == []
        assert db.session.execute(sa.text(
            "SELECT DISTINCT typeof(id) || typeof(client_id) FROM cases")).scalars().all() \
            == ["integerinteger"]

    # Sequences continue after the bulk load (PostgreSQL COPY bypasses them).
    other = make.unit("AFTER")
    assert other.id > max(u.id for u in merged)


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """The data of the generated tables, decrypted, without ids or creation times."""
    ring = keyring()
    return {
        "clients": [(c.code, c.full_name, c.phone, c.birth_year, c.sex)
                    for c in db.session.scalars(sa.select(Client).order_by(Client.id))],
        "cases": [(c.code, c.category, c.detected_on, c.status, c.closed_on, c.current_risk)
                  for c in db.session.scalars(sa.select(Case).order_by(Case.id))],
        "referrals": [(r.state, r.referred_on, r.received_on, r.not_received_reason)
                      for r in db.session.scalars(sa.select(Referral).order_by(Referral.id))],
        "notes": [(ring.decrypt(n),) for n in db.session.execute(
            sa.text("SELECT notes FROM consultations ORDER BY id")).scalars()],
    }


def _empty_generated() -> None:
    for table in ("referrals", "consultations", "incidents", "cases", "clients", "units"):
        db.session.execute(sa.text(f"DELETE FROM {table}"))
    db.session.commit()


def test_a_seed_gives_the_same_data_every_time(app: Flask, make: Factory) -> None:
    make.service_type("health")
    db.session.commit()
    _seed(app, "--provinces", "1", "--clients", "60", "--seed", "3")
    first = _snapshot()
    _empty_generated()
    _seed(app, "--provinces", "1", "--clients", "60", "--seed", "3")
    assert _snapshot() == first


def _plain_rows(seed: int) -> list[tuple[str | None, ...]]:
    ring = Keyring.parse("k1:" + "B" * 43 + "=")
    builder = RowBuilder(random.Random(seed), ring, [(1, "U1"), (2, "U2")], [1, 2],  # noqa: S311
                         Calendar(date(2026, 6, 15), 2), Ids({t: 1 for t in TABLES}),
                         "2026-06-15 03:00:00.000000", None, "0", "1")
    rows = builder.batch(50).rows
    # Cipher texts differ at every run (a fresh nonce per value): compare the plain text.
    return [(*r[:3], ring.decrypt(r[3]), ring.decrypt(r[5]), *r[6:]) for r in rows["clients"]]


def test_rows_follow_the_seed() -> None:
    assert _plain_rows(3) == _plain_rows(3)
    assert _plain_rows(3) != _plain_rows(4)


def test_a_failed_load_leaves_no_rows_and_every_index(app: Flask) -> None:
    schema_before = _schema_of(TABLES)
    w = writer_for(db.session.connection())
    w.begin_load(TABLES)
    writes = BackgroundWrites(w)
    # A client of a unit that does not exist: the database refuses the row, on SQLite at
    # insertion, on PostgreSQL when the foreign key is rebuilt.
    row = ("1", "KH.X.1", "999999", w.null, w.null, w.null, w.null, w.null, "F", w.null,
           w.false, w.null, w.false, "1", "2026-01-01 00:00:00.000000")
    with pytest.raises((sa.exc.IntegrityError, sqlite3.IntegrityError)):
        writes.put([("clients", COLUMNS["clients"], [row])])
        writes.close()
        w.end_load()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Client)) == 0
    assert _schema_of(TABLES) == schema_before


def test_seed_synthetic_refuses_a_database_that_holds_clients(app: Flask, make: Factory) -> None:
    unit = make.unit()
    make.client(unit)
    result = app.test_cli_runner().invoke(
        args=["seed-synthetic", "--provinces", "1", "--clients", "10"])
    assert result.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Client)) == 1
