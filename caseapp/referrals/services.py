"""Referral records, the service-type list and the provider directory: changes and audit.

State changes live in ``workflow.py``; this module creates and edits records and answers the
worklist queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql import ColumnElement, Select

from caseapp.access import case_unit_ids
from caseapp.audit.services import record
from caseapp.auth.models import Role, User
from caseapp.cases.models import Case, CaseStatus, RiskLevel
from caseapp.clock import now, today
from caseapp.db import db
from caseapp.overdue import referral_follow_up_due, week_end
from caseapp.paging import ASC, PER_PAGE, Page, Sort, paginate
from caseapp.referrals.models import (
    Provider,
    ProviderKind,
    Referral,
    ReferralState,
    ServiceType,
    Urgency,
    provider_units,
)
from caseapp.referrals.states import CONNECTED_STATES, EDITABLE_STATES
from caseapp.referrals.workflow import add_event
from caseapp.settings.services import get_setting
from caseapp.transaction import StaleEdit, UserError
from caseapp.units.models import Unit
from caseapp.units.tree import subtree_ids

# The support services of Law 53/2024/QH15 Art. 37 and the measures of Law 13/2022/QH15.
# (code, Vietnamese label, English label)
SEED_SERVICE_TYPES: tuple[tuple[str, str, str], ...] = (
    ("essential_needs", "Hỗ trợ nhu cầu thiết yếu", "Essential needs"),
    ("health", "Hỗ trợ y tế", "Health care"),
    ("psychological", "Hỗ trợ tâm lý", "Psychological support"),
    ("interpretation", "Hỗ trợ phiên dịch", "Interpretation"),
    ("legal_info", "Thông tin pháp luật", "Legal information"),
    ("legal_aid", "Trợ giúp pháp lý", "Legal aid"),
    ("shelter", "Nơi tạm lánh an toàn", "Safe shelter"),
    ("protection", "Bảo vệ an toàn", "Protection"),
    ("schooling", "Hỗ trợ học văn hóa", "Schooling"),
    ("vocational", "Học nghề, việc làm", "Vocational training and jobs"),
    ("allowance", "Trợ cấp khó khăn ban đầu", "Initial hardship allowance"),
    ("loan", "Hỗ trợ vay vốn", "Loans"),
    ("child_protection", "Bảo vệ trẻ em", "Child protection"),
)


# --- service types ---------------------------------------------------------------------------

def ensure_service_types() -> int:
    """Add any seeded service type that is missing; never touches existing rows (an admin may
    have renamed or retired them). Returns how many were added; the caller commits."""
    existing = set(db.session.scalars(sa.select(ServiceType.code)))
    added = 0
    for sort, (code, vi, en) in enumerate(SEED_SERVICE_TYPES, start=1):
        if code not in existing:
            db.session.add(ServiceType(code=code, label_vi=vi, label_en=en, sort=sort * 10,
                                       counts_toward_indicator=True, active=True))
            added += 1
    if added:
        db.session.flush()
    return added


def active_service_types() -> list[ServiceType]:
    return list(db.session.scalars(
        sa.select(ServiceType).where(ServiceType.active).order_by(ServiceType.sort,
                                                                  ServiceType.id)))


def all_service_types() -> list[ServiceType]:
    return list(db.session.scalars(
        sa.select(ServiceType).order_by(ServiceType.active.desc(), ServiceType.sort,
                                        ServiceType.id)))


def create_service_type(code: str, label_vi: str, label_en: str, *, counts: bool, sort: int,
                        user: User) -> ServiceType:
    code = code.strip().lower()
    if db.session.scalar(sa.select(ServiceType.id).where(ServiceType.code == code)):
        raise UserError(_("This code is already in use."), field="code")
    st = ServiceType(code=code, label_vi=label_vi.strip(), label_en=label_en.strip(),
                     counts_toward_indicator=counts, sort=sort, active=True)
    db.session.add(st)
    db.session.flush()
    record("service_type.create", object_type="service_type", object_id=st.id,
           summary=f"code={code} counts={int(counts)}", user=user)
    return st


def update_service_type(st: ServiceType, *, label_vi: str, label_en: str, counts: bool,
                        sort: int, active: bool, user: User) -> ServiceType:
    changed = []
    for name, value in (("label_vi", label_vi.strip()), ("label_en", label_en.strip()),
                        ("counts_toward_indicator", counts), ("sort", sort),
                        ("active", active)):
        if getattr(st, name) != value:
            setattr(st, name, value)
            changed.append(name)
    if changed:
        record("service_type.update", object_type="service_type", object_id=st.id,
               summary=f"code={st.code} fields={','.join(changed)} counts={int(counts)} "
                       f"active={int(active)}", user=user)
    return st


# --- provider directory ----------------------------------------------------------------------

def ancestor_ids(unit: Unit) -> list[int]:
    """The unit and every unit above it, read from its materialized path."""
    return [int(p) for p in unit.path.strip("/").split("/") if p]


def providers_for(unit: Unit, service_type_id: int | None = None) -> list[Provider]:
    """Active providers serving the unit or one of its ancestors, optionally offering a
    service type."""
    q = sa.select(Provider).where(
        Provider.active,
        Provider.id.in_(sa.select(provider_units.c.provider_id)
                        .where(provider_units.c.unit_id.in_(ancestor_ids(unit)))),
    )
    if service_type_id is not None:
        q = q.where(Provider.service_types.any(ServiceType.id == service_type_id))
    return list(db.session.scalars(q.order_by(Provider.name)))


def manageable_unit_ids(user: User) -> Select[tuple[int]] | None:
    """Units whose providers the user maintains (None: all, for admins)."""
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.SUPERVISOR:
        return subtree_ids(user.unit_id)
    return sa.select(sa.literal(-1)).where(sa.false())


def can_manage_providers(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.SUPERVISOR)


def manageable_condition(user: User) -> ColumnElement[bool]:
    ids = manageable_unit_ids(user)
    return sa.true() if ids is None else Provider.owner_unit_id.in_(ids)


def directory(*, service_type_id: int | None = None, kind: ProviderKind | None = None,
              unit: Unit | None = None, include_inactive: bool = False) -> list[Provider]:
    q = sa.select(Provider).options(selectinload(Provider.service_types))
    if not include_inactive:
        q = q.where(Provider.active)
    if service_type_id is not None:
        q = q.where(Provider.service_types.any(ServiceType.id == service_type_id))
    if kind is not None:
        q = q.where(Provider.kind == kind)
    if unit is not None:
        q = q.where(Provider.id.in_(sa.select(provider_units.c.provider_id)
                                    .where(provider_units.c.unit_id.in_(ancestor_ids(unit)))))
    return list(db.session.scalars(q.order_by(Provider.name)))


def provider_unit_ids(provider: Provider) -> list[int]:
    return list(db.session.scalars(
        sa.select(provider_units.c.unit_id).where(provider_units.c.provider_id == provider.id)))


def units_for_provider_form(user: User) -> list[Unit]:
    ids = manageable_unit_ids(user)
    q = sa.select(Unit).where(Unit.active_to.is_(None))
    if ids is not None:
        q = q.where(Unit.id.in_(ids))
    return list(db.session.scalars(q.order_by(Unit.path)))


def save_provider(provider: Provider | None, data: dict[str, Any], user: User) -> Provider:
    """Create or update a directory entry. ``data`` holds the form's cleaned values."""
    allowed_units = {u.id for u in units_for_provider_form(user)}
    if data["owner_unit_id"] not in allowed_units:
        raise UserError(_("Not a valid choice."), field="owner_unit_id")
    served = [int(u) for u in data["unit_ids"]]
    if not served or not set(served) <= allowed_units:
        raise UserError(_("Choose at least one area served."), field="unit_ids")
    type_ids = [int(i) for i in data["service_type_ids"]]
    types = list(db.session.scalars(sa.select(ServiceType).where(ServiceType.id.in_(type_ids))))
    if not types:
        raise UserError(_("Choose at least one service."), field="service_type_ids")
    creating = provider is None
    if provider is None:
        provider = Provider()
        db.session.add(provider)
    for name in ("name", "kind", "owner_unit_id", "contact_name", "phone", "email", "address",
                 "active"):
        setattr(provider, name, data[name])
    provider.service_types = types
    db.session.flush()
    db.session.execute(sa.delete(provider_units).where(provider_units.c.provider_id == provider.id))
    db.session.execute(sa.insert(provider_units),
                       [{"provider_id": provider.id, "unit_id": u} for u in sorted(set(served))])
    record("provider.create" if creating else "provider.update", object_type="provider",
           object_id=provider.id, unit_id=provider.owner_unit_id,
           summary=f"kind={provider.kind.value} services={len(types)} units={len(set(served))} "
                   f"active={int(provider.active)}", user=user)
    return provider


