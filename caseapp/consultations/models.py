from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.crypto import EncryptedText
from caseapp.db import TimestampMixin, db, enum_type


class ConsultationKind(enum.StrEnum):
    LEGAL = "legal"
    FAMILY = "family"
    PSYCHOLOGICAL = "psychological"
    OTHER = "other"


class ConsultationChannel(enum.StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    ONLINE = "online"
    HOME_VISIT = "home_visit"


class Consultation(TimestampMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "consultations"
    __table_args__ = (
        # A case's sessions in order with their follow-up dates: whether a follow-up is
        # still pending (no later session) is read from this index alone.
        sa.Index("ix_consultations_case_held", "case_id", "held_at", "follow_up_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    held_at: Mapped[datetime] = mapped_column(index=True)
    kind: Mapped[ConsultationKind] = mapped_column(enum_type(ConsultationKind))
    channel: Mapped[ConsultationChannel] = mapped_column(enum_type(ConsultationChannel))
    counselor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    duration_minutes: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(EncryptedText)
    next_step: Mapped[str | None] = mapped_column(EncryptedText)
    follow_up_on: Mapped[date | None] = mapped_column(index=True)
    updated_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
