"""Opening, editing and moving cases through their workflow; listing and searching them.

Each change stages its audit entry in the same transaction; the caller commits once.
Audit summaries hold codes, statuses and field names, never the values of a field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased, defer, joinedload
from sqlalchemy.orm.exc import StaleDataError

from caseapp import access, policy
from caseapp.audit import services as audit
from caseapp.auth.models import Role, User
from caseapp.cases.models import (
    Case,
    CaseCategory,
    CaseEvent,
    CaseStatus,
    IntakeChannel,
    ReferringSource,
    RiskLevel,
    VictimStatus,
)
from caseapp.cases.sections import TimelineEntry, page_sections
from caseapp.clients.age import age_on
from caseapp.clients.models import Client
from caseapp.clock import now, today
from caseapp.codes import next_code
from caseapp.crypto import name_index, normalize_phone, phone_index
from caseapp.db import db
from caseapp.labels import label
from caseapp.overdue import case_overdue
from caseapp.paging import ASC, DESC, Page, Sort, page_of
from caseapp.transaction import StaleEdit, UserError
from caseapp.units.models import Unit
from caseapp.units.tree import subtree_ids

EDITABLE_FIELDS = (
    "unit_id", "counselor_id", "category", "victim_status", "detected_on", "intake_channel",
    "referring_source", "opened_on", "summary",
)
SEARCH_LIMIT = 100


# --- who may be chosen ---------------------------------------------------------------------

def assignable_units(user: User) -> list[Unit]:
    """Units a new case may be opened in: a counselor's own, a supervisor's active subtree."""
    if user.role == Role.SUPERVISOR:
        return list(db.session.scalars(
            sa.select(Unit).where(Unit.id.in_(subtree_ids(user.unit_id)),
                                  Unit.active_to.is_(None), Unit.merged_into_id.is_(None))
            .order_by(Unit.path)
        ))
    if user.role == Role.COUNSELOR:
        return [user.unit]
    return []


def visible_units(user: User) -> list[Unit]:
    """Units whose cases the user sees, for the list filter (merged and retired included)."""
    return list(db.session.scalars(
        sa.select(Unit).where(Unit.id.in_(access.case_unit_ids(user))).order_by(Unit.path)
    ))


def assignable_counselors(unit_ids: list[int]) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.unit_id.in_(unit_ids), User.active.is_(True),
                              User.role.in_((Role.COUNSELOR, Role.SUPERVISOR)))
        .order_by(User.full_name, User.id)
    ))


# --- creating and editing ------------------------------------------------------------------

@dataclass
class CaseData:
    unit_id: int
    category: CaseCategory
    detected_on: date
    opened_on: date
    counselor_id: int | None = None
    victim_status: VictimStatus | None = None
    intake_channel: IntakeChannel | None = None
    referring_source: ReferringSource | None = None
    summary: str | None = None

    @classmethod
    def from_form(cls, form: Any) -> CaseData:
        category = CaseCategory(form.category.data)
        return cls(
            unit_id=int(form.unit.data),
            category=category,
            detected_on=form.detected_on.data,
            opened_on=form.opened_on.data,
            counselor_id=int(form.counselor.data) if form.counselor.data else None,
            # Victim status describes trafficking cases only.
            victim_status=VictimStatus(form.victim_status.data)
            if category == CaseCategory.TRAFFICKING and form.victim_status.data else None,
            intake_channel=IntakeChannel(form.intake_channel.data)
            if form.intake_channel.data else None,
            referring_source=ReferringSource(form.referring_source.data)
            if form.referring_source.data else None,
            summary=(form.summary.data or "").strip() or None,
        )


def _check(data: CaseData, user: User, current_unit_id: int | None = None) -> Unit:
    allowed = {u.id: u for u in assignable_units(user)}
    unit = allowed.get(data.unit_id)
    if unit is None and data.unit_id == current_unit_id:
        # A case may stay in a unit that was since merged or retired.
        unit = db.session.get(Unit, data.unit_id)
    if unit is None:
        raise UserError(_("You cannot open or move a case in that unit."))
    if data.counselor_id is not None:
        counselor = db.session.get(User, data.counselor_id)
        if (counselor is None or counselor.unit_id != unit.id
                or counselor.role not in (Role.COUNSELOR, Role.SUPERVISOR)):
            raise UserError(_("The counselor must be a user of the case's unit."))
    if data.category == CaseCategory.TRAFFICKING and data.victim_status is None:
        raise UserError(_("Give the victim status for a trafficking case."))
    if data.detected_on > today() or data.opened_on > today():
        raise UserError(_("This date cannot be in the future."))
    return unit


def _event(case: Case, user: User | None, from_status: CaseStatus | None,
           to_status: CaseStatus, comment: str | None = None) -> CaseEvent:
    event = CaseEvent(case_id=case.id, at=now(), user_id=getattr(user, "id", None),
                      from_status=from_status, to_status=to_status, comment=comment)
    db.session.add(event)
    return event


def open_case(client: Client, data: CaseData, user: User) -> Case:
    unit = _check(data, user)
    case = Case(
        code=next_code("case", unit.code, today().year),
        client_id=client.id,
        unit_id=unit.id,
        counselor_id=data.counselor_id,
        category=data.category,
        victim_status=data.victim_status,
        detected_on=data.detected_on,
        intake_channel=data.intake_channel,
        referring_source=data.referring_source,
        status=CaseStatus.OPEN,
        opened_on=data.opened_on,
        summary=data.summary,
        age_at_detection=age_on(client, data.detected_on),
    )
    db.session.add(case)
    db.session.flush()
    _event(case, user, None, CaseStatus.OPEN)
    audit.record("case.create", object_type="case", object_id=case.id, unit_id=case.unit_id,
                 summary=f"code={case.code};client={client.code};category={case.category.value}",
                 user=user)
    return case


def update_case(case: Case, data: CaseData, version: int | None, user: User) -> list[str]:
    """Save an edit made from ``version``; refuse it if the case changed since.

    The version is checked here and again by the database's versioned UPDATE: a save that
    raced another past the first check is refused the same way.
    """
    if version != case.version:
        raise StaleEdit()
    try:
        return _update_case(case, data, user)
    except StaleDataError:
        raise StaleEdit() from None


def _update_case(case: Case, data: CaseData, user: User) -> list[str]:
    if data.unit_id != case.unit_id or data.counselor_id != case.counselor_id:
        _check(data, user, current_unit_id=case.unit_id)
    else:
        _check_dates_and_category(data)
    if case.closed_on is not None and data.opened_on > case.closed_on:
        raise UserError(_("A case cannot be closed before it was opened."))
    changed = [name for name in EDITABLE_FIELDS if getattr(case, name) != getattr(data, name)]
    for name in changed:
        setattr(case, name, getattr(data, name))
    if not changed:
        return []
    if "detected_on" in changed:
        case.age_at_detection = age_on(case.client, case.detected_on)
    case.updated_at = now()
    db.session.flush()
    audit.record("case.update", object_type="case", object_id=case.id, unit_id=case.unit_id,
                 summary=f"code={case.code};fields={','.join(changed)}", user=user)
    return changed


def _check_dates_and_category(data: CaseData) -> None:
    if data.category == CaseCategory.TRAFFICKING and data.victim_status is None:
        raise UserError(_("Give the victim status for a trafficking case."))
    if data.detected_on > today() or data.opened_on > today():
        raise UserError(_("This date cannot be in the future."))


# --- the status workflow -------------------------------------------------------------------

@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[CaseStatus, ...]
    target: CaseStatus
    needs_comment: bool
    # Deciding on a closure request is a supervisor's: the policy table says who may.
    rule: str = "case.change_status"


TRANSITIONS = {
    t.action: t for t in (
        Transition("start", (CaseStatus.OPEN,), CaseStatus.IN_PROGRESS, False),
        Transition("request_closure", (CaseStatus.OPEN, CaseStatus.IN_PROGRESS),
                   CaseStatus.CLOSURE_REQUESTED, True),
        Transition("approve_closure", (CaseStatus.CLOSURE_REQUESTED,), CaseStatus.CLOSED,
                   True, "case.approve_closure"),
        Transition("return", (CaseStatus.CLOSURE_REQUESTED,), CaseStatus.IN_PROGRESS,
                   True, "case.approve_closure"),
        Transition("reopen", (CaseStatus.CLOSED,), CaseStatus.IN_PROGRESS, True),
    )
}


def allowed_actions(case: Case, user: User) -> list[str]:
    return [
        t.action for t in TRANSITIONS.values()
        if case.status in t.sources and policy.allowed(t.rule, user)
    ]


def change_status(case: Case, action: str, user: User, comment: str | None = None,
                  closed_on: date | None = None) -> CaseEvent:
    """Move the case along the workflow; the caller has checked the user's scope."""
    t = TRANSITIONS.get(action)
    if t is None or case.status not in t.sources:
        raise UserError(_("This change is not possible in the case's current status."))
    if not policy.allowed(t.rule, user):
        raise UserError(_("Only a supervisor can do this."))
    comment = (comment or "").strip() or None
    if t.needs_comment and comment is None:
        raise UserError(_("Give a reason."))
    source = case.status
    if t.target == CaseStatus.CLOSED:
        closed_on = closed_on or today()
        if closed_on < case.opened_on:
            raise UserError(_("A case cannot be closed before it was opened."))
        if closed_on > today():
            raise UserError(_("This date cannot be in the future."))
        case.closed_on = closed_on
        case.closure_reason = comment
    elif source == CaseStatus.CLOSED:
        case.closed_on = None
        case.closure_reason = None
    case.status = t.target
    case.updated_at = now()
    event = _event(case, user, source, t.target, comment)
    try:
        db.session.flush()
    except StaleDataError:
        # Another change of this case committed first; its status may no longer allow this.
        raise StaleEdit() from None
    audit.record("case.status", object_type="case", object_id=case.id, unit_id=case.unit_id,
                 summary=f"code={case.code};action={action};from={source.value};"
                         f"to={t.target.value}", user=user)
    return event


