from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.cases.models import CaseCategory
from caseapp.db import db
from caseapp.incidents.models import Incident, Relationship, ViolenceAct
from tests.records.world import World, audits


def _data(**over: Any) -> dict[str, Any]:
    data = {"occurred_on": "01/06/2026", "place_type": "home",
            "acts": ["physical.assault", "economic.income_control"], "gbv_type": "physical_assault",
            "perpetrators-0-relationship_": "husband", "perpetrators-0-sex": "M",
            "perpetrators-0-age_group": "30_44",
            "perpetrators-1-relationship_": "", "perpetrators-1-sex": "",
            "perpetrators-1-age_group": "",
            "perpetrators-2-relationship_": "in_law", "perpetrators-2-sex": "",
            "perpetrators-2-age_group": "",
            "narrative": "Anh Hùng đánh chị", "trafficking_purpose": "forced_labour",
            "trafficking_scope": "", "destination_country": "", "returned_on": ""}
    data.update(over)
    return data


def test_create_with_grouped_acts_and_perpetrators(world: World, login_as: Any) -> None:
    c = login_as(world.counselor_a)
    page = c.get(f"/incidents/new/{world.case.id}").get_data(as_text=True)
    assert "Economic violence" in page and "Physical violence" in page
    assert c.post(f"/incidents/new/{world.case.id}", data=_data()).status_code == 302
    inc = db.session.scalar(sa.select(Incident))
    assert {a.act for a in inc.acts} == {ViolenceAct.PHYSICAL_ASSAULT,
                                         ViolenceAct.ECONOMIC_INCOME}
    assert sorted(p.relationship_ for p in inc.perpetrators) == [Relationship.HUSBAND,
                                                                Relationship.IN_LAW]
    # Trafficking details are not kept on a domestic violence case.
    assert inc.trafficking_purpose is None
    raw = db.session.execute(sa.text("SELECT narrative FROM incidents")).scalar_one()
    assert "Hùng" not in raw
    (entry,) = audits("incident.create")
    assert entry.unit_id == world.a.id and entry.object_id == inc.id
    assert "acts" in entry.summary and "narrative" in entry.summary
    assert "Hùng" not in entry.summary


def test_trafficking_details_on_a_trafficking_case(world: World, make: Any,
                                                   login_as: Any) -> None:
    case = make.case(world.a, category=CaseCategory.TRAFFICKING)
    c = login_as(world.counselor_a)
    resp = c.post(f"/incidents/new/{case.id}", data=_data(
        trafficking_scope="cross_border", destination_country="CN", returned_on="10/06/2026"))
    assert resp.status_code == 302
    inc = db.session.scalar(sa.select(Incident))
    assert inc.trafficking_purpose.value == "forced_labour"
    assert inc.destination_country == "CN"


def test_invalid_input_writes_nothing(world: World, login_as: Any) -> None:
    c = login_as(world.counselor_a)
    for bad in ({"occurred_on": "16/06/2026"}, {"narrative": "x" * 10001},
                {"perpetrators-1-sex": "F"}, {"acts": ["not.an.act"]}):
        assert c.post(f"/incidents/new/{world.case.id}", data=_data(**bad)).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Incident.id))) == 0
    assert audits("incident.create") == []


def test_stale_edit_is_refused_and_input_shown_back(world: World, login_as: Any) -> None:
    c = login_as(world.counselor_a)
    c.post(f"/incidents/new/{world.case.id}", data=_data())
    inc = db.session.scalar(sa.select(Incident))
    v = inc.version
    assert c.get(f"/incidents/{inc.id}/edit").status_code == 200
    assert len(audits("incident.view")) == 1
    first = c.post(f"/incidents/{inc.id}/edit", data=_data(version=v, acts=["confinement"]))
    assert first.status_code == 302
    stale = c.post(f"/incidents/{inc.id}/edit",
                   data=_data(version=v, narrative="Bản sửa muộn"))
    assert stale.status_code == 409
    assert "Bản sửa muộn" in stale.get_data(as_text=True)
    db.session.expire_all()
    inc = db.session.get(Incident, inc.id)
    assert inc.narrative == "Anh Hùng đánh chị"
    assert [a.act for a in inc.acts] == [ViolenceAct.CONFINEMENT]
    assert inc.version == v + 1
    (upd,) = audits("incident.update")
    assert "acts" in upd.summary


@pytest.fixture
def app_overrides() -> dict[str, object]:
    # These tests compare texts with their English ids; Vietnamese rendering is checked in
    # tests/foundation/test_translations.py and the browser tests.
    return {"BABEL_DEFAULT_LOCALE": "en"}
