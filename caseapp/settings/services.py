"""Runtime settings with defaults; stored as JSON in the ``settings`` table."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, has_app_context

from caseapp.db import db
from caseapp.settings.models import Setting

DEFAULTS: dict[str, Any] = {
    "indicator_target": 0.8,
    "term_start": "2021-01-01",
    "term_end": "2026-12-31",
    "small_cell_threshold": 4,
    "complaint_deadline_days": 10,
    "holidays": [],  # ISO dates skipped by working-day deadlines
    "mfa_required_roles": None,  # None: the config's MFA_REQUIRED_ROLES
    "allow_self_approval": False,
    "skip_review_for_union_service": False,
    "no_response_days": 7,
}


def get_setting(key: str) -> Any:
    if key not in DEFAULTS:
        raise KeyError(key)
    cache: dict[str, Any] | None = g.get("_settings_cache") if has_app_context() else None
    if cache is None:
        cache = _load_all()
        if has_app_context():
            g._settings_cache = cache
    return cache[key]


def _load_all() -> dict[str, Any]:
    """Every setting in one statement: a page reads several (badges, deadlines, the term)."""
    stored = {row.key: row.value for row in db.session.scalars(sa.select(Setting))}
    values = {key: json.loads(stored[key]) if key in stored else default
              for key, default in DEFAULTS.items()}
    if values["mfa_required_roles"] is None:
        values["mfa_required_roles"] = list(current_app.config.get("MFA_REQUIRED_ROLES", ()))
    return values


def set_setting(key: str, value: Any) -> None:
    """Stage a setting change in the current transaction (the caller audits and commits)."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(Setting, key)
    text = json.dumps(value, ensure_ascii=False)
    if row is None:
        db.session.add(Setting(key=key, value=text))
    else:
        row.value = text
    if has_app_context():
        g.pop("_settings_cache", None)


WORK_RULES = ("complaint_deadline_days", "holidays", "allow_self_approval",
              "skip_review_for_union_service", "no_response_days", "mfa_required_roles")


def update_work_rules(values: dict[str, Any]) -> list[str]:
    """Stage the changed work rules with one audit entry naming them; the caller commits."""
    from caseapp.audit.services import record

    changed = [k for k in WORK_RULES if k in values and values[k] != get_setting(k)]
    for key in changed:
        set_setting(key, values[key])
    if changed:
        record("settings.update", object_type="settings", summary="keys=" + ",".join(changed))
    return changed
