from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.crypto import EncryptedText
from caseapp.db import TimestampMixin, db, enum_type


class ServiceType(db.Model):  # type: ignore[name-defined]
    __tablename__ = "service_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    label_vi: Mapped[str] = mapped_column(sa.String(200))
    label_en: Mapped[str] = mapped_column(sa.String(200))
    counts_toward_indicator: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    sort: Mapped[int] = mapped_column(default=0)


class ProviderKind(enum.StrEnum):
    HEALTH = "health_facility"
    LEGAL_AID = "legal_aid_center"
    SOCIAL_WORK = "social_work_center"
    POLICE = "police"
    SHELTER = "shelter"
    SCHOOL = "school"
    CREDIT_FUND = "credit_fund"
    UNION_SERVICE = "union_service"
    OTHER_UNION = "other_union"
    OTHER = "other"


provider_service_types = sa.Table(
    "provider_service_types",
    db.metadata,
    sa.Column("provider_id", sa.ForeignKey("providers.id"), primary_key=True),
    sa.Column("service_type_id", sa.ForeignKey("service_types.id"), primary_key=True),
)

provider_units = sa.Table(
    "provider_units",
    db.metadata,
    sa.Column("provider_id", sa.ForeignKey("providers.id"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id"), primary_key=True),
)


class Provider(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """An organisation in the service directory (not personal data)."""

    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[ProviderKind] = mapped_column(enum_type(ProviderKind))
    owner_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(64))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    active: Mapped[bool] = mapped_column(default=True)

    service_types: Mapped[list[ServiceType]] = relationship(secondary=provider_service_types)


class ReferralState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"
    SENT = "sent"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    RECEIVED = "received"
    NOT_RECEIVED = "not_received"
    CANCELLED = "cancelled"


class Urgency(enum.StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"


class NotReceivedReason(enum.StrEnum):
    DECLINED = "declined_by_client"
    UNAVAILABLE = "unavailable"
    UNREACHABLE = "client_unreachable"
    OTHER = "other"


class Referral(TimestampMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "referrals"
    __table_args__ = (
        sa.Index("ix_referrals_case_state", "case_id", "state"),
        sa.Index("ix_referrals_state_followup", "state", "follow_up_on"),
        # The case's unit, so a supervisor's worklists and badges read the referrals of
        # their units directly instead of probing every case of a province. The database
        # keeps it equal to the case's unit: a referral cannot name another unit, and
        # moving a case to another unit moves its referrals with it.
        sa.ForeignKeyConstraint(["case_id", "unit_id"], ["cases.id", "cases.unit_id"],
                                onupdate="CASCADE", name="fk_referrals_case_unit_cases"),
        # With what the indicator reads of a referral, so it reads the index alone.
        sa.Index("ix_referrals_unit_state", "unit_id", "state", "case_id", "service_type_id",
                 "received_on"),
        # The supervisor's list of consent overrides: rare rows among many.
        sa.Index("ix_referrals_unit_override", "unit_id",
                 postgresql_where=sa.text("consent_override"),
                 sqlite_where=sa.text("consent_override")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    unit_id: Mapped[int]
    service_type_id: Mapped[int] = mapped_column(sa.ForeignKey("service_types.id"), index=True)
    provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("providers.id"), index=True)
    provider_name: Mapped[str | None] = mapped_column(sa.String(200))  # off-directory provider
    state: Mapped[ReferralState] = mapped_column(
        enum_type(ReferralState), default=ReferralState.DRAFT
    )
    urgency: Mapped[Urgency] = mapped_column(enum_type(Urgency), default=Urgency.ROUTINE)
    reason: Mapped[str | None] = mapped_column(EncryptedText)
    notes: Mapped[str | None] = mapped_column(EncryptedText)
    referred_on: Mapped[date]
    follow_up_on: Mapped[date | None]
    sent_on: Mapped[date | None]
    responded_on: Mapped[date | None]
    received_on: Mapped[date | None] = mapped_column(index=True)
    not_received_reason: Mapped[NotReceivedReason | None] = mapped_column(
        enum_type(NotReceivedReason)
    )
    outcome_note: Mapped[str | None] = mapped_column(EncryptedText)
    consent_override: Mapped[bool] = mapped_column(default=False)
    override_reason: Mapped[str | None] = mapped_column(EncryptedText)
    override_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    imported_ref: Mapped[str | None] = mapped_column(sa.String(64))
    import_batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("import_batches.id"))
    updated_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    service_type: Mapped[ServiceType] = relationship(lazy="joined")
    provider: Mapped[Provider | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class ReferralEvent(db.Model):  # type: ignore[name-defined]
    """One transition of a referral: who, when, from, to, comment."""

    __tablename__ = "referral_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(sa.ForeignKey("referrals.id"), index=True)
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    from_state: Mapped[ReferralState | None] = mapped_column(enum_type(ReferralState))
    to_state: Mapped[ReferralState] = mapped_column(enum_type(ReferralState))
    comment: Mapped[str | None] = mapped_column(EncryptedText)
