"""The access matrix: every route in the app, every role, records of two sibling units.

Each endpoint is classified below. A route nobody classified fails the test, so no future
route escapes it. Routes taking an id are filled with records of unit A; users of the
sibling unit B, statistics users and administrators must get 404 for all of them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from caseapp.db import db
from caseapp.referrals.models import Provider, ProviderKind, ReferralState
from tests.factories import Factory
from tests.records.world import World, add_records, build_world

IN_SCOPE = ("counselor_a", "supervisor_a", "supervisor_p")
OUTSIDERS = ("counselor_b", "supervisor_b", "statistics", "admin")
ROLES = IN_SCOPE + OUTSIDERS


def _only(*allowed: str) -> dict[str, bool]:
    return {role: role in allowed for role in ROLES}


CASE_DATA = _only(*IN_SCOPE)
CASE_WORK = _only("counselor_a", "supervisor_a", "supervisor_p", "counselor_b", "supervisor_b")
SUPERVISORS = _only("supervisor_a", "supervisor_p", "supervisor_b")
ADMIN = _only("admin")
REPORTERS = _only("supervisor_a", "supervisor_p", "supervisor_b", "statistics")
EVERYONE = _only(*ROLES)
SUPERVISOR_OR_ADMIN = _only("supervisor_a", "supervisor_p", "supervisor_b", "admin")

# Endpoint -> which roles may reach it (True) or must get 404 (False).
MATRIX: dict[str, dict[str, bool] | str] = {
    # public, or covered by their own tests because they end the session
    "main.health": "public", "auth.login": "public", "static": "public",
    "main.set_language": "public", "auth.logout": "session", "auth.end_other_sessions": "session",
    "auth.totp_verify": "session", "auth.totp_enrol": "session", "auth.totp_disable": "session",
    "main.index": EVERYONE, "auth.account": EVERYONE, "auth.change_password": EVERYONE,
    # person-level case data, scoped to unit A's records
    "cases.view": CASE_DATA, "cases.edit": CASE_DATA, "cases.reveal": CASE_DATA,
    "cases.status": CASE_DATA, "cases.new": CASE_DATA,
    "clients.view": CASE_DATA, "clients.edit": CASE_DATA, "clients.reveal": CASE_DATA,
    "incidents.new": CASE_DATA, "incidents.edit": CASE_DATA,
    "risk.new": CASE_DATA, "measures.new": CASE_DATA, "measures.edit": CASE_DATA,
    "consents.new": CASE_DATA, "consents.withdraw": CASE_DATA,
    "consultations.new": CASE_DATA, "consultations.edit": CASE_DATA,
    "complaints.view": CASE_DATA, "complaints.edit": CASE_DATA, "complaints.status": CASE_DATA,
    "attachments.upload_case": CASE_DATA, "attachments.upload_complaint": CASE_DATA,
    "attachments.download": CASE_DATA,
    # Walked last, outsiders first: the first allowed supervisor really deletes it.
    "attachments.delete": _only("supervisor_a"),
    "documents.print_case": CASE_DATA, "documents.print_slip": CASE_DATA,
    # lists and forms of case work (each scoped inside)
    "cases.index": CASE_WORK, "clients.new": CASE_WORK, "complaints.index": CASE_WORK,
    "complaints.new": CASE_WORK, "complaints.overdue": CASE_WORK,
    "consultations.followups": CASE_WORK, "risk.high": CASE_WORK,
    # aggregates and supervision
    "indicator.dashboard": REPORTERS, "reports.index": REPORTERS, "reports.export": REPORTERS,
    "indicator.worklist": SUPERVISORS, "documents.lookup": SUPERVISOR_OR_ADMIN,
    "imports.index": SUPERVISOR_OR_ADMIN, "imports.template": SUPERVISOR_OR_ADMIN,
    "audit.index": SUPERVISOR_OR_ADMIN, "audit.verify": ADMIN,
    # referrals: the workflow on unit A's referral, worklists, the provider directory
    "referrals.view": CASE_DATA, "referrals.edit": CASE_DATA, "referrals.act": CASE_DATA,
    "referrals.new": CASE_DATA, "referrals.override": _only("supervisor_a", "supervisor_p"),
    "referrals.mine": CASE_WORK, "referrals.review": SUPERVISORS,
    "referrals.high_risk": SUPERVISORS,
    "referrals.providers": _only("counselor_a", "supervisor_a", "supervisor_p", "counselor_b",
                                 "supervisor_b", "admin"),
    "referrals.provider_edit": SUPERVISOR_OR_ADMIN,
    "referrals.service_types": ADMIN, "referrals.service_type_edit": ADMIN,
    # administration
    "indicator.settings": ADMIN, "settings.work_rules": ADMIN,
    "units.index": SUPERVISOR_OR_ADMIN,
    "units.detail": _only("supervisor_a", "supervisor_p", "admin"),  # own subtree only
    "units.create": ADMIN, "units.rename": ADMIN, "units.move": ADMIN, "units.retire": ADMIN,
    "units.merge": ADMIN, "units.kinds": ADMIN, "units.edit_kind": ADMIN,
}
# Where one endpoint serves several URLs with different rules.
RULE_MATRIX: dict[str, dict[str, bool]] = {
    # a provider of unit A is maintained by supervisors above A and by admins
    "/referrals/providers/<int:provider_id>/edit": _only("supervisor_a", "supervisor_p", "admin"),
}
ADMIN_PREFIX = "admin."


def expected_for(endpoint: str) -> dict[str, bool] | str | None:
    if endpoint.startswith(ADMIN_PREFIX):
        return ADMIN
    return MATRIX.get(endpoint)


def test_every_route_is_classified(app: Flask) -> None:
    unclassified = sorted({r.endpoint for r in app.url_map.iter_rules()
                           if expected_for(r.endpoint) is None})
    assert not unclassified, f"classify these routes in the access matrix: {unclassified}"


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
    w, ids = matrix_world
    clients = {role: login_as(user) for role, user in world_users(w).items()}
    problems = []
    destructive = {"attachments.delete"}
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in destructive, r.rule))
    for rule in rules:
        expected = RULE_MATRIX.get(rule.rule) or expected_for(rule.endpoint)
        if not isinstance(expected, dict):
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        url = url_for_rule(rule, ids)
        for role in OUTSIDERS + IN_SCOPE:
            resp = clients[role].open(url, method=method)
            status = resp.status_code
            if status >= 500:
                problems.append(f"{role} {method} {url}: {status}")
            elif expected[role] and status == 404:
                problems.append(f"{role} {method} {url}: 404, should reach it")
            elif not expected[role] and status not in (403, 404):
                problems.append(f"{role} {method} {url}: {status}, should be refused")
            elif (not expected[role] and role in OUTSIDERS and "<int:" in rule.rule
                  and status != 404):
                problems.append(f"{role} {method} {url}: {status}, ids outside scope are 404")
    assert not problems, "\n".join(problems)
