"""Consent per purpose: to record, to share with a provider, to use in reporting."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.crypto import EncryptedText
from caseapp.db import TimestampMixin, db, enum_type


class ConsentPurpose(enum.StrEnum):
    RECORD = "record"
    SHARE = "share"
    REPORTING = "reporting"


class ConsentGiver(enum.StrEnum):
    CLIENT = "client"
    GUARDIAN = "guardian"


# Fields of a client that a consent to share may cover (see the referral slip).
SHAREABLE_FIELDS = ("full_name", "phone", "address", "birth_date", "case_summary")


class Consent(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """Consent for one purpose; withdrawal is recorded, never deleted."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_type(ConsentPurpose))
    given_by: Mapped[ConsentGiver] = mapped_column(enum_type(ConsentGiver))
    guardian_name: Mapped[str | None] = mapped_column(EncryptedText)
    given_on: Mapped[date]
    # For SHARE: which provider (None: any provider) and which fields (comma-separated codes
    # from SHAREABLE_FIELDS).
    provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("providers.id"))
    shared_fields: Mapped[str] = mapped_column(sa.String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    withdrawn_on: Mapped[date | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

    @property
    def shared_field_list(self) -> list[str]:
        return [f for f in self.shared_fields.split(",") if f]
