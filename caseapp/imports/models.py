from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.db import db


class ImportBatch(db.Model):  # type: ignore[name-defined]
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    cases_count: Mapped[int] = mapped_column(default=0)
    clients_count: Mapped[int] = mapped_column(default=0)
    referrals_count: Mapped[int] = mapped_column(default=0)
