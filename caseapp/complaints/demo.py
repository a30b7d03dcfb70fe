"""Demo complaints for the fictional province (safe to re-run: skipped when present)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from caseapp.clock import today
from caseapp.complaints import services
from caseapp.complaints.models import Complaint, ComplaintHandling, ComplaintSubject, SenderRelation
from caseapp.db import db
from caseapp.units import services as units

# (unit code, days ago received, sender, subject, handling, agency)
DEMO_COMPLAINTS = [
    ("AL-LP-X1", 3, SenderRelation.VICTIM, ComplaintSubject.DV, None, None),
    ("AL-LP-X1", 25, SenderRelation.RELATIVE, ComplaintSubject.FAMILY,
     ComplaintHandling.MEDIATED, None),
    ("AL-P1", 20, SenderRelation.NEIGHBOUR, ComplaintSubject.DV, ComplaintHandling.FORWARDED,
     "Công an phường Khánh Hòa"),
]


def seed_complaints() -> None:
    for unit_code, ago, sender, subject, handling, agency in DEMO_COMPLAINTS:
        unit = units.get_by_code(unit_code)
        if unit is None:
            continue
        exists = db.session.scalar(sa.select(Complaint.id).where(Complaint.unit_id == unit.id,
                                                                 Complaint.subject == subject))
        if exists:
            continue
        services.create_complaint(unit, {
            "received_on": today() - timedelta(days=ago), "sender_relation": sender,
            "subject": subject, "summary": None, "handling": handling, "forwarded_to": agency,
        }, None)