def manageable_provider_ids(user: User) -> set[int]:
    return set(db.session.scalars(sa.select(Provider.id).where(manageable_condition(user))))


def get_manageable_provider(provider_id: int, user: User) -> Provider | None:
    return db.session.scalar(
        sa.select(Provider).where(Provider.id == provider_id, manageable_condition(user)))


# --- referral records ------------------------------------------------------------------------

REFERRAL_FIELDS = ("service_type_id", "provider_id", "provider_name", "reason", "urgency",
                   "referred_on", "follow_up_on", "notes")


def _check_referral_data(case: Case, data: dict[str, Any]) -> None:
    st = db.session.get(ServiceType, data["service_type_id"])
    if st is None or not st.active:
        raise UserError(_("Not a valid choice."), field="service_type_id")
    if data.get("provider_id"):
        allowed = {p.id for p in providers_for(case.unit, st.id)}
        if data["provider_id"] not in allowed:
            raise UserError(_("This provider does not offer the chosen service in this "
                                  "area."), field="provider_id")
        data["provider_name"] = None
    elif not (data.get("provider_name") or "").strip():
        raise UserError(_("Choose a provider from the directory or enter its name."),
                            field="provider_id")
    else:
        data["provider_id"] = None
        data["provider_name"] = data["provider_name"].strip()


