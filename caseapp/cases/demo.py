"""Fictional clients and cases for the demo province (every name and number is invented).

Safe to re-run: nothing is added once demo cases exist.
"""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from caseapp.auth.models import Role, User
from caseapp.cases import services as cases
from caseapp.cases.models import (
    Case,
    CaseCategory,
    CaseStatus,
    IntakeChannel,
    ReferringSource,
    VictimStatus,
)
from caseapp.clients import services as clients
from caseapp.clients.models import Ethnicity, MaritalStatus, Sex
from caseapp.clock import today
from caseapp.db import db
from caseapp.units.models import Unit

# (full name, sex, ethnicity, birth year or None, needs a Khmer interpreter)
PEOPLE = [
    ("Nguyễn Thị Thu Trang", Sex.FEMALE, Ethnicity.KINH, 1988, False),
    ("Thạch Thị Sa Rươne", Sex.FEMALE, Ethnicity.KHMER, 1995, True),
    ("Lâm Thị Kim Hoa", Sex.FEMALE, Ethnicity.HOA, 1979, False),
    ("Trần Thị Bé Năm", Sex.FEMALE, Ethnicity.KINH, 1992, False),
    ("Sơn Thị Chanh Đa", Sex.FEMALE, Ethnicity.KHMER, 2009, True),
    ("Lê Thị Ngọc Hân", Sex.FEMALE, Ethnicity.KINH, 2001, False),
    ("Kim Thị Sô Phal", Sex.FEMALE, Ethnicity.KHMER, 1985, False),
    ("Võ Thị Mỹ Linh", Sex.FEMALE, Ethnicity.KINH, 1990, False),
    ("Huỳnh Thị Cẩm Tú", Sex.FEMALE, Ethnicity.KINH, 1975, False),
    ("Danh Thị Sà Ry", Sex.FEMALE, Ethnicity.KHMER, 2010, True),
    ("Phạm Thị Thanh Thúy", Sex.FEMALE, Ethnicity.KINH, 1983, False),
    ("Trương Thị Mai", Sex.FEMALE, Ethnicity.HOA, 1998, False),
    ("Châu Thị Sóc Khanh", Sex.FEMALE, Ethnicity.KHMER, 1993, False),
    ("Đặng Thị Hồng Nhung", Sex.FEMALE, Ethnicity.KINH, 2004, False),
    ("Lý Thị Mỹ Dung", Sex.FEMALE, Ethnicity.KHMER, 1987, True),
    ("Ngô Thị Diễm", Sex.FEMALE, Ethnicity.KINH, None, False),
    ("Thạch Thị Mum", Sex.FEMALE, Ethnicity.KHMER, 1999, False),
    ("Bùi Thị Kim Ngân", Sex.FEMALE, Ethnicity.KINH, 1996, False),
    ("Tô Văn Hải", Sex.MALE, Ethnicity.KINH, 1980, False),
    ("Dương Thị Yến Nhi", Sex.FEMALE, Ethnicity.KINH, 2011, False),
    ("Sơn Thị Ngọc Bích", Sex.FEMALE, Ethnicity.KHMER, 1991, False),
    ("Hồ Thị Tuyết", Sex.FEMALE, Ethnicity.KINH, 1970, False),
    ("Lâm Thị Ái", Sex.FEMALE, Ethnicity.KHMER, 2002, True),
    ("Phan Thị Thu Cúc", Sex.FEMALE, Ethnicity.KINH, 1986, False),
]

SUMMARIES = {
    CaseCategory.DV: "Chồng thường xuyên say rượu, đánh và chửi bới; chị muốn được tư vấn "
                     "về quyền của mình và nơi tạm lánh an toàn.",
    CaseCategory.TRAFFICKING: "Được giới thiệu đi làm việc nhẹ lương cao ở nước ngoài, bị giữ "
                              "giấy tờ và ép lao động; đã được hỗ trợ trở về địa phương.",
    CaseCategory.FAMILY: "Muốn ly hôn và được nuôi con; cần tư vấn về chia tài sản chung "
                         "và cấp dưỡng.",
    CaseCategory.LEGAL: "Tranh chấp đất thừa kế với anh em chồng sau khi chồng mất.",
}
UNIT_CODES = ("AL-LP-X1", "AL-TT", "AL-P1", "AL-VH")
CATEGORIES = [CaseCategory.DV] * 5 + [CaseCategory.TRAFFICKING] * 2 + [
    CaseCategory.FAMILY] * 2 + [CaseCategory.LEGAL]


