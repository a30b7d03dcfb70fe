"""Navigation by role. Each entry names an endpoint; entries whose area is not installed
are skipped. ``badge`` names a function returning, for the current user, a query of one
count (or None when the entry carries no badge for that user)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from caseapp.db import db


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: tuple[str, ...]
    badge: Callable[[], sa.Select[Any] | None] | None = field(default=None, compare=False)


NAV: list[NavItem] = [
    NavItem("main.index", _l("Home"), ("counselor", "supervisor", "statistics", "admin")),
]


def add_nav(item: NavItem) -> None:
    if item not in NAV:
        NAV.append(item)


def nav_for_user() -> list[tuple[NavItem, int | None]]:
    """The user's entries and their badge counts. Every badge of the page is counted in one
    statement, once per request however often a template asks."""
    if not current_user.is_authenticated:
        return []
    cached: list[tuple[NavItem, int | None]] | None = g.get("_nav_items")
    if cached is not None:
        return cached
    role = current_user.role.value
    items = [item for item in NAV
             if role in item.roles and item.endpoint in current_app.view_functions]
    queries = {i: item.badge() for i, item in enumerate(items) if item.badge}
    counts: dict[int, int] = {}
    wanted = {i: q for i, q in queries.items() if q is not None}
    if wanted:
        row = db.session.execute(sa.select(*(
            q.scalar_subquery().label(f"badge_{i}") for i, q in wanted.items()))).one()
        counts = {i: int(v or 0) for i, v in zip(wanted, row, strict=True)}
    out = [(item, counts.get(i, 0) if item.badge else None) for i, item in enumerate(items)]
    g._nav_items = out
    return out
