"""Counseling sessions on the demo cases, with follow-ups overdue, due this week and later.

Safe to re-run: nothing is added once a demo case has a session.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from caseapp.cases.models import Case, CaseStatus
from caseapp.clock import today
from caseapp.consultations.models import Consultation, ConsultationChannel, ConsultationKind
from caseapp.db import db

NOTES = ("Chị kể lại sự việc; đã giải thích quyền được bảo vệ và cách liên hệ khi khẩn cấp.",
         "Trao đổi về kế hoạch an toàn và các dịch vụ hỗ trợ tại địa phương.",
         "Hướng dẫn thủ tục pháp lý; chị sẽ chuẩn bị giấy tờ cho buổi sau.")
KINDS = (ConsultationKind.LEGAL, ConsultationKind.PSYCHOLOGICAL, ConsultationKind.FAMILY)
CHANNELS = (ConsultationChannel.IN_PERSON, ConsultationChannel.PHONE,
            ConsultationChannel.HOME_VISIT)
# Days from today to the follow-up of an open case's last session, in turn: overdue,
# due this week, later, none.
FOLLOW_UPS = (-5, 2, 12, None)


def seed_demo_consultations() -> int:
    """Add sessions to the demo cases; returns how many were added (0 on re-runs)."""
    cases = list(db.session.scalars(sa.select(Case).order_by(Case.id)))
    if not cases or db.session.scalar(sa.select(sa.func.count()).select_from(Consultation)):
        return 0
    t = today()
    added = 0
    for i, case in enumerate(cases):
        sessions = 1 + i % 3
        first = case.opened_on
        span = max((t - first).days, 1)
        for n in range(sessions):
            held_on = first + timedelta(days=span * n // sessions)
            last = n == sessions - 1
            follow = FOLLOW_UPS[i % len(FOLLOW_UPS)] if last else 7
            follow_up_on = None
            if follow is not None and not (last and case.status == CaseStatus.CLOSED):
                follow_up_on = max(t + timedelta(days=follow), held_on + timedelta(days=1)) \
                    if last else held_on + timedelta(days=follow)
            db.session.add(Consultation(
                case_id=case.id,
                held_at=datetime.combine(held_on, time(2, 30), UTC),  # 09:30 in Vietnam
                kind=KINDS[(i + n) % len(KINDS)], channel=CHANNELS[(i + n) % len(CHANNELS)],
                counselor_id=case.counselor_id, duration_minutes=30 + 15 * (n % 3),
                notes=NOTES[(i + n) % len(NOTES)], follow_up_on=follow_up_on,
            ))
            added += 1
    db.session.flush()
    return added