def seed_demo_cases() -> int:
    """Add the demo clients and cases; returns how many cases were added (0 on re-runs)."""
    units = {u.code: u for u in db.session.scalars(sa.select(Unit).where(
        Unit.code.in_(UNIT_CODES)))}
    if len(units) < len(UNIT_CODES):
        return 0
    if db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(
            Case.unit_id.in_([u.id for u in units.values()]))):
        return 0
    staff = list(db.session.scalars(sa.select(User).where(
        User.role.in_((Role.COUNSELOR, Role.SUPERVISOR)))))
    rng = random.Random(2026)  # the same demo every time  # noqa: S311 (not security)
    end = today()
    added = 0
    for i, (name, sex, ethnicity, born, interpreter) in enumerate(PEOPLE):
        unit = units[UNIT_CODES[i % len(UNIT_CODES)]]
        counselors = [u for u in staff if u.unit_id == unit.id] or staff
        registrar = counselors[0]
        data = clients.ClientData(
            sex=sex, full_name=name, phone=f"09{rng.randrange(10**7, 10**8)}",
            address=f"Ấp {rng.choice(['Mỹ Thanh', 'Tân Lập', 'Phú Hòa', 'Trà Quýt'])}",
            birth_year=born, approx_age=None if born else 35, ethnicity=ethnicity,
            needs_interpreter=interpreter,
            interpreter_language="Khmer" if interpreter else None,
            marital_status=rng.choice(list(MaritalStatus)),
        )
        client = clients.register_client(data, registrar, unit)
        for n in range(1 + (i % 5 == 0)):
            category = CATEGORIES[(i + n) % len(CATEGORIES)]
            detected = end - timedelta(days=rng.randrange(20, 900))
            case = cases.open_case(client, cases.CaseData(
                unit_id=unit.id, category=category, detected_on=detected,
                opened_on=min(detected + timedelta(days=rng.randrange(0, 4)), end),
                counselor_id=registrar.id if registrar.unit_id == unit.id else None,
                victim_status=rng.choice(list(VictimStatus))
                if category == CaseCategory.TRAFFICKING else None,
                intake_channel=rng.choice(list(IntakeChannel)),
                referring_source=rng.choice(list(ReferringSource)),
                summary=SUMMARIES[category],
            ), _supervisor_for(staff, unit) or registrar)
            _advance(case, rng, staff, unit)
            added += 1
    db.session.flush()
    return added


def _supervisor_for(staff: list[User], unit: Unit) -> User | None:
    """A supervisor whose subtree holds the unit (the province's, failing a closer one)."""
    ups = [u for u in staff if u.role == Role.SUPERVISOR and unit.path.startswith(u.unit.path)]
    return max(ups, key=lambda u: len(u.unit.path)) if ups else None


def _advance(case: Case, rng: random.Random, staff: list[User], unit: Unit) -> None:
    """Move some cases along the workflow so the demo shows every status."""
    supervisor = _supervisor_for(staff, unit)
    if supervisor is None:
        return
    step = rng.randrange(4)
    if step >= 1:
        cases.change_status(case, "start", supervisor)
    if step >= 2:
        cases.change_status(case, "request_closure", supervisor,
                            comment="Đã được hỗ trợ đầy đủ, tình hình ổn định.")
    if step >= 3 and case.status == CaseStatus.CLOSURE_REQUESTED:
        cases.change_status(case, "approve_closure", supervisor, comment="Đồng ý đóng hồ sơ.",
                            closed_on=max(case.opened_on, today() - timedelta(days=5)))
