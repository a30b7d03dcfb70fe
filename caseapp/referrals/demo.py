"""Demo service types, providers and referrals. Safe to re-run: what exists is kept.

Referrals are added to whatever demo cases exist (one in every state); with no cases, none.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from caseapp.auth.models import Role, User
from caseapp.cases.models import Case
from caseapp.clock import LOCAL_TZ, today
from caseapp.consents.models import Consent, ConsentGiver, ConsentPurpose
from caseapp.db import db
from caseapp.referrals.models import (
    NotReceivedReason,
    Provider,
    ProviderKind,
    Referral,
    ReferralEvent,
    ReferralState,
    ServiceType,
    Urgency,
    provider_units,
)
from caseapp.referrals.services import ensure_service_types
from caseapp.units.models import Unit

S = ReferralState

# (name, kind, service codes, served unit code or None for the root unit)
DEMO_PROVIDERS: tuple[tuple[str, ProviderKind, tuple[str, ...], str | None], ...] = (
    ("Bệnh viện Đa khoa tỉnh An Lạc", ProviderKind.HEALTH, ("health", "psychological"), None),
    ("Trung tâm Trợ giúp pháp lý nhà nước tỉnh An Lạc", ProviderKind.LEGAL_AID,
     ("legal_info", "legal_aid"), None),
    ("Trung tâm Công tác xã hội tỉnh An Lạc", ProviderKind.SOCIAL_WORK,
     ("essential_needs", "psychological", "interpretation", "child_protection"), None),
    ("Ngôi nhà Bình yên An Lạc", ProviderKind.SHELTER, ("shelter", "essential_needs"), None),
    ("Công an xã Long Phú", ProviderKind.POLICE, ("protection",), "AL-LP-X1"),
    ("Trường THCS Long Phú", ProviderKind.SCHOOL, ("schooling",), "AL-LP-X1"),
    ("Ngân hàng Chính sách xã hội tỉnh An Lạc", ProviderKind.CREDIT_FUND, ("loan",), None),
    ("Trung tâm tư vấn HN-GĐ (dịch vụ của Hội)", ProviderKind.UNION_SERVICE,
     ("legal_info", "psychological", "vocational", "allowance"), None),
)

# The path a referral takes to reach each demo state.
PATHS: dict[S, tuple[S, ...]] = {
    S.DRAFT: (S.DRAFT,),
    S.SUBMITTED: (S.DRAFT, S.SUBMITTED),
    S.RETURNED: (S.DRAFT, S.SUBMITTED, S.RETURNED),
    S.APPROVED: (S.DRAFT, S.SUBMITTED, S.APPROVED),
    S.SENT: (S.DRAFT, S.SUBMITTED, S.APPROVED, S.SENT),
    S.ACCEPTED: (S.DRAFT, S.SUBMITTED, S.APPROVED, S.SENT, S.ACCEPTED),
    S.REFUSED: (S.DRAFT, S.SUBMITTED, S.APPROVED, S.SENT, S.REFUSED),
    S.RECEIVED: (S.DRAFT, S.SUBMITTED, S.APPROVED, S.SENT, S.ACCEPTED, S.RECEIVED),
    S.NOT_RECEIVED: (S.DRAFT, S.SUBMITTED, S.APPROVED, S.SENT, S.ACCEPTED, S.NOT_RECEIVED),
    S.CANCELLED: (S.DRAFT, S.SUBMITTED, S.CANCELLED),
}

# (state, service code, comment on the last step)
DEMO_REFERRALS: tuple[tuple[S, str, str | None], ...] = (
    (S.DRAFT, "health", None),
    (S.SUBMITTED, "legal_aid", None),
    (S.RETURNED, "shelter", "Bổ sung lý do chuyển gửi và ngày theo dõi."),
    (S.APPROVED, "psychological", None),
    (S.SENT, "legal_aid", None),
    (S.ACCEPTED, "health", None),
    (S.REFUSED, "shelter", "Cơ sở đã hết chỗ."),
    (S.RECEIVED, "legal_info", "Đã được tư vấn pháp luật."),
    (S.NOT_RECEIVED, "vocational", "Khách hàng đã chuyển đi nơi khác."),
    (S.CANCELLED, "loan", "Khách hàng không còn nhu cầu."),
)


def _root_unit() -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == "AL")) or db.session.scalar(
        sa.select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))


def seed_demo_providers() -> dict[str, Provider]:
    root = _root_unit()
    types = {st.code: st for st in db.session.scalars(sa.select(ServiceType))}
    out: dict[str, Provider] = {}
    if root is None:
        return out
    for name, kind, codes, served_code in DEMO_PROVIDERS:
        p = db.session.scalar(sa.select(Provider).where(Provider.name == name))
        if p is None:
            served = db.session.scalar(sa.select(Unit).where(Unit.code == served_code)) \
                if served_code else root
            served = served or root
            p = Provider(name=name, kind=kind, owner_unit_id=root.id, active=True,
                         phone="0299 000 000" if kind != ProviderKind.SHELTER else None,
                         service_types=[types[c] for c in codes if c in types])
            db.session.add(p)
            db.session.flush()
            db.session.execute(sa.insert(provider_units).values(provider_id=p.id,
                                                                unit_id=served.id))
        out[name] = p
    return out


def _provider_for(providers: dict[str, Provider], code: str) -> Provider | None:
    for p in providers.values():
        if any(st.code == code for st in p.service_types) and p.kind != ProviderKind.POLICE:
            return p
    return None


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=LOCAL_TZ)


def seed_demo_referrals() -> int:
    """Service types, providers, and one referral in every state on the demo cases."""
    ensure_service_types()
    providers = seed_demo_providers()
    cases = list(db.session.scalars(sa.select(Case).order_by(Case.id)))
    if not cases:
        return 0
    done = db.session.scalar(
        sa.select(sa.func.count()).select_from(Referral).where(Referral.imported_ref.like("demo:%")))
    if done:
        return 0
    supervisor = db.session.scalar(sa.select(User).where(User.role == Role.SUPERVISOR)
                                   .order_by(User.id))
    types = {st.code: st for st in db.session.scalars(sa.select(ServiceType))}
    t = today()
    made = 0
    for i, (state, code, comment) in enumerate(DEMO_REFERRALS):
        case = cases[i % len(cases)]
        counselor = db.session.get(User, case.counselor_id) if case.counselor_id else \
            db.session.scalar(sa.select(User).where(User.unit_id == case.unit_id,
                                                    User.role == Role.COUNSELOR))
        has_consent = db.session.scalar(sa.select(Consent.id).where(
            Consent.client_id == case.client_id, Consent.purpose == ConsentPurpose.SHARE,
            Consent.withdrawn_on.is_(None)).limit(1))
        if has_consent is None and state != S.DRAFT:
            db.session.add(Consent(client_id=case.client_id, purpose=ConsentPurpose.SHARE,
                                   given_by=ConsentGiver.CLIENT, given_on=case.detected_on,
                                   shared_fields="full_name,phone,case_summary",
                                   recorded_by_id=getattr(counselor, "id", None)))
        provider = _provider_for(providers, code)
        referred = min(max(case.opened_on, t - timedelta(days=30 - i)), t)
        steps = [min(referred + timedelta(days=2 * k), t) for k in range(len(PATHS[state]))]
        r = Referral(
            case_id=case.id, unit_id=case.unit_id, service_type_id=types[code].id,
            provider_id=provider.id if provider else None,
            provider_name=None if provider else "Cơ sở ngoài danh bạ",
            state=state, urgency=Urgency.URGENT if i % 3 == 0 else Urgency.ROUTINE,
            reason="Khách hàng cần được hỗ trợ theo nhu cầu đã đánh giá.",
            referred_on=referred, follow_up_on=referred + timedelta(days=14),
            created_by_id=getattr(counselor, "id", None), imported_ref=f"demo:{state.value}",
        )
        path = PATHS[state]
        if S.SENT in path:
            r.sent_on = steps[path.index(S.SENT)]
        if S.ACCEPTED in path or S.REFUSED in path:
            r.responded_on = steps[path.index(S.ACCEPTED if S.ACCEPTED in path else S.REFUSED)]
        if state == S.RECEIVED:
            r.received_on = steps[-1]
        if state == S.NOT_RECEIVED:
            r.not_received_reason = NotReceivedReason.UNREACHABLE
        if state in (S.REFUSED, S.RECEIVED, S.NOT_RECEIVED, S.CANCELLED):
            r.outcome_note = comment
        db.session.add(r)
        db.session.flush()
        prev: S | None = None
        for k, step in enumerate(path):
            reviewer = step in (S.APPROVED, S.RETURNED) and path[k - 1] == S.SUBMITTED
            db.session.add(ReferralEvent(
                referral_id=r.id, at=_at(steps[k]), from_state=prev, to_state=step,
                user_id=getattr(supervisor if reviewer else counselor, "id", None),
                comment=comment if k == len(path) - 1 and k > 0 else None))
            prev = step
        made += 1
    db.session.flush()
    return made
