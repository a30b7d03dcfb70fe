from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.crypto import EncryptedText
from caseapp.db import TimestampMixin, db, enum_type
from caseapp.units.models import Unit


class Role(enum.StrEnum):
    COUNSELOR = "counselor"
    SUPERVISOR = "supervisor"
    STATISTICS = "statistics"
    ADMIN = "admin"


class User(UserMixin, TimestampMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    totp_enabled: Mapped[bool] = mapped_column(default=False)
    totp_last_step: Mapped[int | None]  # refuses replay of the same code
    must_change_password: Mapped[bool] = mapped_column(default=False)
    last_login_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserSession(db.Model):  # type: ignore[name-defined]
    """A server-side login session; the cookie holds only a random token whose hash is the id.

    Kept in the database so logout and forced logout take effect on every worker.
    """

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    mfa_passed: Mapped[bool] = mapped_column(default=False)
    ip: Mapped[str] = mapped_column(sa.String(64), default="")


class LoginAttempt(db.Model):  # type: ignore[name-defined]
    """Failed and successful logins by address, for throttling across workers."""

    __tablename__ = "login_attempts"
    __table_args__ = (sa.Index("ix_login_attempts_ip_at", "ip", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    ip: Mapped[str] = mapped_column(sa.String(64))
    username: Mapped[str] = mapped_column(sa.String(64))
    success: Mapped[bool]
