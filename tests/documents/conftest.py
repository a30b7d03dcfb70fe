"""A small province with two sibling units and one fully documented case."""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader

from caseapp.auth.models import Role, User
from caseapp.cases.models import Case, CaseEvent, CaseStatus, RiskLevel
from caseapp.clients.models import Client, Sex
from caseapp.complaints.models import Complaint, ComplaintStatus, ComplaintSubject, SenderRelation
from caseapp.consents.models import ConsentPurpose
from caseapp.consultations.models import Consultation, ConsultationChannel, ConsultationKind
from caseapp.db import db
from caseapp.incidents.models import (
    GbvType,
    Incident,
    IncidentAct,
    Perpetrator,
    PlaceType,
    Relationship,
    ViolenceAct,
)
from caseapp.measures.models import MeasureKind, ProtectionMeasure
from caseapp.referrals.models import (
    Provider,
    ProviderKind,
    Referral,
    ReferralEvent,
    ReferralState,
    Urgency,
)
from caseapp.risk.models import RiskAssessment
from caseapp.units.models import Unit
from tests.factories import Factory

CLIENT_NAME = "Phạm Thị Thu Hằng"
CLIENT_PHONE = "0912 345 678"
CLIENT_ADDRESS = "Số 7, ấp Mỹ Thanh, xã Vĩnh Hải"
NARRATIVE = "Chị Thạch Thị Sô Phia bị chồng đánh ở ấp Mỹ Thanh"
CONSULT_NOTE = "Hướng dẫn thủ tục xin lệnh cấm tiếp xúc"
REFERRAL_REASON = "Cần khám thương tích và giấy chứng nhận"
OTHER_REFERRAL_REASON = "Cần trợ giúp pháp lý khi ly hôn"
PRINTER_NAME = "Lê Thị Hồng Nhung"

_seq = itertools.count(1)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def page_texts(pdf: bytes, password: str | None = None) -> list[str]:
    reader = PdfReader(BytesIO(pdf))
    if password is not None:
        reader.decrypt(password)
    return [nfc(page.extract_text()) for page in reader.pages]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes, password: str | None = None) -> str:
    return "\n".join(page_texts(pdf, password))


@dataclass
class World:
    province: Unit
    unit: Unit
    sibling: Unit
    counselor: User
    supervisor: User
    sibling_supervisor: User
    sibling_counselor: User
    province_supervisor: User
    statistics: User
    admin: User
    client: Client
    case: Case
    provider: Provider
    referral: Referral  # the health referral, provider = provider
    other_referral: Referral


