"""Navigation by role. Each entry names an endpoint; entries whose area is not installed
are skipped. ``badge`` names a function returning a count for the current user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: tuple[str, ...]
    badge: Callable[[], int] | None = field(default=None, compare=False)


NAV: list[NavItem] = [
    NavItem("main.index", _l("Home"), ("counselor", "supervisor", "statistics", "admin")),
]


def add_nav(item: NavItem) -> None:
    if item not in NAV:
        NAV.append(item)


def nav_for_user() -> list[tuple[NavItem, int | None]]:
    if not current_user.is_authenticated:
        return []
    role = current_user.role.value
    out = []
    for item in NAV:
        if role in item.roles and item.endpoint in current_app.view_functions:
            out.append((item, item.badge() if item.badge else None))
    return out
