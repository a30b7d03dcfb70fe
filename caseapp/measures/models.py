"""Protection measures applied in a case."""

from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.crypto import EncryptedText
from caseapp.db import TimestampMixin, db, enum_type


class MeasureKind(enum.StrEnum):
    NO_CONTACT_ORDER = "no_contact_order"
    SHELTER = "shelter"
    POLICE_SUMMONS = "police_summons"
    BEHAVIOUR_EDUCATION = "behaviour_education"
    OTHER = "other"


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