def add_case_content(
    case: Case,
    counselor: User,
    provider: Provider,
    *,
    incidents: int = 2,
    consultations: int = 5,
    referrals: int = 3,
    complaints: int = 1,
    narrative: str = NARRATIVE,
) -> list[Referral]:
    """Incidents, risk history, measures, consultations, a petition, referrals, closure."""
    start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    for n in range(incidents):
        inc = Incident(
            case_id=case.id,
            occurred_on=date(2026, 2, 20 + n),
            place_type=PlaceType.HOME,
            gbv_type=GbvType.PHYSICAL_ASSAULT,
            narrative=narrative if n == 0 else f"Lần {n + 1}: chồng đe dọa",
        )
        inc.acts = [
            IncidentAct(act=ViolenceAct.PHYSICAL_ASSAULT),
            IncidentAct(act=ViolenceAct.PSYCH_INSULT),
        ]
        inc.perpetrators = [Perpetrator(relationship_=Relationship.HUSBAND, sex=Sex.MALE)]
        db.session.add(inc)
    db.session.add_all(
        [
            RiskAssessment(
                case_id=case.id,
                assessed_at=start,
                assessed_by_id=counselor.id,
                answers="threat_to_kill,weapon,escalation",
                score=9,
                level=RiskLevel.HIGH,
            ),
            RiskAssessment(
                case_id=case.id,
                assessed_at=start + timedelta(days=20),
                assessed_by_id=counselor.id,
                answers="escalation",
                score=3,
                level=RiskLevel.MEDIUM,
            ),
            ProtectionMeasure(
                case_id=case.id,
                kind=MeasureKind.NO_CONTACT_ORDER,
                issuer="UBND xã Vĩnh Hải",
                starts_on=date(2026, 3, 3),
                ends_on=date(2026, 3, 5),
            ),
        ]
    )
    for n in range(consultations):
        db.session.add(
            Consultation(
                case_id=case.id,
                held_at=start + timedelta(days=3 * n),
                kind=ConsultationKind.LEGAL,
                channel=ConsultationChannel.IN_PERSON,
                counselor_id=counselor.id,
                duration_minutes=45,
                notes=f"{CONSULT_NOTE} (lần {n + 1})",
                next_step="Hẹn gặp lại",
            )
        )
    for n in range(complaints):
        db.session.add(
            Complaint(
                code=f"DT.{case.code}.{next(_seq)}",
                unit_id=case.unit_id,
                case_id=case.id,
                received_on=date(2026, 3, 1 + n),
                sender_relation=SenderRelation.RELATIVE,
                subject=ComplaintSubject.DV,
                summary="Đơn của mẹ chị gửi Hội",
                status=ComplaintStatus.PROCESSING,
                deadline_on=date(2026, 3, 13),
            )
        )
    db.session.commit()
    made = []
    factory = Factory()
    specs = [
        ("health", REFERRAL_REASON, provider.id),
        ("legal_aid", OTHER_REFERRAL_REASON, None),
        ("shelter", "Cần nơi tạm lánh", None),
    ]
    for service, reason, provider_id in specs[:referrals]:
        r = factory.referral(
            case,
            state=ReferralState.SENT,
            service=service,
            reason=reason,
            provider_id=provider_id,
            urgency=Urgency.URGENT,
            created_by_id=counselor.id,
            follow_up_on=date(2026, 3, 20),
        )
        db.session.add_all(
            [
                ReferralEvent(
                    referral_id=r.id,
                    at=start,
                    user_id=counselor.id,
                    from_state=None,
                    to_state=ReferralState.DRAFT,
                ),
                ReferralEvent(
                    referral_id=r.id,
                    at=start + timedelta(hours=1),
                    user_id=counselor.id,
                    from_state=ReferralState.DRAFT,
                    to_state=ReferralState.SENT,
                    comment="Đã gửi",
                ),
            ]
        )
        made.append(r)
    db.session.add(
        CaseEvent(
            case_id=case.id,
            at=start + timedelta(days=60),
            user_id=counselor.id,
            from_status=CaseStatus.OPEN,
            to_status=CaseStatus.IN_PROGRESS,
        )
    )
    db.session.commit()
    return made


@pytest.fixture
def world(make: Factory) -> World:
    province = make.unit("P", kind="province", name="Hội LHPN tỉnh An Lạc")
    unit = make.unit("P-A", parent=province, name="Hội LHPN xã Vĩnh Hải")
    sibling = make.unit("P-B", parent=province, name="Hội LHPN xã Long Phú")
    counselor = make.user(Role.COUNSELOR, unit, username="tuvan", full_name=PRINTER_NAME)
    client = make.client(
        unit,
        full_name=CLIENT_NAME,
        phone=CLIENT_PHONE,
        address=CLIENT_ADDRESS,
        birth_date=date(1990, 4, 12),
    )
    case = make.case(
        unit,
        client,
        code="HS.P-A.2026.0003",
        counselor_id=counselor.id,
        summary="Tóm tắt: bạo lực thể chất kéo dài",
    )
    provider = Provider(
        name="Trung tâm y tế huyện", kind=ProviderKind.HEALTH, owner_unit_id=province.id
    )
    db.session.add(provider)
    db.session.commit()
    referrals = add_case_content(case, counselor, provider)
    return World(
        province=province,
        unit=unit,
        sibling=sibling,
        counselor=counselor,
        supervisor=make.user(
            Role.SUPERVISOR, unit, username="giamsat", full_name="Trần Thị Giám Sát"
        ),
        sibling_supervisor=make.user(Role.SUPERVISOR, sibling, username="giamsat.b"),
        sibling_counselor=make.user(Role.COUNSELOR, sibling, username="tuvan.b"),
        province_supervisor=make.user(Role.SUPERVISOR, province, username="giamsat.p"),
        statistics=make.user(Role.STATISTICS, province, username="thongke"),
        admin=make.user(Role.ADMIN, province, username="quantri"),
        client=client,
        case=case,
        provider=provider,
        referral=referrals[0],
        other_referral=referrals[1],
    )




@pytest.fixture
def counselor_client(world: World, login_as: Any) -> Any:
    """The case's counselor, logged in before the test adds its own records."""
    return login_as(world.counselor)


def share_consent(make: Factory, world: World, fields: str, **kw: Any) -> Any:
    return make.consent(world.client, ConsentPurpose.SHARE, shared_fields=fields, **kw)
