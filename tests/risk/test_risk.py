from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.cases.models import Case, CaseStatus, RiskLevel
from caseapp.db import db
from caseapp.risk.models import RiskAssessment
from caseapp.risk.scoring import score_answers
from tests.records.world import World, audits


@pytest.mark.parametrize("answers,level", [
    ([], RiskLevel.LOW),
    (["pregnancy"], RiskLevel.LOW),
    (["strangulation"], RiskLevel.HIGH),
    (["threat_to_kill"], RiskLevel.HIGH),
    (["weapon"], RiskLevel.HIGH),
    (["pregnancy", "police_calls"], RiskLevel.MEDIUM),
    (["escalation", "fears_for_life", "jealousy_control"], RiskLevel.HIGH),
    (["escalation", "substance_abuse"], RiskLevel.MEDIUM),
])
def test_scoring_rule(answers: list[str], level: RiskLevel) -> None:
    assert score_answers(answers)[1] == level


def test_newest_assessment_sets_current_risk_and_history_is_kept(world: World,
                                                                 login_as: Any) -> None:
    c = login_as(world.counselor_a)
    assert c.post(f"/risk/new/{world.case.id}",
                  data={"answers": ["strangulation"]}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, world.case.id).current_risk == RiskLevel.HIGH
    c.post(f"/risk/new/{world.case.id}", data={"answers": ["pregnancy"]})
    db.session.expire_all()
    assert db.session.get(Case, world.case.id).current_risk == RiskLevel.LOW
    levels = db.session.scalars(sa.select(RiskAssessment.level).order_by(RiskAssessment.id))
    assert list(levels) == [RiskLevel.HIGH, RiskLevel.LOW]
    entries = audits("risk.create")
    assert len(entries) == 2 and entries[0].unit_id == world.a.id
    assert "level high" in entries[0].summary


def test_unknown_item_is_refused(world: World, login_as: Any) -> None:
    resp = login_as(world.counselor_a).post(f"/risk/new/{world.case.id}",
                                            data={"answers": ["nonsense"]})
    assert resp.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(RiskAssessment.id))) == 0


def test_high_risk_badge_and_list_for_supervisors_in_scope(world: World, make: Any,
                                                           login_as: Any) -> None:
    c = login_as(world.counselor_a)
    c.post(f"/risk/new/{world.case.id}", data={"answers": ["weapon"]})
    closed = make.case(world.a, status=CaseStatus.CLOSED, current_risk=RiskLevel.HIGH)
    sup = login_as(world.supervisor_p)
    home = sup.get("/").get_data(as_text=True)
    assert 'High-risk cases <span class="badge">1</span>' in home
    html = sup.get("/risk/high").get_data(as_text=True)
    assert world.case.code in html and closed.code not in html
    assert "Nguyễn" not in html.split("<main")[1].split("</main>")[0]
    sibling = login_as(world.supervisor_b).get("/risk/high").get_data(as_text=True)
    assert world.case.code not in sibling


def test_high_risk_list_uses_a_fixed_number_of_queries(world: World, make: Any,
                                                       login_as: Any, queries: Any) -> None:
    sup = login_as(world.supervisor_d)
    make.case(world.a, current_risk=RiskLevel.HIGH)
    with queries() as one:
        sup.get("/risk/high")
    for _ in range(9):
        make.case(world.a, current_risk=RiskLevel.HIGH)
    with queries() as ten:
        html = sup.get("/risk/high").get_data(as_text=True)
    assert html.count("risk-high") == 10
    assert len(one) == len(ten)


@pytest.fixture
def app_overrides() -> dict[str, object]:
    # These tests compare texts with their English ids; Vietnamese rendering is checked in
    # tests/foundation/test_translations.py and the browser tests.
    return {"BABEL_DEFAULT_LOCALE": "en"}