def create_referral(case: Case, data: dict[str, Any], user: User) -> Referral:
    if case.unit_id not in set(db.session.scalars(case_unit_ids(user))):
        raise UserError(_("Case not found."))
    if case.status == CaseStatus.CLOSED:
        raise UserError(_("The case is closed; no new referral can be made."))
    _check_referral_data(case, data)
    r = Referral(case_id=case.id, unit_id=case.unit_id, state=ReferralState.DRAFT,
                 created_by_id=user.id,
                 **{k: data.get(k) for k in REFERRAL_FIELDS})
    r.urgency = Urgency(data.get("urgency") or Urgency.ROUTINE)
    db.session.add(r)
    db.session.flush()
    add_event(r, user, None, ReferralState.DRAFT)
    record("referral.create", object_type="referral", object_id=r.id, unit_id=case.unit_id,
           summary=f"case={case.code} service_type={r.service_type_id} "
                   f"provider={'directory' if r.provider_id else 'other'}", user=user)
    return r


def update_referral(referral: Referral, case: Case, data: dict[str, Any], user: User,
                    version: int | None) -> Referral:
    if referral.state not in EDITABLE_STATES:
        raise UserError(_("Only a draft or returned referral can be edited."))
    if version is not None and version != referral.version:
        raise StaleEdit()
    _check_referral_data(case, data)
    changed = []
    for k in REFERRAL_FIELDS:
        value = data.get(k)
        if k == "urgency":
            value = Urgency(value or Urgency.ROUTINE)
        if getattr(referral, k) != value:
            setattr(referral, k, value)
            changed.append(k)
    if changed:
        referral.updated_at = now()
        record("referral.update", object_type="referral", object_id=referral.id,
               unit_id=case.unit_id, summary="fields=" + ",".join(changed), user=user)
    return referral


