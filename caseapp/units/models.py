from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.db import TimestampMixin, db


class UnitKind(db.Model):  # type: ignore[name-defined]
    """Kinds of unit (province union, counseling center, ...); labels are editable by admins."""

    __tablename__ = "unit_kinds"
    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    label_vi: Mapped[str] = mapped_column(sa.String(100))
    label_en: Mapped[str] = mapped_column(sa.String(100))
    sort: Mapped[int] = mapped_column(default=0)


class Unit(TimestampMixin, db.Model):  # type: ignore[name-defined]
    """A node of the union's tree.

    ``path`` is a materialized path of ids ("/1/7/42/") so a subtree is one indexed LIKE.
    A merged unit is moved under its successor, so everything that reports a successor's
    subtree includes the merged unit's history without special cases.
    """

    __tablename__ = "units"
    __table_args__ = (
        sa.Index("ix_units_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.ForeignKey("unit_kinds.code"))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(1000), default="")
    active_from: Mapped[date | None]
    active_to: Mapped[date | None]
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"))
    merged_on: Mapped[date | None]
    updated_at: Mapped[datetime | None]

    parent: Mapped[Unit | None] = relationship(
        remote_side="Unit.id", foreign_keys=[parent_id], lazy="joined", join_depth=1
    )
    merged_into: Mapped[Unit | None] = relationship(
        remote_side="Unit.id", foreign_keys=[merged_into_id]
    )

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    @property
    def is_retired(self) -> bool:
        return self.active_to is not None and self.merged_into_id is None

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"
