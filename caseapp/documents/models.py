from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.db import db, enum_type


class DocumentKind(enum.StrEnum):
    CASE_SUMMARY = "case_summary"
    REFERRAL_SLIP = "referral_slip"
    REPORT = "report"


class PrintedDocument(db.Model):  # type: ignore[name-defined]
    """Every PDF generated, so a leaked page's document id leads back to who printed it."""

    __tablename__ = "printed_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(sa.ForeignKey("referrals.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    printed_at: Mapped[datetime]
    sections: Mapped[str] = mapped_column(sa.String(300), default="")
    encrypted: Mapped[bool] = mapped_column(default=False)
    # The client's name and contact details were printed (not only the case code).
    identifying: Mapped[bool] = mapped_column(default=False)
