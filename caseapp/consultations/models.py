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

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
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
