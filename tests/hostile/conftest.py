"""A populated world for the hostile-input tests: every role, records of every kind, referrals
in several states (so each of their action forms is on a page), and records of a sibling unit
whose ids are thrown at unit A's forms.

Hypothesis settings: the "ci" profile is small and derandomised so CI is repeatable; run
longer by hand with ``CASEAPP_FUZZ_PROFILE=long`` (or ``=deep``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyotp
import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, settings

from caseapp.complaints.models import Complaint
from caseapp.db import db
from caseapp.referrals.models import Referral, ReferralState
from tests.access.test_matrix import build_matrix_world, expected_for_rule, world_users
from tests.auth.helpers import code_at
from tests.factories import Factory
from tests.hostile.crawl import SiteMap, crawl
from tests.records.world import World

# No "explain" phase: it re-runs failing examples under a tracer, which costs minutes here.
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)
_COMMON = dict(deadline=None, database=None, print_blob=True, phases=_PHASES,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.filter_too_much, HealthCheck.large_base_example])
settings.register_profile("hostile-ci", max_examples=2, derandomize=True, **_COMMON)
settings.register_profile("hostile-long", max_examples=60, **_COMMON)
settings.register_profile("hostile-deep", max_examples=400, **_COMMON)


def fuzz_settings() -> settings:
    return settings.get_profile("hostile-" + os.environ.get("CASEAPP_FUZZ_PROFILE", "ci"))


# Who renders the pages and posts the forms: the first of these allowed by the access matrix.
ROLE_ORDER = ("supervisor_a", "counselor_a", "admin", "supervisor_p", "statistics")
# Account screens act on the user who posts (password, two-factor, sessions): a dedicated user
# of unit A, logged in afresh, so the other roles' sessions survive.
SELF = "self"
ANON = "anonymous"


@dataclass
class FuzzWorld:
    world: World
    ids: dict[str, int]
    clients: dict[str, FlaskClient]
    self_user: Any
    mfa_user: Any
    other_ids: list[str]
    site: SiteMap

    def client_for(self, app: Flask, endpoint: str, role: str) -> FlaskClient:
        """The client that posts one example: own-account forms get a fresh session each."""
        if endpoint == "auth.totp_verify":
            return login(app, self.mfa_user, expect_mfa=True)
        if role == SELF:
            return login(app, self.self_user)
        if role == ANON:
            return app.test_client()
        return self.clients[role]

    def role_for(self, rule: Any) -> str | None:
        """The role that exercises a route, or None where the matrix says it is public/own."""
        expected = expected_for_rule(current_app, rule)
        if expected == "public":
            return ANON
        if expected == "session" or rule.endpoint.startswith("auth."):
            return SELF
        if not isinstance(expected, dict):
            return None
        return next((r for r in ROLE_ORDER if expected.get(r)), None)


def login(app: Flask, user: Any, expect_mfa: bool = False) -> FlaskClient:
    """A client past the password step (and, for a two-factor user, waiting for the code)."""
    c = app.test_client()
    resp = c.post("/auth/login", data={"username": user.username, "password": Factory.PASSWORD})
    assert resp.status_code == 302, "login failed in test setup"
    if expect_mfa:
        assert c.get("/").headers.get("Location", "").endswith("/auth/totp")
    return c


def _user_in_every_state(make: Factory, w: World) -> Any:
    """An account that is locked, deactivated and has two-factor on: every admin action."""
    u = make.user("counselor", w.a, username="fuzz.locked", failed_logins=5,
                  locked_until=datetime(2026, 6, 15, 4, 0, tzinfo=UTC), active=False,
                  totp_secret=pyotp.random_base32(), totp_enabled=True)
    return u


@pytest.fixture
def hostile_world(app: Flask, make: Factory) -> FuzzWorld:
    """The world and logged-in clients, without the crawl (for tests that know their pages)."""
    return _build(app, make, crawl_pages=False)


@pytest.fixture
def fuzz_world(app: Flask, make: Factory) -> FuzzWorld:
    return _build(app, make, crawl_pages=True)


def _build(app: Flask, make: Factory, crawl_pages: bool) -> FuzzWorld:
    from tests.access.test_matrix import url_for_rule

    w, ids = build_matrix_world(make)
    # The seeded petition's code was not drawn from the code sequence, which would hand it out
    # again to the first petition the fuzzer files.
    complaint = db.session.get(Complaint, ids["complaint_id"])
    complaint.code = "DT.A.2025.9999"
    db.session.commit()
    for state in (ReferralState.SUBMITTED, ReferralState.APPROVED, ReferralState.SENT,
                  ReferralState.ACCEPTED):
        make.referral(w.case, state)
    other_case = make.case(w.b)
    other_ids = sorted({str(v) for v in (w.b.id, other_case.id, other_case.client_id,
                                         w.counselor_b.id, w.supervisor_b.id)})
    self_user = make.user("counselor", w.a, username="fuzz.self")
    mfa_user = make.user("counselor", w.a, username="fuzz.mfa",
                         totp_secret=pyotp.random_base32(), totp_enabled=True)
    locked = _user_in_every_state(make, w)
    clients = {role: login(app, user) for role, user in world_users(w).items()}
    login(app, self_user)  # a second session, so the page offers to end the others
    clients[SELF] = login(app, self_user)
    clients[ANON] = app.test_client()
    fw = FuzzWorld(w, ids, clients, self_user, mfa_user, other_ids, SiteMap())
    if not crawl_pages:
        return fw

    pages: list[tuple[str, str]] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        role = fw.role_for(rule)
        if "GET" not in rule.methods or role is None or rule.endpoint == "static":
            continue
        url = url_for_rule(rule, ids)
        pages.append((role, url))
        # Administrators see some forms on shared pages that supervisors do not.
        expected = expected_for_rule(app, rule)
        if role != "admin" and isinstance(expected, dict) and expected.get("admin"):
            pages.append(("admin", url))
    # Each referral state shows its own action forms.
    pages += [("supervisor_a", f"/referrals/{rid}") for rid in
              db.session.scalars(db.select(Referral.id).order_by(Referral.id))]
    pages.append(("admin", f"/admin/users/{locked.id}"))
    clients["mfa_pending"] = login(app, mfa_user, expect_mfa=True)
    pages.append(("mfa_pending", "/auth/totp"))
    # The form to turn two-factor off is on the account page of a user who has it on.
    pages.append((_mfa_full(app, mfa_user, clients), "/auth/account"))
    fw.site = crawl(app, pages, clients)
    return fw


def _mfa_full(app: Flask, user: Any, clients: dict[str, FlaskClient]) -> str:
    c = login(app, user, expect_mfa=True)
    resp = c.post("/auth/totp", data={"code": code_at(app, user.totp_secret)})
    assert resp.status_code == 302, "two-factor login failed in test setup"
    clients["mfa_full"] = c
    return "mfa_full"


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    # Throttling would lock the fuzz users out after a few wrong passwords or codes; it has
    # its own tests in tests/auth. A small attachment limit lets uploads cross it.
    return {"LOGIN_MAX_FAILURES": 10**6, "LOGIN_MAX_PER_ADDRESS": 10**6,
            "ATTACHMENT_MAX_BYTES": 4096}
