"""Translated labels for every enumeration, in one place."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from caseapp.auth.models import Role
from caseapp.cases.models import (
    CaseCategory,
    CaseStatus,
    IntakeChannel,
    ReferringSource,
    RiskLevel,
    VictimStatus,
)
from caseapp.clients.models import Ethnicity, MaritalStatus, Sex
from caseapp.complaints.models import (
    ComplaintHandling,
    ComplaintStatus,
    ComplaintSubject,
    SenderRelation,
)
from caseapp.consents.models import ConsentGiver, ConsentPurpose
from caseapp.consultations.models import ConsultationChannel, ConsultationKind
from caseapp.documents.models import DocumentKind
from caseapp.incidents.models import (
    AgeGroup,
    GbvType,
    PlaceType,
    Relationship,
    TraffickingPurpose,
    TraffickingScope,
    ViolenceAct,
)
from caseapp.measures.models import MeasureKind
from caseapp.referrals.models import NotReceivedReason, ProviderKind, ReferralState, Urgency

# Pairs, not a dict literal: equal StrEnum members of different enums would merge.
_PAIRS: list[tuple[enum.Enum, object]] = [
    (Role.COUNSELOR, _l("Counselor")),
    (Role.SUPERVISOR, _l("Supervisor")),
    (Role.STATISTICS, _l("Statistics")),
    (Role.ADMIN, _l("Administrator")),
    (Sex.FEMALE, _l("Female")),
    (Sex.MALE, _l("Male")),
    (Sex.OTHER, _l("Other")),
    (Ethnicity.KINH, _l("Kinh")),
    (Ethnicity.KHMER, _l("Khmer")),
    (Ethnicity.HOA, _l("Hoa")),
    (Ethnicity.OTHER, _l("Other ethnicity")),
    (MaritalStatus.SINGLE, _l("Single")),
    (MaritalStatus.MARRIED, _l("Married")),
    (MaritalStatus.COHABITING, _l("Living together")),
    (MaritalStatus.SEPARATED, _l("Separated")),
    (MaritalStatus.DIVORCED, _l("Divorced")),
    (MaritalStatus.WIDOWED, _l("Widowed")),
    (MaritalStatus.UNKNOWN, _l("Unknown")),
    (ConsentPurpose.RECORD, _l("To record data")),
    (ConsentPurpose.SHARE, _l("To share with service providers")),
    (ConsentPurpose.REPORTING, _l("To use in reporting")),
    (ConsentGiver.CLIENT, _l("The client")),
    (ConsentGiver.GUARDIAN, _l("A guardian")),
    (CaseCategory.DV, _l("Domestic violence")),
    (CaseCategory.TRAFFICKING, _l("Human trafficking")),
    (CaseCategory.FAMILY, _l("Marriage and family")),
    (CaseCategory.LEGAL, _l("Other legal matter")),
    (VictimStatus.VICTIM, _l("Returned victim")),
    (VictimStatus.BEING_IDENTIFIED, _l("Being identified as a victim")),
    (CaseStatus.OPEN, _l("Open")),
    (CaseStatus.IN_PROGRESS, _l("In progress")),
    (CaseStatus.CLOSURE_REQUESTED, _l("Closure requested")),
    (CaseStatus.CLOSED, _l("Closed")),
    (IntakeChannel.WALK_IN, _l("Walk-in")),
    (IntakeChannel.PHONE, _l("Union phone line")),
    (IntakeChannel.HOTLINE_NATIONAL, _l("National hotline 1900 969 680")),
    (IntakeChannel.HOTLINE_CHILD, _l("Child hotline 111")),
    (IntakeChannel.LETTER, _l("Letter")),
    (IntakeChannel.ONLINE, _l("Online (Zalo, Facebook, ...)")),
    (IntakeChannel.OUTREACH, _l("Outreach")),
    (IntakeChannel.REFERRAL, _l("Referred by another body")),
    (ReferringSource.SELF, _l("The client herself")),
    (ReferringSource.RELATIVE, _l("Relative or neighbour")),
    (ReferringSource.POLICE, _l("Police")),
    (ReferringSource.COMMUNE_COMMITTEE, _l("Commune People's Committee")),
    (ReferringSource.VILLAGE_HEAD, _l("Village head")),
    (ReferringSource.SCHOOL, _l("School")),
    (ReferringSource.HEALTH_FACILITY, _l("Health facility")),
    (ReferringSource.OTHER_UNION, _l("Another union")),
    (ReferringSource.OTHER, _l("Other")),
    (RiskLevel.LOW, _l("Low risk")),
    (RiskLevel.MEDIUM, _l("Medium risk")),
    (RiskLevel.HIGH, _l("High risk")),
    (PlaceType.HOME, _l("At home")),
    (PlaceType.WORKPLACE, _l("Workplace")),
    (PlaceType.PUBLIC, _l("Public place")),
    (PlaceType.ONLINE, _l("Online")),
    (PlaceType.OTHER, _l("Other place")),
    (ViolenceAct.PHYSICAL_ASSAULT, _l("Beating, assault, injury")),
    (ViolenceAct.PHYSICAL_TORTURE, _l("Torture or cruel treatment")),
    (ViolenceAct.PSYCH_INSULT, _l("Insults, humiliation")),
    (ViolenceAct.PSYCH_FORCED_WITNESS, _l("Forcing to witness violence")),
    (ViolenceAct.PSYCH_DISCRIMINATION, _l("Discrimination")),
    (ViolenceAct.PSYCH_ISOLATION, _l("Isolation")),
    (ViolenceAct.PSYCH_DISCLOSURE, _l("Disclosure of private life")),
    (ViolenceAct.PSYCH_OBSTRUCT_RELATIONS, _l("Obstructing family relations")),
    (ViolenceAct.SEXUAL, _l("Sexual violence")),
    (ViolenceAct.ECONOMIC_PROPERTY, _l("Seizing or destroying property")),
    (ViolenceAct.ECONOMIC_INCOME, _l("Controlling income")),
    (ViolenceAct.ECONOMIC_OVERWORK, _l("Forced overwork")),
    (ViolenceAct.NEGLECT, _l("Neglect of dependants")),
    (ViolenceAct.MARRIAGE_FORCED, _l("Forced or child marriage")),
    (ViolenceAct.MARRIAGE_FORCED_DIVORCE, _l("Forced divorce")),
    (ViolenceAct.CONFINEMENT, _l("Confinement")),
    (ViolenceAct.FORCED_OUT, _l("Forcing out of the home")),
    (GbvType.RAPE, _l("Rape")),
    (GbvType.SEXUAL_ASSAULT, _l("Sexual assault")),
    (GbvType.PHYSICAL_ASSAULT, _l("Physical assault")),
    (GbvType.FORCED_MARRIAGE, _l("Forced marriage")),
    (GbvType.DENIAL_OF_RESOURCES, _l("Denial of resources")),
    (GbvType.PSYCHOLOGICAL, _l("Psychological or emotional abuse")),
    (TraffickingPurpose.SEXUAL, _l("Sexual exploitation")),
    (TraffickingPurpose.LABOUR, _l("Forced labour")),
    (TraffickingPurpose.MARRIAGE, _l("Forced marriage")),
    (TraffickingPurpose.ORGANS, _l("Organ removal")),
    (TraffickingPurpose.OTHER, _l("Other purpose")),
    (TraffickingScope.DOMESTIC, _l("Domestic")),
    (TraffickingScope.CROSS_BORDER, _l("Cross-border")),
    (Relationship.HUSBAND, _l("Husband")),
    (Relationship.FORMER_HUSBAND, _l("Former husband")),
    (Relationship.PARTNER, _l("Partner")),
    (Relationship.PARENT, _l("Parent")),
    (Relationship.CHILD, _l("Child")),
    (Relationship.IN_LAW, _l("In-law")),
    (Relationship.OTHER_RELATIVE, _l("Other relative")),
    (Relationship.OTHER, _l("Other person")),
    (AgeGroup.UNDER_18, _l("Under 18")),
    (AgeGroup.AGE_18_29, _l("18 to 29")),
    (AgeGroup.AGE_30_44, _l("30 to 44")),
    (AgeGroup.AGE_45_59, _l("45 to 59")),
    (AgeGroup.AGE_60_PLUS, _l("60 and over")),
    (AgeGroup.UNKNOWN, _l("Unknown age")),
    (MeasureKind.NO_CONTACT_ORDER, _l("No-contact order")),
    (MeasureKind.SHELTER, _l("Temporary shelter")),
    (MeasureKind.POLICE_SUMMONS, _l("Summons by commune police")),
    (MeasureKind.BEHAVIOUR_EDUCATION, _l("Behaviour-change education")),
    (MeasureKind.OTHER, _l("Other measure")),
    (SenderRelation.VICTIM, _l("The victim")),
    (SenderRelation.RELATIVE, _l("A relative")),
    (SenderRelation.NEIGHBOUR, _l("A neighbour")),
    (SenderRelation.AGENCY, _l("An agency")),
    (SenderRelation.ANONYMOUS, _l("Anonymous")),
    (SenderRelation.OTHER, _l("Other sender")),
    (ComplaintSubject.DV, _l("Domestic violence")),
    (ComplaintSubject.TRAFFICKING, _l("Human trafficking")),
    (ComplaintSubject.FAMILY, _l("Marriage and family")),
    (ComplaintSubject.LEGAL, _l("Other legal matter")),
    (ComplaintSubject.OTHER, _l("Other subject")),
    (ComplaintHandling.COUNSELED, _l("Counseled by the union")),
    (ComplaintHandling.MEDIATED, _l("Mediated by the union")),
    (ComplaintHandling.FORWARDED, _l("Forwarded to a competent agency")),
    (ComplaintStatus.RECEIVED, _l("Received")),
    (ComplaintStatus.PROCESSING, _l("Processing")),
    (ComplaintStatus.FORWARDED, _l("Forwarded")),
    (ComplaintStatus.ANSWERED, _l("Answered")),
    (ComplaintStatus.CLOSED, _l("Closed")),
    (ConsultationKind.LEGAL, _l("Legal")),
    (ConsultationKind.FAMILY, _l("Marriage and family")),
    (ConsultationKind.PSYCHOLOGICAL, _l("Psychological")),
    (ConsultationKind.OTHER, _l("Other")),
    (ConsultationChannel.IN_PERSON, _l("In person")),
    (ConsultationChannel.PHONE, _l("Phone or hotline")),
    (ConsultationChannel.ONLINE, _l("Online")),
    (ConsultationChannel.HOME_VISIT, _l("Home visit")),
    (ProviderKind.HEALTH, _l("Health facility")),
    (ProviderKind.LEGAL_AID, _l("State legal aid center")),
    (ProviderKind.SOCIAL_WORK, _l("Social work center")),
    (ProviderKind.POLICE, _l("Police")),
    (ProviderKind.SHELTER, _l("Shelter")),
    (ProviderKind.SCHOOL, _l("School")),
    (ProviderKind.CREDIT_FUND, _l("Credit fund")),
    (ProviderKind.UNION_SERVICE, _l("The union's own service")),
    (ProviderKind.OTHER_UNION, _l("Another union")),
    (ProviderKind.OTHER, _l("Other provider")),
    (ReferralState.DRAFT, _l("Draft")),
    (ReferralState.SUBMITTED, _l("Awaiting review")),
    (ReferralState.APPROVED, _l("Approved")),
    (ReferralState.RETURNED, _l("Returned")),
    (ReferralState.SENT, _l("Sent")),
    (ReferralState.ACCEPTED, _l("Accepted by provider")),
    (ReferralState.REFUSED, _l("Refused by provider")),
    (ReferralState.RECEIVED, _l("Service received")),
    (ReferralState.NOT_RECEIVED, _l("Service not received")),
    (ReferralState.CANCELLED, _l("Cancelled")),
    (Urgency.ROUTINE, _l("Routine")),
    (Urgency.URGENT, _l("Urgent")),
    (Urgency.EMERGENCY, _l("Emergency")),
    (NotReceivedReason.DECLINED, _l("Declined by the client")),
    (NotReceivedReason.UNAVAILABLE, _l("Service unavailable")),
    (NotReceivedReason.UNREACHABLE, _l("Client unreachable")),
    (NotReceivedReason.OTHER, _l("Other reason")),
    (DocumentKind.CASE_SUMMARY, _l("Case summary")),
    (DocumentKind.REFERRAL_SLIP, _l("Referral slip")),
    (DocumentKind.REPORT, _l("Periodic report")),
]


def _key(member: enum.Enum) -> tuple[type, str]:
    # StrEnum members of different enums with the same value are equal and hash alike
    # (CaseCategory.LEGAL == ConsultationKind.LEGAL), so key by the enum class as well.
    return (type(member), member.value)


LABELS: dict[tuple[type, str], object] = {_key(m): text for m, text in _PAIRS}


def label(value: enum.Enum | None) -> str:
    if value is None:
        return ""
    return str(LABELS.get(_key(value), value.value))


def choices(enum_cls: type[enum.Enum], *, blank: bool = False) -> list[tuple[str, str]]:
    """Choices for a WTForms select, labels translated lazily at render time."""
    out = [(m.value, LABELS.get(_key(m), m.value)) for m in enum_cls]
    return ([("", _l("— choose —"))] if blank else []) + out  # type: ignore[list-item]
