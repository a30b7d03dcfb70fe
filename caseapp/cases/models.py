from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.clients.models import Client, Sex
from caseapp.crypto import EncryptedText
from caseapp.db import TimestampMixin, db, enum_type
from caseapp.units.models import Unit

if TYPE_CHECKING:
    from caseapp.auth.models import User


class CaseCategory(enum.StrEnum):
    DV = "dv"
    TRAFFICKING = "trafficking"
    FAMILY = "family"
    LEGAL = "legal"


class VictimStatus(enum.StrEnum):
    VICTIM = "victim"
    BEING_IDENTIFIED = "being_identified"


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSURE_REQUESTED = "closure_requested"
    CLOSED = "closed"


class IntakeChannel(enum.StrEnum):
    WALK_IN = "walk_in"
    PHONE = "phone"
    HOTLINE_NATIONAL = "hotline_1900969680"
    HOTLINE_CHILD = "hotline_111"
    LETTER = "letter"
    ONLINE = "online"
    OUTREACH = "outreach"
    REFERRAL = "referral"


class ReferringSource(enum.StrEnum):
    SELF = "self"
    RELATIVE = "relative"
    POLICE = "police"
    COMMUNE_COMMITTEE = "commune_committee"
    VILLAGE_HEAD = "village_head"
    SCHOOL = "school"
    HEALTH_FACILITY = "health_facility"
    OTHER_UNION = "other_union"
    OTHER = "other"


class RiskLevel(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class PlaceType(enum.StrEnum):
    HOME = "home"
    WORKPLACE = "workplace"
    PUBLIC = "public"
    ONLINE = "online"
    OTHER = "other"


class ViolenceAct(enum.StrEnum):
    """Acts of Article 3, Law 13/2022/QH15, grouped by their prefix."""

    PHYSICAL_ASSAULT = "physical.assault"
    PHYSICAL_TORTURE = "physical.torture"
    PSYCH_INSULT = "psych.insult"
    PSYCH_FORCED_WITNESS = "psych.forced_witness"
    PSYCH_DISCRIMINATION = "psych.discrimination"
    PSYCH_ISOLATION = "psych.isolation"
    PSYCH_DISCLOSURE = "psych.disclosure"
    PSYCH_OBSTRUCT_RELATIONS = "psych.obstruct_relations"
    SEXUAL = "sexual.coercion"
    ECONOMIC_PROPERTY = "economic.property"
    ECONOMIC_INCOME = "economic.income_control"
    ECONOMIC_OVERWORK = "economic.forced_overwork"
    NEGLECT = "neglect.dependants"
    MARRIAGE_FORCED = "marriage.forced_or_child"
    MARRIAGE_FORCED_DIVORCE = "marriage.forced_divorce"
    CONFINEMENT = "confinement"
    FORCED_OUT = "forced_out_of_home"


class GbvType(enum.StrEnum):
    RAPE = "rape"
    SEXUAL_ASSAULT = "sexual_assault"
    PHYSICAL_ASSAULT = "physical_assault"
    FORCED_MARRIAGE = "forced_marriage"
    DENIAL_OF_RESOURCES = "denial_of_resources"
    PSYCHOLOGICAL = "psychological"


class TraffickingPurpose(enum.StrEnum):
    SEXUAL = "sexual_exploitation"
    LABOUR = "forced_labour"
    MARRIAGE = "forced_marriage"
    ORGANS = "organ_removal"
    OTHER = "other"


class TraffickingScope(enum.StrEnum):
    DOMESTIC = "domestic"
    CROSS_BORDER = "cross_border"


class Relationship(enum.StrEnum):
    HUSBAND = "husband"
    FORMER_HUSBAND = "former_husband"
    PARTNER = "partner"
    PARENT = "parent"
    CHILD = "child"
    IN_LAW = "in_law"
    OTHER_RELATIVE = "other_relative"
    OTHER = "other"


class AgeGroup(enum.StrEnum):
    UNDER_18 = "under_18"
    AGE_18_29 = "18_29"
    AGE_30_44 = "30_44"
    AGE_45_59 = "45_59"
    AGE_60_PLUS = "60_plus"
    UNKNOWN = "unknown"


class MeasureKind(enum.StrEnum):
    NO_CONTACT_ORDER = "no_contact_order"
    SHELTER = "shelter"
    POLICE_SUMMONS = "police_summons"
    BEHAVIOUR_EDUCATION = "behaviour_education"
    OTHER = "other"


class Case(TimestampMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "cases"
    __table_args__ = (
        # The indicator filters by category and detection date inside a unit subtree.
        sa.Index("ix_cases_category_detected", "category", "detected_on", "unit_id"),
        # Scope: every list, worklist, badge and indicator of a supervisor reads the cases
        # of a set of units. The columns they filter, sort and group by are in the index,
        # so those reads never touch the table (a province's cases are spread over all
        # of it).
        sa.Index("ix_cases_scope", "unit_id", "status", "current_risk", "category",
                 "detected_on", "counselor_id", "id", "client_id", "age_at_detection",
                 "follow_up_due_on"),
        sa.UniqueConstraint("unit_id", "imported_ref", name="uq_cases_unit_imported_ref"),
        # Target of the referrals' (case, unit) foreign key.
        sa.UniqueConstraint("id", "unit_id", name="uq_cases_id_unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    counselor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    category: Mapped[CaseCategory] = mapped_column(enum_type(CaseCategory))
    victim_status: Mapped[VictimStatus | None] = mapped_column(enum_type(VictimStatus))
    detected_on: Mapped[date]
    intake_channel: Mapped[IntakeChannel | None] = mapped_column(enum_type(IntakeChannel))
    referring_source: Mapped[ReferringSource | None] = mapped_column(enum_type(ReferringSource))
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus), default=CaseStatus.OPEN)
    opened_on: Mapped[date]
    closed_on: Mapped[date | None]
    closure_reason: Mapped[str | None] = mapped_column(EncryptedText)
    summary: Mapped[str | None] = mapped_column(EncryptedText)
    # Latest risk level, kept by the risk service so lists can filter without a subquery.
    current_risk: Mapped[RiskLevel | None] = mapped_column(enum_type(RiskLevel), index=True)
    # Derived from the client's birth data at the detection date (not identifying, and lets
    # the indicator classify girls in SQL without decrypting birth dates).
    age_at_detection: Mapped[int | None]
    # The earliest pending consultation follow-up (caseapp/consultations/due.py).
    follow_up_due_on: Mapped[date | None]
    imported_ref: Mapped[str | None] = mapped_column(sa.String(64))
    import_batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("import_batches.id"))
    updated_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    client: Mapped[Client] = relationship()
    unit: Mapped[Unit] = relationship()
    # For pages that show the counselor's name; changes go through counselor_id.
    counselor: Mapped[User | None] = relationship(viewonly=True)

    __mapper_args__ = {"version_id_col": version}

    @property
    def client_sex(self) -> Sex:
        return self.client.sex


# Search compares codes without regard to case.
sa.Index("ix_cases_code_upper", sa.func.upper(Case.code))


class CaseEvent(db.Model):  # type: ignore[name-defined]
    """Status history of a case: closure requests, approvals, returns, reopening."""

    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    from_status: Mapped[CaseStatus | None] = mapped_column(enum_type(CaseStatus))
    to_status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus))
    comment: Mapped[str | None] = mapped_column(EncryptedText)


