"""Who may do what: one table of role × action × scope, and the one refusal rule.

Every route names its action with ``@requires(action)``; the access-matrix test reads
``RULES`` and checks the running app against it, so a route that asks for no rule, or a rule
the app does not keep, fails there.

The refusal rule (docs/architecture.md):
- a record out of the user's scope, or of a kind her role may not see at all, answers 404:
  nobody learns that it exists;
- an action her role may not take, on a record (or a page) of a kind she may see, answers 403.

Scopes say which records of a kind a role reaches. The records themselves are scoped where
they are loaded (``caseapp.access`` for case data, ``units.tree`` for units); the scope here
names that rule so the table reads whole.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from caseapp.auth.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])


class Scope(enum.StrEnum):
    OWN = "own"            # the user's own account and sessions
    CASES = "cases"        # person-level case data of the user's case units (caseapp.access)
    REPORTS = "reports"    # aggregate figures of the user's report units, nobody identified
    SUBTREE = "subtree"    # organisation records (units, providers, audit) of her subtree
    SERVED = "served"      # directory entries serving her unit or a unit above it
    ALL = "all"            # the whole installation


C, S, ST, A = Role.COUNSELOR, Role.SUPERVISOR, Role.STATISTICS, Role.ADMIN
_EVERYONE = {C: Scope.OWN, S: Scope.OWN, ST: Scope.OWN, A: Scope.OWN}
_CASE_WORK = {C: Scope.CASES, S: Scope.CASES}
_SUPERVISOR = {S: Scope.CASES}
_ADMIN = {A: Scope.ALL}

# action -> {role: scope}. An action's kind is the part before the dot.
RULES: dict[str, dict[Role, Scope]] = {
    "home.view": _EVERYONE,
    "account.manage": _EVERYONE,
    # person-level case data
    "case.list": _CASE_WORK, "case.view": _CASE_WORK, "case.create": _CASE_WORK,
    "case.edit": _CASE_WORK, "case.reveal": _CASE_WORK, "case.change_status": _CASE_WORK,
    "case.approve_closure": _SUPERVISOR,
    "case.print": _CASE_WORK,
    "client.view": _CASE_WORK, "client.create": _CASE_WORK, "client.edit": _CASE_WORK,
    "client.reveal": _CASE_WORK,
    "incident.create": _CASE_WORK, "incident.edit": _CASE_WORK,
    "risk.assess": _CASE_WORK, "risk.list": _CASE_WORK,
    "measure.create": _CASE_WORK, "measure.edit": _CASE_WORK,
    "consent.create": _CASE_WORK, "consent.withdraw": _CASE_WORK,
    "consultation.create": _CASE_WORK, "consultation.edit": _CASE_WORK,
    "consultation.list": _CASE_WORK,
    "complaint.list": _CASE_WORK, "complaint.view": _CASE_WORK, "complaint.create": _CASE_WORK,
    "complaint.edit": _CASE_WORK, "complaint.change_status": _CASE_WORK,
    "attachment.upload": _CASE_WORK, "attachment.download": _CASE_WORK,
    "attachment.delete": _SUPERVISOR,
    "document.lookup": {S: Scope.SUBTREE, A: Scope.ALL},
    "referral.list": _CASE_WORK, "referral.view": _CASE_WORK, "referral.create": _CASE_WORK,
    "referral.edit": _CASE_WORK, "referral.act": _CASE_WORK, "referral.print_slip": _CASE_WORK,
    "referral.override": _SUPERVISOR, "referral.review": _SUPERVISOR,
    "indicator.worklist": _SUPERVISOR,
    # aggregates
    "report.view": {S: Scope.REPORTS, ST: Scope.REPORTS},
    "report.export": {S: Scope.REPORTS, ST: Scope.REPORTS},
    # the organisation and its directories
    "provider.view": {C: Scope.SERVED, S: Scope.SUBTREE, A: Scope.ALL},
    "provider.edit": {S: Scope.SUBTREE, A: Scope.ALL},
    "unit.view": {S: Scope.SUBTREE, A: Scope.ALL},
    "unit.manage": _ADMIN,
    "import.run": {S: Scope.SUBTREE, A: Scope.ALL},
    "audit.view": {S: Scope.SUBTREE, A: Scope.ALL},
    "audit.verify": _ADMIN,
    # administration
    "service_type.manage": _ADMIN,
    "indicator.settings": _ADMIN,
    "settings.manage": _ADMIN,
    "user.manage": _ADMIN,
}


def kind_of(action: str) -> str:
    return action.split(".", 1)[0]


def _role(user: User | None) -> Role | None:
    u = user if user is not None else current_user
    if not getattr(u, "is_authenticated", False):
        return None
    return u.role  # type: ignore[union-attr]


def allowed(action: str, user: User | None = None) -> bool:
    """May the user's role take ``action`` at all (on records of her scope)?"""
    return _role(user) in RULES[action]


def sees_kind(kind: str, user: User | None = None) -> bool:
    """Does the user's role reach any record of this kind?"""
    role = _role(user)
    return any(role in roles for action, roles in RULES.items() if kind_of(action) == kind)


def scope_of(action: str, user: User | None = None) -> Scope | None:
    role = _role(user)
    return RULES[action].get(role) if role is not None else None


def refuse(action: str, user: User | None = None) -> None:
    """Answer a refused action by the refusal rule (the record, if any, is already in scope)."""
    abort(403 if sees_kind(kind_of(action), user) else 404)


def require(action: str, user: User | None = None) -> None:
    """Abort unless the user's role may take ``action``. Call it after loading the record
    through its scoped loader, so a record out of scope has already answered 404."""
    if action not in RULES:
        raise KeyError(f"no rule for {action!r}")
    if not allowed(action, user):
        refuse(action, user)


def requires(action: str, *, load: Callable[..., Any] | None = None) -> Callable[[F], F]:
    """Declare the action a route takes, and refuse it by the refusal rule.

    ``load`` is the route's scoped loader (it receives the route's URL arguments and answers
    404 outside the user's scope): when the role may see the kind but not take the action,
    the record is loaded first, so a record out of scope still answers 404, not 403.
    """
    if action not in RULES:
        raise KeyError(f"no rule for {action!r}")

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not allowed(action):
                if load is not None and sees_kind(kind_of(action)):
                    load(**kwargs)
                refuse(action)
            return view(*args, **kwargs)

        wrapper.policy_action = action  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def action_of(view: Callable[..., Any]) -> str | None:
    """The action a view function declared, if any."""
    return getattr(view, "policy_action", None)
