"""Helpers shared by the auth and admin tests."""

from __future__ import annotations

from typing import Any

import pyotp
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from caseapp.audit.models import AuditEntry
from caseapp.auth.models import User, UserSession
from caseapp.db import db

COOKIE = "caseapp_session"


def fresh(user: User) -> User:
    db.session.expire_all()
    got = db.session.get(User, user.id)
    assert got is not None
    return got


def code_at(app: Flask, secret: str, steps_ahead: int = 0) -> str:
    t = app.config["CLOCK_NOW"]
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(t) + steps_ahead)


def login(client: FlaskClient, username: str, password: str) -> Any:
    return client.post("/auth/login", data={"username": username, "password": password})


def open_sessions(user: User) -> int:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(UserSession).where(
            UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    ) or 0


def audit_actions(object_id: int | None = None) -> list[str]:
    stmt = sa.select(AuditEntry.action).order_by(AuditEntry.id)
    if object_id is not None:
        stmt = stmt.where(AuditEntry.object_type == "user", AuditEntry.object_id == object_id)
    return list(db.session.scalars(stmt))


def audit_rows(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def location(resp: Any) -> str:
    return resp.headers.get("Location", "")