class Incident(TimestampMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    occurred_on: Mapped[date | None]
    place_type: Mapped[PlaceType | None] = mapped_column(enum_type(PlaceType))
    gbv_type: Mapped[GbvType | None] = mapped_column(enum_type(GbvType))
    narrative: Mapped[str | None] = mapped_column(EncryptedText)
    trafficking_purpose: Mapped[TraffickingPurpose | None] = mapped_column(
        enum_type(TraffickingPurpose)
    )
    trafficking_scope: Mapped[TraffickingScope | None] = mapped_column(enum_type(TraffickingScope))
    destination_country: Mapped[str | None] = mapped_column(sa.String(64))
    returned_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)

    acts: Mapped[list[IncidentAct]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    perpetrators: Mapped[list[Perpetrator]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}


class IncidentAct(db.Model):  # type: ignore[name-defined]
    __tablename__ = "incident_acts"
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), primary_key=True)
    act: Mapped[ViolenceAct] = mapped_column(enum_type(ViolenceAct), primary_key=True)


class Perpetrator(db.Model):  # type: ignore[name-defined]
    __tablename__ = "perpetrators"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(sa.ForeignKey("incidents.id"), index=True)
    relationship_: Mapped[Relationship] = mapped_column("relationship", enum_type(Relationship))
    sex: Mapped[Sex | None] = mapped_column(enum_type(Sex))
    age_group: Mapped[AgeGroup | None] = mapped_column(enum_type(AgeGroup))


class RiskAssessment(db.Model):  # type: ignore[name-defined]
    """One danger assessment; the history is kept, the newest sets Case.current_risk."""

    __tablename__ = "risk_assessments"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    assessed_at: Mapped[datetime]
    assessed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answers: Mapped[str] = mapped_column(sa.String(500), default="")  # comma-separated keys
    score: Mapped[int] = mapped_column(default=0)
    level: Mapped[RiskLevel] = mapped_column(enum_type(RiskLevel))
    note: Mapped[str | None] = mapped_column(EncryptedText)


class ProtectionMeasure(TimestampMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "protection_measures"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    kind: Mapped[MeasureKind] = mapped_column(enum_type(MeasureKind))
    issuer: Mapped[str | None] = mapped_column(sa.String(200))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    # Free text may say where a shelter is, so it is encrypted.
    note: Mapped[str | None] = mapped_column(EncryptedText)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
