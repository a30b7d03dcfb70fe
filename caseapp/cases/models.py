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
