"""Incidents of a case: when and where, the acts, the perpetrators, trafficking details."""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.clients.models import Sex
from caseapp.crypto import EncryptedText
from caseapp.db import TimestampMixin, db, enum_type


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
