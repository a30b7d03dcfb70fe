from __future__ import annotations

import enum
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.crypto import EncryptedText
from caseapp.db import TimestampMixin, db, enum_type
from caseapp.units.models import Unit


class Sex(enum.StrEnum):
    FEMALE = "F"
    MALE = "M"
    OTHER = "other"


class Ethnicity(enum.StrEnum):
    KINH = "kinh"
    KHMER = "khmer"
    HOA = "hoa"
    OTHER = "other"


class MaritalStatus(enum.StrEnum):
    SINGLE = "single"
    MARRIED = "married"
    COHABITING = "cohabiting"
    SEPARATED = "separated"
    DIVORCED = "divorced"
    WIDOWED = "widowed"
    UNKNOWN = "unknown"


class Client(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """A person the union helps. Identifying fields are encrypted; ``code`` is the pseudonym."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    full_name: Mapped[str | None] = mapped_column(EncryptedText)
    name_bidx: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    phone_bidx: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    address: Mapped[str | None] = mapped_column(EncryptedText)
    # ISO date, encrypted: the exact birth date identifies; age is derived onto each case.
    birth_date_enc: Mapped[str | None] = mapped_column("birth_date", EncryptedText)
    birth_year: Mapped[int | None]
    approx_age: Mapped[int | None]
    # The day the approximate age was stated, so the age at any detection date can be derived.
    approx_age_on: Mapped[date | None]
    sex: Mapped[Sex] = mapped_column(enum_type(Sex), index=True)
    ethnicity: Mapped[Ethnicity | None] = mapped_column(enum_type(Ethnicity))
    ethnicity_other: Mapped[str | None] = mapped_column(sa.String(64))
    needs_interpreter: Mapped[bool] = mapped_column(default=False)
    interpreter_language: Mapped[str | None] = mapped_column(sa.String(64))
    disability: Mapped[bool] = mapped_column(default=False)
    marital_status: Mapped[MaritalStatus | None] = mapped_column(enum_type(MaritalStatus))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    imported_ref: Mapped[str | None] = mapped_column(sa.String(64))
    version: Mapped[int] = mapped_column(default=1)

    unit: Mapped[Unit] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def birth_date(self) -> date | None:
        return date.fromisoformat(self.birth_date_enc) if self.birth_date_enc else None

    @birth_date.setter
    def birth_date(self, value: date | None) -> None:
        self.birth_date_enc = value.isoformat() if value else None
        if value:
            self.birth_year = value.year


# Search compares codes without regard to case.
sa.Index("ix_clients_code_upper", sa.func.upper(Client.code))
# The indicator counts women and girls: it checks the sex of every client of a
# province's qualifying cases, from this index alone.
sa.Index("ix_clients_id_sex", Client.id, Client.sex)
