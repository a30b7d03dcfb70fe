"""The one source of "now", so tests can move time (lockouts, timeouts, deadlines)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def now() -> datetime:
    if has_app_context():
        fixed = current_app.config.get("CLOCK_NOW")
        if fixed is not None:
            return fixed() if callable(fixed) else fixed
    return datetime.now(UTC)


def today() -> date:
    """Today's date where the users are (Vietnam), not in UTC."""
    return now().astimezone(LOCAL_TZ).date()


def advance(app: object, delta: timedelta) -> None:
    """Move a test clock forward; used only by tests."""
    cfg = app.config  # type: ignore[attr-defined]
    current = cfg.get("CLOCK_NOW") or datetime.now(UTC)
    cfg["CLOCK_NOW"] = current + delta
