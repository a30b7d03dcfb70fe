"""A small unit tree with users of every role, for the case-records tests.

    P (province)
    └── D (district)
        ├── A (commune): the case's unit
        └── B (commune): a sibling
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from caseapp.attachments.models import Attachment
from caseapp.auth.models import User
from caseapp.cases.models import Case, RiskLevel
from caseapp.complaints.models import Complaint, ComplaintSubject, SenderRelation
from caseapp.consents.models import Consent, ConsentGiver, ConsentPurpose
from caseapp.consultations.models import Consultation, ConsultationChannel, ConsultationKind
from caseapp.db import db
from caseapp.incidents.models import Incident
from caseapp.measures.models import ProtectionMeasure
from caseapp.risk.models import RiskAssessment
from caseapp.units.models import Unit

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"PNGMARKER" * 10
PDF = b"%PDF-1.4\n%PDFMARKER\n" + b"0" * 100


@dataclass
class World:
    p: Unit
    d: Unit
    a: Unit
    b: Unit
    counselor_a: User
    counselor_b: User
    supervisor_a: User
    supervisor_b: User
    supervisor_d: User
    supervisor_p: User
    statistics: User
    admin: User
    case: Case


def build_world(make: Any) -> World:
    p = make.unit("P", kind="province")
    d = make.unit("D", parent=p, kind="district")
    a = make.unit("A", parent=d)
    b = make.unit("B", parent=d)
    return World(
        p=p, d=d, a=a, b=b,
        counselor_a=make.user("counselor", a), counselor_b=make.user("counselor", b),
        supervisor_a=make.user("supervisor", a), supervisor_b=make.user("supervisor", b),
        supervisor_d=make.user("supervisor", d), supervisor_p=make.user("supervisor", p),
        statistics=make.user("statistics", p), admin=make.user("admin", p),
        case=make.case(a),
    )




@pytest.fixture
def world(make: Any) -> World:
    return build_world(make)


def add_records(w: World) -> dict[str, int]:
    """One record of every kind on the world's case (and a complaint of unit A)."""
    case = w.case
    inc = Incident(case_id=case.id, occurred_on=date(2026, 5, 1), narrative="secret")
    ra = RiskAssessment(case_id=case.id, assessed_at=datetime(2026, 6, 1, tzinfo=UTC),
                        answers="", score=0, level=RiskLevel.LOW)
    pm = ProtectionMeasure(case_id=case.id, kind="shelter", note="shelter address")
    cons = Consultation(case_id=case.id, held_at=datetime(2026, 6, 1, 2, tzinfo=UTC),
                        kind=ConsultationKind.LEGAL, channel=ConsultationChannel.PHONE,
                        follow_up_on=date(2026, 6, 10))
    comp = Complaint(code="DT.A.2026.0001", unit_id=w.a.id, received_on=date(2026, 6, 1),
                     sender_relation=SenderRelation.VICTIM, subject=ComplaintSubject.DV,
                     deadline_on=date(2026, 6, 15))
    consent = Consent(client_id=case.client_id, purpose=ConsentPurpose.SHARE,
                      given_by=ConsentGiver.CLIENT, given_on=date(2026, 3, 1))
    db.session.add_all([inc, ra, pm, cons, comp, consent])
    db.session.flush()
    att = Attachment(unit_id=w.a.id, case_id=case.id, filename="scan.png",
                     content_type="image/png", size=len(PNG), sha256="0" * 64, data=PNG,
                     uploaded_at=datetime(2026, 6, 1, tzinfo=UTC))
    db.session.add(att)
    db.session.commit()
    return {"case": case.id, "incident": inc.id, "risk": ra.id, "measure": pm.id,
            "consultation": cons.id, "complaint": comp.id, "attachment": att.id,
            "consent": consent.id}


def audits(action: str) -> list[Any]:
    import sqlalchemy as sa

    from caseapp.audit.models import AuditEntry

    return list(db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))
