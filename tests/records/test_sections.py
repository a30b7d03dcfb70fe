"""Case-page sections of the case records: fixed query counts and rendering."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import render_template

from caseapp.attachments.models import Attachment
from caseapp.cases.models import RiskLevel
from caseapp.cases.sections import SECTIONS
from caseapp.consents.models import Consent, ConsentGiver, ConsentPurpose
from caseapp.consultations.models import Consultation, ConsultationChannel, ConsultationKind
from caseapp.db import db
from caseapp.incidents.models import Incident, IncidentAct, Perpetrator, Relationship, ViolenceAct
from caseapp.measures.models import ProtectionMeasure
from caseapp.risk.models import RiskAssessment
from tests.records.world import PNG, World


def _add(kind: str, w: World, n: int) -> None:
    case = w.case
    for i in range(n):
        if kind == "incidents":
            db.session.add(Incident(
                case_id=case.id, occurred_on=date(2026, 5, 1 + i),
                acts=[IncidentAct(act=ViolenceAct.CONFINEMENT)],
                perpetrators=[Perpetrator(relationship_=Relationship.HUSBAND)]))
        elif kind == "risk":
            db.session.add(RiskAssessment(case_id=case.id, assessed_by_id=w.counselor_a.id,
                                          assessed_at=datetime(2026, 6, 1, i, tzinfo=UTC),
                                          answers="weapon", score=5, level=RiskLevel.HIGH))
        elif kind == "measures":
            db.session.add(ProtectionMeasure(case_id=case.id, kind="shelter"))
        elif kind == "consents":
            db.session.add(Consent(client_id=case.client_id, purpose=ConsentPurpose.SHARE,
                                   given_by=ConsentGiver.CLIENT, given_on=date(2026, 6, 1),
                                   recorded_by_id=w.counselor_a.id, shared_fields="phone"))
        elif kind == "consultations":
            db.session.add(Consultation(case_id=case.id, counselor_id=w.counselor_a.id,
                                        held_at=datetime(2026, 6, 1, i, tzinfo=UTC),
                                        kind=ConsultationKind.LEGAL,
                                        channel=ConsultationChannel.PHONE))
        elif kind == "attachments":
            db.session.add(Attachment(unit_id=w.a.id, case_id=case.id, filename=f"f{i}.png",
                                      content_type="image/png", size=len(PNG), sha256="0" * 64,
                                      data=PNG, uploaded_at=datetime(2026, 6, 1, tzinfo=UTC)))
    db.session.commit()


KINDS = ["incidents", "risk", "measures", "consents", "consultations", "attachments"]


@pytest.mark.parametrize("kind", KINDS)
def test_section_loader_query_count_does_not_grow(app: Any, world: World, queries: Any,
                                                  kind: str) -> None:
    section = SECTIONS[kind]
    _add(kind, world, 1)
    db.session.expire_all()
    with queries() as one:
        data = section.loader(world.case)
    first = next(iter(data.values()))
    assert len(first) == 1
    _add(kind, world, 9)
    db.session.expire_all()
    with queries() as ten:
        data = section.loader(world.case)
    assert len(next(iter(data.values()))) == 10
    assert len(one) == len(ten)


@pytest.mark.parametrize("kind", KINDS)
def test_section_renders_its_records_and_add_link(app: Any, world: World, kind: str) -> None:
    _add(kind, world, 2)
    section = SECTIONS[kind]
    with app.test_request_context("/"):
        html = render_template(section.template, case=world.case,
                               section=section.loader(world.case))
    assert f'id="{kind}"' in html
    assert f"/{world.case.id}" in html  # the add link for this case
    assert "f0.png" not in html or kind == "attachments"
