"""The confidential case summary: each section's data as plain strings, ready to print.

Each loader runs a fixed number of queries, whatever the number of rows, and returns
dataclasses of strings (dates already dd/mm/yyyy, labels already translated), so no ORM
object and no lazy load ever reaches the template.

Identifying data: the client's name, phone, address and exact birth date are printed only
when the person printing asks for them (``identifying=True``), which the audit entry and
the printed-document record state. Otherwise the client appears by her code. Narratives
and notes are part of the internal summary either way: the document is for case workers
who may read the case, and it is stamped, numbered and traced.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from caseapp.auth.models import User
from caseapp.cases.models import Case, CaseEvent, RiskLevel
from caseapp.complaints.models import Complaint
from caseapp.consents.models import SHAREABLE_FIELDS, Consent, ConsentPurpose
from caseapp.consultations.models import Consultation
from caseapp.db import db
from caseapp.documents.models import DocumentKind
from caseapp.documents.services import DocumentSpec
from caseapp.i18n import format_date, format_datetime, localized
from caseapp.incidents.models import Incident
from caseapp.labels import label
from caseapp.measures.models import ProtectionMeasure
from caseapp.referrals.models import Provider, Referral, ReferralEvent, ServiceType
from caseapp.risk.models import RiskAssessment

# Keys are stable (CLI --sections, audit entries); order is the printed order.
SECTIONS: dict[str, Any] = {
    "client": _l("Client"),
    "case": _l("Case data"),
    "incidents": _l("Incidents"),
    "risk": _l("Risk assessments"),
    "measures": _l("Protection measures"),
    "consents": _l("Consents"),
    "consultations": _l("Consultations"),
    "complaints": _l("Petitions"),
    "referrals": _l("Referrals"),
    "closure": _l("Closure and status history"),
}

SHAREABLE_LABELS: dict[str, Any] = {
    "full_name": _l("Full name"),
    "phone": _l("Phone"),
    "address": _l("Address"),
    "birth_date": _l("Date of birth"),
    "case_summary": _l("Case summary"),
}
assert set(SHAREABLE_LABELS) == set(SHAREABLE_FIELDS)


class UnknownSections(ValueError):
    def __init__(self, names: Sequence[str]) -> None:
        super().__init__(", ".join(names))
        self.names = list(names)


def parse_sections(names: Sequence[str] | None) -> tuple[str, ...]:
    """Chosen sections in printed order; None or empty means all."""
    if not names:
        return tuple(SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise UnknownSections(unknown)
    chosen = set(names)
    return tuple(k for k in SECTIONS if k in chosen)


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class IncidentRow:
    occurred_on: str
    place: str
    gbv_type: str
    acts: list[str]
    perpetrators: list[str]
    trafficking: list[Fact]
    narrative: str


@dataclass(frozen=True)
class RiskRow:
    assessed_at: str
    level: str
    high: bool
    score: str
    signs: str
    assessed_by: str
    note: str


@dataclass(frozen=True)
class MeasureRow:
    kind: str
    issuer: str
    period: str
    note: str


@dataclass(frozen=True)
class ConsentRow:
    purpose: str
    given_by: str
    given_on: str
    provider: str
    fields: str
    status: str


@dataclass(frozen=True)
class ConsultationRow:
    held_at: str
    kind: str
    channel: str
    counselor: str
    duration: str
    notes: str
    next_step: str
    follow_up_on: str


@dataclass(frozen=True)
class ComplaintRow:
    code: str
    received_on: str
    sender: str
    subject: str
    handling: str
    status: str
    deadline_on: str
    closed_on: str
    summary: str


@dataclass(frozen=True)
class EventRow:
    at: str
    change: str
    by: str
    comment: str


@dataclass(frozen=True)
class ReferralRow:
    service: str
    provider: str
    state: str
    urgency: str
    facts: list[Fact]
    reason: str
    outcome: str
    events: list[EventRow] = field(default_factory=list)


def _name_of(users: dict[int, str], user_id: int | None) -> str:
    return users.get(user_id, "") if user_id is not None else ""


def _user_names(ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(wanted)))
    return {uid: name for uid, name in rows}


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def load_client(case: Case, identifying: bool) -> list[Fact]:
    client = case.client
    facts = [Fact(_("Client code"), client.code)]
    if identifying:
        facts += [
            Fact(_("Full name"), client.full_name or ""),
            Fact(_("Phone"), client.phone or ""),
            Fact(_("Address"), client.address or ""),
            Fact(_("Date of birth"), format_date(client.birth_date)),
        ]
    elif client.birth_year:
        facts.append(Fact(_("Year of birth"), str(client.birth_year)))
    ethnicity = label(client.ethnicity)
    if client.ethnicity_other:
        ethnicity = f"{ethnicity} ({client.ethnicity_other})"
    interpreter = _yes_no(client.needs_interpreter)
    if client.needs_interpreter and client.interpreter_language:
        interpreter = f"{interpreter} ({client.interpreter_language})"
    facts += [
        Fact(_("Sex"), label(client.sex)),
        Fact(_("Ethnicity"), ethnicity),
        Fact(_("Needs an interpreter"), interpreter),
        Fact(_("Disability"), _yes_no(client.disability)),
        Fact(_("Marital status"), label(client.marital_status)),
    ]
    return facts


def load_case(case: Case) -> list[Fact]:
    counselor = case.counselor.full_name if case.counselor is not None else ""
    facts = [
        Fact(_("Category"), label(case.category)),
        Fact(_("Status"), label(case.status)),
        Fact(_("Detected on"), format_date(case.detected_on)),
        Fact(_("Opened on"), format_date(case.opened_on)),
        Fact(_("Intake channel"), label(case.intake_channel)),
        Fact(_("Referred by"), label(case.referring_source)),
        Fact(_("Current risk"), label(case.current_risk)),
        Fact(_("Counselor"), counselor),
    ]
    if case.victim_status is not None:
        facts.insert(1, Fact(_("Victim status"), label(case.victim_status)))
    if case.age_at_detection is not None:
        facts.append(Fact(_("Age at detection"), str(case.age_at_detection)))
    facts.append(Fact(_("Summary"), case.summary or ""))
    return facts


def load_incidents(case: Case) -> list[IncidentRow]:
    # acts and perpetrators are selectin relationships: two more queries for all incidents.
    incidents = db.session.scalars(
        sa.select(Incident)
        .where(Incident.case_id == case.id)
        .order_by(Incident.occurred_on.asc().nulls_first(), Incident.id)
    ).all()
    rows = []
    for inc in incidents:
        perpetrators = []
        for p in inc.perpetrators:
            extra = ", ".join(v for v in (label(p.sex), label(p.age_group)) if v)
            perpetrators.append(
                f"{label(p.relationship_)} ({extra})" if extra else label(p.relationship_)
            )
        trafficking = []
        if inc.trafficking_purpose is not None or inc.trafficking_scope is not None:
            trafficking = [
                Fact(_("Trafficking purpose"), label(inc.trafficking_purpose)),
                Fact(_("Scope"), label(inc.trafficking_scope)),
                Fact(_("Destination country"), inc.destination_country or ""),
                Fact(_("Returned on"), format_date(inc.returned_on)),
            ]
        rows.append(
            IncidentRow(
                occurred_on=format_date(inc.occurred_on),
                place=label(inc.place_type),
                gbv_type=label(inc.gbv_type),
                acts=sorted(label(a.act) for a in inc.acts),
                perpetrators=perpetrators,
                trafficking=trafficking,
                narrative=inc.narrative or "",
            )
        )
    return rows


def load_risk(case: Case) -> list[RiskRow]:
    assessor = aliased(User)
    rows = db.session.execute(
        sa.select(RiskAssessment, assessor.full_name)
        .outerjoin(assessor, assessor.id == RiskAssessment.assessed_by_id)
        .where(RiskAssessment.case_id == case.id)
        .order_by(RiskAssessment.assessed_at.desc(), RiskAssessment.id.desc())
    ).all()
    return [
        RiskRow(
            assessed_at=format_datetime(r.assessed_at),
            level=label(r.level),
            high=r.level == RiskLevel.HIGH,
            score=str(r.score),
            signs=str(len([a for a in r.answers.split(",") if a])),
            assessed_by=name or "",
            note=r.note or "",
        )
        for r, name in rows
    ]


def load_measures(case: Case) -> list[MeasureRow]:
    measures = db.session.scalars(
        sa.select(ProtectionMeasure)
        .where(ProtectionMeasure.case_id == case.id)
        .order_by(ProtectionMeasure.starts_on.asc().nulls_last(), ProtectionMeasure.id)
    ).all()
    return [
        MeasureRow(
            kind=label(m.kind),
            issuer=m.issuer or "",
            period=" – ".join(d for d in (format_date(m.starts_on), format_date(m.ends_on)) if d),
            note=m.note or "",
        )
        for m in measures
    ]


def load_consents(case: Case) -> list[ConsentRow]:
    rows = db.session.execute(
        sa.select(Consent, Provider.name)
        .outerjoin(Provider, Provider.id == Consent.provider_id)
        .where(Consent.client_id == case.client_id)
        .order_by(Consent.given_on.desc(), Consent.id.desc())
    ).all()
    out = []
    for c, provider_name in rows:
        if c.withdrawn_on is not None:
            status = _("Withdrawn on %(date)s", date=format_date(c.withdrawn_on))
        else:
            status = _("Active")
        fields = ", ".join(str(SHAREABLE_LABELS.get(f, f)) for f in c.shared_field_list)
        out.append(
            ConsentRow(
                purpose=label(c.purpose),
                given_by=label(c.given_by),
                given_on=format_date(c.given_on),
                provider=provider_name
                or (_("Any provider") if c.purpose == ConsentPurpose.SHARE else ""),
                fields=fields,
                status=status,
            )
        )
    return out


def load_consultations(case: Case) -> list[ConsultationRow]:
    counselor = aliased(User)
    rows = db.session.execute(
        sa.select(Consultation, counselor.full_name)
        .outerjoin(counselor, counselor.id == Consultation.counselor_id)
        .where(Consultation.case_id == case.id)
        .order_by(Consultation.held_at, Consultation.id)
    ).all()
    return [
        ConsultationRow(
            held_at=format_datetime(c.held_at),
            kind=label(c.kind),
            channel=label(c.channel),
            counselor=name or "",
            duration=_("%(n)d min", n=c.duration_minutes) if c.duration_minutes else "",
            notes=c.notes or "",
            next_step=c.next_step or "",
            follow_up_on=format_date(c.follow_up_on),
        )
        for c, name in rows
    ]


def load_complaints(case: Case) -> list[ComplaintRow]:
    complaints = db.session.scalars(
        sa.select(Complaint)
        .where(Complaint.case_id == case.id)
        .order_by(Complaint.received_on, Complaint.id)
    ).all()
    out = []
    for c in complaints:
        handling = label(c.handling)
        if c.forwarded_to:
            handling = f"{handling}: {c.forwarded_to}" if handling else c.forwarded_to
        out.append(
            ComplaintRow(
                code=c.code,
                received_on=format_date(c.received_on),
                sender=label(c.sender_relation),
                subject=label(c.subject),
                handling=handling,
                status=label(c.status),
                deadline_on=format_date(c.deadline_on),
                closed_on=format_date(c.closed_on),
                summary=c.summary or "",
            )
        )
    return out


def _change(from_state: Any, to_state: Any) -> str:
    return f"{label(from_state)} → {label(to_state)}" if from_state is not None else label(to_state)


def load_referrals(case: Case) -> list[ReferralRow]:
    rows = db.session.execute(
        sa.select(Referral, ServiceType.label_vi, ServiceType.label_en, Provider.name)
        .join(ServiceType, ServiceType.id == Referral.service_type_id)
        .outerjoin(Provider, Provider.id == Referral.provider_id)
        .where(Referral.case_id == case.id)
        .order_by(Referral.referred_on, Referral.id)
    ).all()
    ids = [r.id for r, *_rest in rows]
    events: dict[int, list[EventRow]] = {i: [] for i in ids}
    if ids:
        actor = aliased(User)
        for ev, name in db.session.execute(
            sa.select(ReferralEvent, actor.full_name)
            .outerjoin(actor, actor.id == ReferralEvent.user_id)
            .where(ReferralEvent.referral_id.in_(ids))
            .order_by(ReferralEvent.at, ReferralEvent.id)
        ):
            events[ev.referral_id].append(
                EventRow(
                    format_datetime(ev.at),
                    _change(ev.from_state, ev.to_state),
                    name or "",
                    ev.comment or "",
                )
            )
    out = []
    for r, label_vi, label_en, provider_name in rows:
        facts = [
            Fact(_("Referred on"), format_date(r.referred_on)),
            Fact(_("Follow-up on"), format_date(r.follow_up_on)),
            Fact(_("Sent on"), format_date(r.sent_on)),
            Fact(_("Provider answered on"), format_date(r.responded_on)),
            Fact(_("Service received on"), format_date(r.received_on)),
        ]
        if r.consent_override:
            facts.append(Fact(_("Consent override"), r.override_reason or _("Yes")))
        outcome = label(r.not_received_reason)
        if r.outcome_note:
            outcome = f"{outcome}: {r.outcome_note}" if outcome else r.outcome_note
        out.append(
            ReferralRow(
                service=localized(label_vi, label_en),
                provider=provider_name or r.provider_name or "",
                state=label(r.state),
                urgency=label(r.urgency),
                facts=[f for f in facts if f.value],
                reason=r.reason or "",
                outcome=outcome,
                events=events[r.id],
            )
        )
    return out


def load_closure(case: Case) -> dict[str, Any]:
    actor = aliased(User)
    events = [
        EventRow(
            format_datetime(ev.at),
            _change(ev.from_status, ev.to_status),
            name or "",
            ev.comment or "",
        )
        for ev, name in db.session.execute(
            sa.select(CaseEvent, actor.full_name)
            .outerjoin(actor, actor.id == CaseEvent.user_id)
            .where(CaseEvent.case_id == case.id)
            .order_by(CaseEvent.at, CaseEvent.id)
        )
    ]
    facts = [Fact(_("Status"), label(case.status))]
    if case.closed_on is not None:
        facts.append(Fact(_("Closed on"), format_date(case.closed_on)))
    if case.closure_reason:
        facts.append(Fact(_("Reason for closure"), case.closure_reason))
    return {"facts": facts, "events": events}


_LOADERS: dict[str, Callable[[Case], Any]] = {
    "case": load_case,
    "incidents": load_incidents,
    "risk": load_risk,
    "measures": load_measures,
    "consents": load_consents,
    "consultations": load_consultations,
    "complaints": load_complaints,
    "referrals": load_referrals,
    "closure": load_closure,
}


def case_summary_spec(
    case: Case, sections: Sequence[str] | None = None, identifying: bool = False
) -> DocumentSpec:
    """What the case summary prints for ``case`` (already loaded through the access layer)."""
    chosen = parse_sections(sections)
    unit_name = case.unit.name
    data: dict[str, Any] = {key: None for key in SECTIONS}
    for key in chosen:
        data[key] = load_client(case, identifying) if key == "client" else _LOADERS[key](case)
    context = {
        "unit_name": unit_name,
        "case_code": case.code,
        "section_titles": {key: str(title) for key, title in SECTIONS.items()},
        "identifying": identifying and "client" in chosen,
        **data,
    }
    return DocumentSpec(
        kind=DocumentKind.CASE_SUMMARY,
        template="case_summary.html",
        context=context,
        code=case.code,
        unit_id=case.unit_id,
        case_id=case.id,
        sections=chosen,
        identifying=identifying and "client" in chosen,
    )
