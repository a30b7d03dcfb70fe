"""Every route of these areas names its action in the policy table."""

from __future__ import annotations

from flask import Flask

from caseapp.policy import RULES, action_of
from caseapp.security import PUBLIC_ENDPOINTS

AREAS = ("referrals", "documents", "units", "admin", "auth", "settings", "audit", "imports",
         "indicator", "reports")


def test_every_route_of_these_areas_declares_an_action(app: Flask) -> None:
    missing = []
    for rule in app.url_map.iter_rules():
        area = rule.endpoint.split(".", 1)[0]
        if area not in AREAS or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        action = action_of(app.view_functions[rule.endpoint])
        if action not in RULES:
            missing.append(f"{rule.endpoint} ({rule.rule}): {action!r}")
    assert not missing, "routes without a policy action:\n" + "\n".join(missing)


def test_the_login_page_stays_public(app: Flask) -> None:
    assert action_of(app.view_functions["auth.login"]) is None