def audit_view(referral: Referral, case: Case, user: User) -> None:
    record("referral.view", object_type="referral", object_id=referral.id,
           unit_id=case.unit_id, summary=f"case={case.code}", user=user)


# --- worklists -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    referral: Referral
    case: Case


def _scoped(user: User) -> Select[Any]:
    return (
        sa.select(Referral, Case)
        .join(Case, Case.id == Referral.case_id)
        # A referral's unit is its case's (a foreign key keeps them equal).
        .where(Referral.unit_id.in_(case_unit_ids(user)))
        .options(joinedload(Referral.provider))
    )


def _rows(q: Select[Any]) -> list[Row]:
    return [Row(r, c) for r, c in db.session.execute(q).unique().all()]


def _mine(user: User) -> ColumnElement[bool]:
    """Referrals a counselor answers for: drafted by her, or on a case assigned to her.

    Found from the user's side (two indexed lookups), not by testing every referral of
    the unit scope: a supervisor's scope can hold tens of thousands of referrals."""
    return Referral.id.in_(sa.union_all(
        sa.select(Referral.id).where(Referral.created_by_id == user.id),
        sa.select(Referral.id).join(Case, Case.id == Referral.case_id)
        .where(Case.counselor_id == user.id),
    ))


def _review_condition(user: User) -> ColumnElement[bool]:
    cond = Referral.state == ReferralState.SUBMITTED
    if not get_setting("allow_self_approval"):
        cond = sa.and_(cond, sa.or_(Referral.created_by_id.is_(None),
                                    Referral.created_by_id != user.id))
    return cond


def _due_week_condition() -> ColumnElement[bool]:
    t = today()
    return sa.and_(referral_follow_up_due(on_or_before=week_end(t)), Referral.follow_up_on >= t)


def _no_response_condition() -> ColumnElement[bool]:
    limit = today() - timedelta(days=int(get_setting("no_response_days")))
    return sa.and_(Referral.state == ReferralState.SENT, Referral.sent_on <= limit)


def awaiting_review(user: User, page: int = 1, per_page: int = PER_PAGE) -> Page[Row]:
    if user.role != Role.SUPERVISOR:
        return Page([], 0, 1, per_page)
    q = (_scoped(user).where(_review_condition(user))
         .order_by(Referral.urgency.desc(), Referral.referred_on, Referral.id))
    return paginate(q, page, lambda rows: [Row(r[0], r[1]) for r in rows], per_page)


def overrides(user: User, page: int = 1,
              per_page: int = PER_PAGE) -> Page[tuple[Row, str | None]]:
    """Consent overrides recorded in the supervisor's subtree, with who recorded them,
    the latest first."""
    if user.role != Role.SUPERVISOR:
        return Page([], 0, 1, per_page)
    q = (_scoped(user).add_columns(User.full_name)
         .outerjoin(User, User.id == Referral.override_by_id)
         .where(Referral.consent_override)
         .order_by(Referral.updated_at.desc(), Referral.id.desc()))
    return paginate(q, page, lambda rows: [(Row(r[0], r[1]), r[2]) for r in rows], per_page)


def _high_risk_query(user: User) -> Select[Any]:
    connected = sa.select(Referral.id).where(Referral.case_id == Case.id,
                                             Referral.state.in_(CONNECTED_STATES))
    return sa.select(Case).where(
        Case.unit_id.in_(case_unit_ids(user)),
        Case.current_risk == RiskLevel.HIGH,
        Case.status != CaseStatus.CLOSED,
        ~connected.exists(),
    )


# The high-risk list's sort keys: only these reach ORDER BY.
HIGH_RISK_SORTS: dict[str, Any] = {"detected": Case.detected_on, "code": Case.code}
HIGH_RISK_DEFAULT_SORT = Sort("detected", ASC)


