from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from caseapp.cases.models import Case
from caseapp.clients.models import Client
from caseapp.db import db
from caseapp.referrals.models import Referral, ReferralState
from caseapp.units.models import Unit
from caseapp.units.tree import subtree_ids
from tests.factories import Factory


def test_seed_synthetic_builds_a_consistent_encrypted_dataset(app: Flask, make: Factory) -> None:
    for code in ("health", "legal_aid", "shelter"):
        make.service_type(code)
    result = app.test_cli_runner().invoke(
        args=["seed-synthetic", "--provinces", "2", "--clients", "400", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Client)) == 400
    n_cases = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    assert n_cases >= 400
    assert f"{n_cases} cases" in result.output

    # Every referral state occurs, and received referrals carry a received date.
    states = set(db.session.scalars(sa.select(Referral.state).distinct()))
    assert states == set(ReferralState)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral).where(
        Referral.state == ReferralState.RECEIVED, Referral.received_on.is_(None))) == 0

    # Identifying fields are encrypted in the table and readable through the model.
    raw = db.session.execute(sa.text("SELECT full_name FROM clients LIMIT 1")).scalar_one()
    client = db.session.scalars(sa.select(Client).limit(1)).one()
    assert client.full_name and raw != client.full_name and client.full_name not in raw

    # Merged communes sit below their successor, so the successor's subtree includes them.
    merged = db.session.scalars(sa.select(Unit).where(Unit.merged_into_id.is_not(None))).all()
    assert merged
    for unit in merged:
        assert unit.id in set(db.session.scalars(subtree_ids(unit.merged_into_id)))

    # Sequences continue after the bulk load (PostgreSQL COPY bypasses them).
    other = make.unit("AFTER")
    assert other.id > max(u.id for u in merged)