# --- the case page -------------------------------------------------------------------------

@dataclass
class CasePage:
    case: Case
    counselor: User | None
    events: list[tuple[CaseEvent, str]]
    sections: list[tuple[Any, dict[str, Any]]]
    timeline: list[TimelineEntry] = field(default_factory=list)


# What the case page and the case summary show of the case's own relations, loaded with
# the case in one statement.
CASE_PEOPLE = (joinedload(Case.client), joinedload(Case.unit), joinedload(Case.counselor))


def load_case_page(case: Case, user: User) -> CasePage:
    """Everything the case page shows, and the audit entry of the view (caller commits)."""
    counselor = case.counselor
    actor = aliased(User)
    rows = db.session.execute(
        sa.select(CaseEvent, actor.full_name).outerjoin(actor, actor.id == CaseEvent.user_id)
        .where(CaseEvent.case_id == case.id).order_by(CaseEvent.at, CaseEvent.id)
    ).all()
    events = [(e, name or "") for e, name in rows]
    sections = [(s, s.loader(case)) for s in page_sections()]
    timeline = [
        TimelineEntry(e.at, _event_label(e), f"{name}: {e.comment}" if e.comment else name)
        for e, name in events
    ]
    for s, data in sections:
        if s.timeline is not None:
            timeline.extend(s.timeline(case, data))
    timeline.sort(key=lambda t: t.at, reverse=True)
    audit.record("case.view", object_type="case", object_id=case.id, unit_id=case.unit_id,
                 summary=f"code={case.code}", user=user)
    return CasePage(case, counselor, events, sections, timeline)


