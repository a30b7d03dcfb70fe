"""The access matrix: every route in the app, every role, records of two sibling units.

The expectations come from the app's own policy table (``caseapp.policy.RULES``): each route
declares its action, and a route that declares none fails here, so no future route escapes.
Routes taking an id are filled with records of unit A. By the refusal rule, a user whose role
may not see the kind, or whose scope does not reach the record, gets 404; a user who may see
the record but not take the action gets 403.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from caseapp.auth.models import Role
from caseapp.db import db
from caseapp.policy import RULES, Scope, action_of, kind_of
from caseapp.referrals.models import Provider, ProviderKind, ReferralState
from caseapp.security import PUBLIC_ENDPOINTS
from tests.factories import Factory
from tests.records.world import World, add_records, build_world

IN_SCOPE = ("counselor_a", "supervisor_a", "supervisor_p")
OUTSIDERS = ("counselor_b", "supervisor_b", "statistics", "admin")
ROLES = IN_SCOPE + OUTSIDERS
ROLE_OF = {"counselor_a": Role.COUNSELOR, "supervisor_a": Role.SUPERVISOR,
           "supervisor_p": Role.SUPERVISOR, "counselor_b": Role.COUNSELOR,
           "supervisor_b": Role.SUPERVISOR, "statistics": Role.STATISTICS, "admin": Role.ADMIN}
# The records behind every id belong to unit A (under D, under P; B is A's sibling). Which
# users reach them, by the scope their role holds.
REACHES: dict[Scope, frozenset[str]] = {
    Scope.CASES: frozenset({"counselor_a", "supervisor_a", "supervisor_p"}),
    Scope.SUBTREE: frozenset({"counselor_a", "supervisor_a", "supervisor_p"}),
    Scope.SERVED: frozenset(),  # the world's provider serves no unit yet
    Scope.ALL: frozenset(ROLES),
    Scope.REPORTS: frozenset(ROLES),
    Scope.OWN: frozenset(ROLES),
}
# Routes that end or change the session walking them: tested on their own.
SESSION = frozenset({"auth.logout", "auth.end_other_sessions", "auth.totp_verify",
                     "auth.totp_enrol", "auth.totp_disable"})
# Walked last, and by one allowed user only: the first allowed user really deletes it.
DESTRUCTIVE = frozenset({"attachments.delete"})


def expected(action: str, who: str, takes_id: bool) -> int | None:
    """What the policy table says ``who`` gets: None (reached), 403 or 404."""
    role = ROLE_OF[who]
    scope = RULES[action].get(role)
    if scope is not None:
        return None if not takes_id or who in REACHES[scope] else 404
    kind_scopes = [roles[role] for a, roles in RULES.items()
                   if kind_of(a) == kind_of(action) and role in roles]
    if not kind_scopes:
        return 404  # a kind the role cannot see at all
    if takes_id and not any(who in REACHES[s] for s in kind_scopes):
        return 404  # a record out of her scope
    return 403


def expected_for_rule(app: Flask, rule: Any) -> dict[str, bool] | str | None:
    """Who reaches a URL rule: "public", "session" (tested on their own), or each user's
    answer by the policy table (True: reached)."""
    if rule.endpoint in PUBLIC_ENDPOINTS:
        return "public"
    if rule.endpoint in SESSION:
        return "session"
    action = action_of(app.view_functions[rule.endpoint])
    if action is None:
        return None
    takes_id = "<int:" in rule.rule
    return {who: expected(action, who, takes_id) is None for who in ROLES}


def test_every_route_asks_the_policy(app: Flask) -> None:
    unruled = sorted({r.endpoint for r in app.url_map.iter_rules()
                      if r.endpoint not in PUBLIC_ENDPOINTS
                      and action_of(app.view_functions[r.endpoint]) is None})
    assert not unruled, f"these routes take no action of caseapp.policy.RULES: {unruled}"


def url_for_rule(rule: Any, ids: dict[str, int]) -> str:
    def fill(m: re.Match[str]) -> str:
        conv, name = m.group(1) or "", m.group(2)
        if name in ids:
            return str(ids[name])
        if name == "action":
            return "submit" if rule.endpoint == "referrals.act" else "start"
        if name == "code":
            return "commune"
        if name == "fmt":
            return "csv"
        if name == "table":
            return "cases"
        if name == "ext":
            return "csv"
        if name == "filename":
            return "css/app.css"
        raise AssertionError(f"no value for <{conv}{name}> in {rule.rule}")

    return re.sub(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>", fill, rule.rule)


def build_matrix_world(make: Factory) -> tuple[World, dict[str, int]]:
    """The world with one record of every kind, and the ids to fill every route's URL."""
    w = build_world(make)
    ids = add_records(w)
    referral = make.referral(w.case, ReferralState.DRAFT)
    target = make.user("counselor", w.a, username="matrix.target")
    provider = Provider(name="Trạm y tế xã A", kind=ProviderKind.HEALTH, owner_unit_id=w.a.id)
    db.session.add(provider)
    db.session.commit()
    return w, {
        "case_id": ids["case"], "client_id": w.case.client_id, "incident_id": ids["incident"],
        "measure_id": ids["measure"], "consultation_id": ids["consultation"],
        "consent_id": ids["consent"], "complaint_id": ids["complaint"],
        "attachment_id": ids["attachment"], "referral_id": referral.id,
        "assessment_id": ids["risk"], "user_id": target.id, "unit_id": w.a.id,
        "provider_id": provider.id, "type_id": referral.service_type_id,
    }


@pytest.fixture
def matrix_world(make: Factory) -> tuple[World, dict[str, int]]:
    return build_matrix_world(make)


def world_users(w: World) -> dict[str, Any]:
    return {"counselor_a": w.counselor_a, "supervisor_a": w.supervisor_a,
            "supervisor_p": w.supervisor_p, "counselor_b": w.counselor_b,
            "supervisor_b": w.supervisor_b, "statistics": w.statistics, "admin": w.admin}


def test_access_matrix(app: Flask, login_as: Any,
                       matrix_world: tuple[World, dict[str, int]]) -> None:
    """Every route, every role: the running app answers what the policy table says."""
    w, ids = matrix_world
    clients = {role: login_as(user) for role, user in world_users(w).items()}
    problems = []
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in DESTRUCTIVE, r.rule))
    for rule in rules:
        action = action_of(app.view_functions[rule.endpoint])
        if action is None or rule.endpoint in SESSION:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        url = url_for_rule(rule, ids)
        takes_id = "<int:" in rule.rule
        walked = 0
        # Refused users first, so a destructive route is refused before it is allowed once.
        for who in sorted(ROLES, key=lambda r: expected(action, r, takes_id) is None):
            want = expected(action, who, takes_id)
            if want is None and rule.endpoint in DESTRUCTIVE and walked:
                continue
            status = clients[who].open(url, method=method).status_code
            if status >= 500:
                problems.append(f"{who} {method} {url} ({action}): {status}")
            elif want is None and status in (403, 404):
                problems.append(f"{who} {method} {url} ({action}): {status}, should reach it")
            elif want is not None and status != want:
                problems.append(f"{who} {method} {url} ({action}): {status}, policy says {want}")
            walked += want is None
    assert not problems, "\n".join(problems)
