"""The policy table and the one refusal rule: 404 for what a role cannot see, 403 for what it
may see but not do."""

from __future__ import annotations

import pytest
from flask_login import login_user
from werkzeug.exceptions import Forbidden, NotFound

from caseapp.auth.models import Role
from caseapp.policy import RULES, allowed, kind_of, requires, sees_kind


def test_every_rule_names_known_roles_and_a_kind() -> None:
    for action, roles in RULES.items():
        assert "." in action and kind_of(action), action
        assert roles and set(roles) <= set(Role), action


def test_unknown_action_cannot_be_declared() -> None:
    with pytest.raises(KeyError):
        requires("case.teleport")


def _call(app, user, view, **kwargs):
    with app.test_request_context():
        login_user(user)
        return view(**kwargs)


def test_refusal_rule(app, make) -> None:
    unit = make.unit()
    counselor = make.user("counselor", unit)
    statistics = make.user("statistics", unit)
    loaded: list[int] = []

    def load(record_id: int) -> None:
        loaded.append(record_id)

    @requires("referral.override", load=load)
    def override(record_id: int) -> str:
        return "done"

    # A counselor sees referrals but may not override one: the record is loaded through its
    # scoped loader first (404 outside her scope), then refused with 403.
    assert allowed("referral.view", counselor) and not allowed("referral.override", counselor)
    with pytest.raises(Forbidden):
        _call(app, counselor, override, record_id=7)
    assert loaded == [7]
    # Statistics staff see no referral at all: 404, and nothing is loaded.
    assert not sees_kind("referral", statistics)
    with pytest.raises(NotFound):
        _call(app, statistics, override, record_id=8)
    assert loaded == [7]
    # A supervisor may.
    assert _call(app, make.user("supervisor", unit), override, record_id=9) == "done"


def test_a_route_without_an_action_is_reached_by_nobody(app, make, login_as) -> None:
    app.add_url_rule("/forgotten", "forgotten", lambda: "case data")
    app.add_url_rule("/declared", "declared", requires("home.view")(lambda: "home"))
    c = login_as(make.user("supervisor", make.unit()))
    assert c.get("/forgotten").status_code == 404
    assert c.get("/declared").get_data(as_text=True) == "home"