def _event_label(e: CaseEvent) -> str:
    if e.from_status is None:
        return _("Case opened")
    if e.from_status == CaseStatus.CLOSED:
        return _("Case reopened")
    if e.from_status == CaseStatus.CLOSURE_REQUESTED and e.to_status == CaseStatus.IN_PROGRESS:
        return _("Closure request returned")
    return _("Status: %(old)s → %(new)s", old=label(e.from_status), new=label(e.to_status))


# --- listing and searching -----------------------------------------------------------------

@dataclass
class CaseFilters:
    unit_id: int | None = None
    category: CaseCategory | None = None
    status: CaseStatus | None = None
    risk: RiskLevel | None = None
    counselor_id: int | None = None
    detected_from: date | None = None
    detected_to: date | None = None
    overdue: bool = False
    mine: bool = False
    sort: str = "detected"
    direction: str = "desc"


@dataclass
class CaseRow:
    case: Case
    client_code: str
    unit_name: str
    counselor_name: str | None


_RISK_ORDER = sa.case(
    (Case.current_risk == RiskLevel.HIGH, 3), (Case.current_risk == RiskLevel.MEDIUM, 2),
    (Case.current_risk == RiskLevel.LOW, 1), else_=0,
)
_STATUS_ORDER = sa.case(
    *((Case.status == s, i) for i, s in enumerate(CaseStatus)), else_=len(CaseStatus)
)
SORTS: dict[str, Any] = {
    "detected": Case.detected_on, "code": Case.code, "status": _STATUS_ORDER,
    "risk": _RISK_ORDER,
}


def _base_query(user: User) -> sa.Select[Any]:
    counselor = aliased(User)
    return (
        sa.select(Case, Client.code, Unit.name, counselor.full_name)
        .join(Client, Client.id == Case.client_id)
        .join(Unit, Unit.id == Case.unit_id)
        .outerjoin(counselor, counselor.id == Case.counselor_id)
        # Encrypted free text is not shown in lists; don't decrypt it for every row.
        .options(defer(Case.summary), defer(Case.closure_reason))
        .where(access.in_scope(Case.unit_id, user))
    )


