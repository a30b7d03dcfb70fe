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


def test_demo_cases_have_sessions_with_follow_ups(app, tmp_path) -> None:
    from datetime import timedelta

    from caseapp.clock import today
    from caseapp.consultations import due
    from caseapp.consultations.models import Consultation
    from caseapp.overdue import week_end as end_of_week

    app.instance_path = str(tmp_path)
    list(seed_demo())
    sessions = db.session.scalar(sa.select(sa.func.count()).select_from(Consultation))
    assert sessions >= 24
    open_due = list(db.session.scalars(
        sa.select(Case.follow_up_due_on).where(Case.status != CaseStatus.CLOSED,
                                               Case.follow_up_due_on.is_not(None))))
    t = today()
    # Something overdue, something due this week, something later.
    assert any(d < t for d in open_due)
    assert any(t <= d <= end_of_week(t) for d in open_due) or end_of_week(t) - t < timedelta(2)
    assert any(d > end_of_week(t) for d in open_due)
    stored = dict(db.session.execute(sa.select(Case.id, Case.follow_up_due_on)).all())
    due.refresh_all(db.session.connection())
    assert dict(db.session.execute(sa.select(Case.id, Case.follow_up_due_on)).all()) == stored
    list(seed_demo())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consultation)) == sessions
