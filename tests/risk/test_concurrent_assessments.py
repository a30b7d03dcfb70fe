"""Danger assessments recorded at the same moment as other saves of the case are all kept."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from caseapp.audit.services import verify_chain
from caseapp.cases.models import Case, RiskLevel
from caseapp.db import db
from caseapp.risk.models import RiskAssessment
from tests.concurrency import run_at_once
from tests.records.world import World, audits


def test_two_assessments_at_once_are_both_kept(world: World, make: Any, login_as: Any) -> None:
    other = make.user("counselor", world.a)
    first, second = login_as(world.counselor_a), login_as(other)
    url = f"/risk/new/{world.case.id}"
    results = run_at_once([lambda: first.post(url, data={"answers": ["weapon"]}),
                           lambda: second.post(url, data={"answers": ["pregnancy"]})])
    assert [getattr(r, "status_code", r) for r in results] == [302, 302]
    levels = set(db.session.scalars(sa.select(RiskAssessment.level)))
    assert levels == {RiskLevel.HIGH, RiskLevel.LOW}
    newest = db.session.scalars(sa.select(RiskAssessment.level)
                                .order_by(RiskAssessment.id.desc())).first()
    db.session.expire_all()
    assert db.session.get_one(Case, world.case.id).current_risk == newest
    assert len(audits("risk.create")) == 2
    assert verify_chain()[1] is None


def test_an_assessment_does_not_make_an_open_case_form_stale(world: World,
                                                             login_as: Any) -> None:
    case = world.case
    form = {"unit": str(world.a.id), "counselor": str(world.counselor_a.id), "category": "dv",
            "detected_on": case.detected_on.strftime("%d/%m/%Y"),
            "opened_on": case.opened_on.strftime("%d/%m/%Y"), "summary": "Đã cập nhật",
            "version": str(case.version)}
    supervisor = login_as(world.supervisor_a)
    assert supervisor.post(f"/risk/new/{case.id}",
                           data={"answers": ["strangulation"]}).status_code == 302
    # The counselor's form, opened before the assessment, saves; the assessment stays.
    resp = login_as(world.counselor_a).post(f"/cases/{case.id}/edit", data=form)
    assert resp.status_code == 302
    db.session.expire_all()
    saved = db.session.get_one(Case, case.id)
    assert saved.summary == "Đã cập nhật" and saved.current_risk == RiskLevel.HIGH
