from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.crypto import EncryptedText
from caseapp.db import TimestampMixin, db, enum_type


class SenderRelation(enum.StrEnum):
    VICTIM = "victim"
    RELATIVE = "relative"
    NEIGHBOUR = "neighbour"
    AGENCY = "agency"
    ANONYMOUS = "anonymous"
    OTHER = "other"


class ComplaintSubject(enum.StrEnum):
    DV = "dv"
    TRAFFICKING = "trafficking"
    FAMILY = "family"
    LEGAL = "legal"
    OTHER = "other"


class ComplaintHandling(enum.StrEnum):
    COUNSELED = "counseled"
    MEDIATED = "mediated"
    FORWARDED = "forwarded"


class ComplaintStatus(enum.StrEnum):
    RECEIVED = "received"
    PROCESSING = "processing"
    FORWARDED = "forwarded"
    ANSWERED = "answered"
    CLOSED = "closed"


class Complaint(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """A petition or complaint letter (đơn thư) received by a unit."""

    __tablename__ = "complaints"
    __table_args__ = (sa.Index("ix_complaints_unit_status_deadline", "unit_id", "status",
                               "deadline_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    received_on: Mapped[date]
    sender_relation: Mapped[SenderRelation] = mapped_column(enum_type(SenderRelation))
    subject: Mapped[ComplaintSubject] = mapped_column(enum_type(ComplaintSubject))
    summary: Mapped[str | None] = mapped_column(EncryptedText)
    handling: Mapped[ComplaintHandling | None] = mapped_column(enum_type(ComplaintHandling))
    forwarded_to: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[ComplaintStatus] = mapped_column(
        enum_type(ComplaintStatus), default=ComplaintStatus.RECEIVED
    )
    deadline_on: Mapped[date]
    closed_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
