from __future__ import annotations

import sqlalchemy as sa

from caseapp.cases.models import Case, CaseCategory, CaseStatus
from caseapp.clients.models import Client
from caseapp.db import db
from caseapp.demo import seed_demo


def test_demo_cases_cover_every_category_and_are_seeded_once(app, tmp_path) -> None:
    app.instance_path = str(tmp_path)  # demo credentials go to a throwaway folder
    list(seed_demo())
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    assert count >= 24
    categories = set(db.session.scalars(sa.select(Case.category).distinct()))
    assert categories == set(CaseCategory)
    statuses = set(db.session.scalars(sa.select(Case.status).distinct()))
    assert CaseStatus.CLOSED in statuses and CaseStatus.OPEN in statuses
    for client in db.session.scalars(sa.select(Client)):
        assert client.name_bidx and client.code.startswith("KH.")
    list(seed_demo())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == count