def high_risk_without_service(user: User, page: int = 1, per_page: int = PER_PAGE,
                              sort: Sort = HIGH_RISK_DEFAULT_SORT) -> Page[Case]:
    if user.role != Role.SUPERVISOR:
        return Page([], 0, 1, per_page)
    return paginate(_high_risk_query(user).order_by(*sort.order_by(HIGH_RISK_SORTS, Case.id)),
                    page, lambda rows: [r[0] for r in rows], per_page)


def my_referrals(user: User, state: ReferralState | None = None, page: int = 1,
                 per_page: int = PER_PAGE) -> Page[Row]:
    q = _scoped(user).where(_mine(user))
    if state is not None:
        q = q.where(Referral.state == state)
    return paginate(q.order_by(Referral.referred_on.desc(), Referral.id.desc()), page,
                    lambda rows: [Row(r[0], r[1]) for r in rows], per_page)


def my_state_counts(user: User) -> dict[ReferralState, int]:
    q = (sa.select(Referral.state, sa.func.count())
         .where(Referral.unit_id.in_(case_unit_ids(user)), _mine(user))
         .group_by(Referral.state))
    return {ReferralState(s): n for s, n in db.session.execute(q).all()}


def due_this_week(user: User) -> list[Row]:
    return _rows(_scoped(user).where(_mine(user), _due_week_condition())
                 .order_by(Referral.follow_up_on, Referral.id))


def overdue(user: User) -> list[Row]:
    return _rows(_scoped(user).where(_mine(user), referral_follow_up_due())
                 .order_by(Referral.follow_up_on, Referral.id))


def no_response(user: User) -> list[Row]:
    return _rows(_scoped(user).where(_mine(user), _no_response_condition())
                 .order_by(Referral.sent_on, Referral.id))


def _count(q: Select[Any]) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(q.subquery())) or 0)


def _count_referrals_query(user: User, *conds: ColumnElement[bool]) -> Select[Any]:
    return (sa.select(sa.func.count(Referral.id))
            .where(Referral.unit_id.in_(case_unit_ids(user)), *conds))


def attention_query(user: User) -> Select[Any]:
    """Count for the badge of "my referrals": overdue follow-ups and sent referrals with no
    response."""
    return _count_referrals_query(user, _mine(user),
                                  sa.or_(referral_follow_up_due(), _no_response_condition()))


def awaiting_review_count_query(user: User) -> Select[Any] | None:
    if user.role != Role.SUPERVISOR:
        return None
    return _count_referrals_query(user, _review_condition(user))


def high_risk_count_query(user: User) -> Select[Any] | None:
    if user.role != Role.SUPERVISOR:
        return None
    return _high_risk_query(user).with_only_columns(sa.func.count(Case.id))


def count_attention(user: User) -> int:
    return int(db.session.scalar(attention_query(user)) or 0)


def count_awaiting_review(user: User) -> int:
    q = awaiting_review_count_query(user)
    return int(db.session.scalar(q) or 0) if q is not None else 0


def count_high_risk(user: User) -> int:
    q = high_risk_count_query(user)
    return int(db.session.scalar(q) or 0) if q is not None else 0


def case_referrals(case: Case) -> list[Referral]:
    return list(db.session.scalars(
        sa.select(Referral).where(Referral.case_id == case.id)
        .options(joinedload(Referral.provider))
        .order_by(Referral.referred_on.desc(), Referral.id.desc())).unique())


def referral_history(referral: Referral) -> list[Any]:
    from caseapp.referrals.models import ReferralEvent

    return list(db.session.execute(
        sa.select(ReferralEvent, User.full_name)
        .outerjoin(User, User.id == ReferralEvent.user_id)
        .where(ReferralEvent.referral_id == referral.id)
        .order_by(ReferralEvent.at, ReferralEvent.id)).all())