def _rows(query: sa.Select[Any]) -> list[CaseRow]:
    return [CaseRow(c, code, unit, name) for c, code, unit, name in db.session.execute(query)]


def _page_rows(user: User, ids: sa.Select[Any], order: list[Any]) -> list[CaseRow]:
    """The rows of the cases whose ids ``ids`` selects, in ``order``."""
    # The page's ids are chosen from the cases table alone (the scope index covers the
    # filters and sort keys); only those few rows are then read with client, unit and
    # counselor, instead of joining every case of the scope before sorting.
    return _rows(_base_query(user).where(Case.id.in_(ids.scalar_subquery())).order_by(*order))


def list_cases(user: User, f: CaseFilters, page: int = 1,
               per_page: int = 25) -> Page[CaseRow]:
    """One page of the cases the user may see, with the total: one statement whatever the
    size (two more past the end)."""
    ids = sa.select(Case.id).where(access.in_scope(Case.unit_id, user))
    if f.unit_id is not None:
        ids = ids.where(Case.unit_id.in_(subtree_ids(f.unit_id)))
    if f.category is not None:
        ids = ids.where(Case.category == f.category)
    if f.status is not None:
        ids = ids.where(Case.status == f.status)
    if f.risk is not None:
        ids = ids.where(Case.current_risk == f.risk)
    if f.counselor_id is not None:
        ids = ids.where(Case.counselor_id == f.counselor_id)
    if f.mine:
        ids = ids.where(Case.counselor_id == user.id)
    if f.detected_from is not None:
        ids = ids.where(Case.detected_on >= f.detected_from)
    if f.detected_to is not None:
        ids = ids.where(Case.detected_on <= f.detected_to)
    if f.overdue:
        ids = ids.where(case_overdue())
    sort = Sort(f.sort if f.sort in SORTS else "detected",
                ASC if f.direction == ASC else DESC)
    order = sort.order_by(SORTS, Case.id)

    def fetch(limit: int, offset: int) -> tuple[list[CaseRow], int]:
        # The total rides along with the page (a window count over the filtered cases), so
        # the filters run once. Every case has a client and a unit (NOT NULL foreign keys):
        # the cases alone give the same total as the joined rows.
        page_ids = (ids.add_columns(sa.func.count().over().label("total")).order_by(*order)
                    .limit(limit).offset(offset).subquery("page_ids"))
        found = db.session.execute(
            _base_query(user).join(page_ids, page_ids.c.id == Case.id)
            .add_columns(page_ids.c.total).order_by(*order)).all()
        rows = [CaseRow(c, code, unit, name) for c, code, unit, name, _total in found]
        return rows, int(found[0].total) if found else 0

    def count() -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery())) or 0

    return page_of(fetch, count, page, per_page)


def search_cases(user: User, term: str) -> list[CaseRow]:
    """Exact search: a case or client code, a phone number, or a full name (blind indexes)."""
    term = term.strip()
    if not term:
        return []
    # Each way of matching is its own indexed lookup; an OR across the joined tables would
    # make the database test every case of the scope.
    matches: list[sa.Select[Any]] = [
        sa.select(Case.id).where(sa.func.upper(Case.code) == term.upper()),
        sa.select(Case.id).join(Client, Client.id == Case.client_id)
        .where(sa.func.upper(Client.code) == term.upper()),
    ]
    if len(normalize_phone(term)) >= 6:
        matches.append(sa.select(Case.id).join(Client, Client.id == Case.client_id)
                       .where(Client.phone_bidx == phone_index(term)))
    bidx = name_index(term)
    if bidx:
        matches.append(sa.select(Case.id).join(Client, Client.id == Case.client_id)
                       .where(Client.name_bidx == bidx))
    order = [Case.detected_on.desc(), Case.id.desc()]
    page_ids = (sa.select(Case.id)
                .where(Case.id.in_(sa.union(*matches)), access.in_scope(Case.unit_id, user))
                .order_by(*order).limit(SEARCH_LIMIT))
    return _page_rows(user, page_ids, order)


def overdue_case_ids(case_ids: list[int]) -> set[int]:
    """Which of these cases are overdue, in one query (for the list's badges)."""
    if not case_ids:
        return set()
    return set(db.session.scalars(
        sa.select(Case.id).where(Case.id.in_(case_ids), case_overdue())
    ))
