from __future__ import annotations

from datetime import timedelta

from caseapp.clock import advance
from caseapp.db import db
from caseapp.settings.services import set_setting
from tests.auth.helpers import (
    COOKIE,
    audit_actions,
    code_at,
    fresh,
    location,
    login,
    open_sessions,
)
from tests.factories import Factory


def _enrol(app, client, user) -> str:
    page = client.get("/auth/totp/enrol")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html
    # Drawn on the server: no inline script, no image fetched from elsewhere.
    assert html.count("<script") == html.count('<script src="/static/')
    assert "<img" not in html
    secret = fresh(user).totp_secret
    assert secret and secret.replace(" ", "")[:4] in html.replace(" ", "")
    resp = client.post("/auth/totp/enrol", data={"code": code_at(app, secret)})
    assert resp.status_code == 302
    return secret


def test_enrolment_stores_encrypted_secret_and_turns_on(app, client, make) -> None:
    user = make.user()
    login(client, user.username, Factory.PASSWORD)
    # A wrong code does not turn it on.
    client.get("/auth/totp/enrol")
    resp = client.post("/auth/totp/enrol", data={"code": "000000"})
    assert resp.status_code == 200
    assert not fresh(user).totp_enabled
    secret = _enrol(app, client, user)
    assert fresh(user).totp_enabled
    raw = db.session.execute(db.text("SELECT totp_secret FROM users WHERE id = :i"),
                             {"i": user.id}).scalar()
    assert raw and secret not in raw
    assert "auth.totp_enable" in audit_actions(user.id)


def test_qr_code_is_stable_until_confirmed(app, client, make) -> None:
    user = make.user()
    login(client, user.username, Factory.PASSWORD)
    client.get("/auth/totp/enrol")
    first = fresh(user).totp_secret
    client.get("/auth/totp/enrol")
    assert fresh(user).totp_secret == first


def test_login_with_totp_and_replay_refused(app, make) -> None:
    user = make.user()
    c1 = app.test_client()
    login(c1, user.username, Factory.PASSWORD)
    secret = _enrol(app, c1, user)
    c1.post("/auth/logout")
    advance(app, timedelta(seconds=30))

    c2 = app.test_client()
    resp = login(c2, user.username, Factory.PASSWORD)
    assert resp.status_code == 302
    # Password alone is not enough.
    resp = c2.get("/")
    assert resp.status_code == 302 and location(resp).endswith("/auth/totp")
    before = c2.get_cookie(COOKIE).value
    code = code_at(app, secret)
    assert c2.post("/auth/totp", data={"code": code}).status_code == 302
    assert c2.get("/").status_code == 200
    # The session id changed when the second factor passed.
    assert c2.get_cookie(COOKIE).value != before
    old = app.test_client()
    old.set_cookie(COOKIE, before)
    assert location(old.get("/")).endswith("/auth/login")

    # The same code cannot be used again, not even within its 30 seconds.
    c3 = app.test_client()
    login(c3, user.username, Factory.PASSWORD)
    resp = c3.post("/auth/totp", data={"code": code})
    assert resp.status_code == 200
    assert location(c3.get("/")).endswith("/auth/totp")
    # The next code works.
    advance(app, timedelta(seconds=30))
    assert c3.post("/auth/totp", data={"code": code_at(app, secret)}).status_code == 302
    assert c3.get("/").status_code == 200
    assert audit_actions(user.id).count("auth.mfa_passed") == 2
    assert "auth.mfa_failed" in audit_actions(user.id)


def test_wrong_codes_count_toward_lockout(app, make) -> None:
    user = make.user()
    c = app.test_client()
    login(c, user.username, Factory.PASSWORD)
    secret = _enrol(app, c, user)
    c.post("/auth/logout")
    c = app.test_client()
    login(c, user.username, "a wrong password here")  # one password failure
    login(c, user.username, Factory.PASSWORD)
    for _ in range(3):
        assert c.post("/auth/totp", data={"code": "123456"}).status_code == 200
    resp = c.post("/auth/totp", data={"code": "654321"})  # the fifth failure
    assert location(resp).endswith("/auth/login")
    u = fresh(user)
    assert u.locked_until is not None
    assert open_sessions(user) == 0
    # Locked: a correct password and code do not get in.
    advance(app, timedelta(seconds=30))
    c = app.test_client()
    assert login(c, user.username, Factory.PASSWORD).status_code == 200
    assert c.get("/").status_code == 302
    assert secret


def test_mandatory_role_is_sent_to_enrolment_first(app, make) -> None:
    set_setting("mfa_required_roles", ["supervisor"])
    db.session.commit()
    sup = make.user("supervisor")
    c = app.test_client()
    login(c, sup.username, Factory.PASSWORD)
    for path in ("/", "/auth/account", "/auth/password"):
        resp = c.get(path)
        assert resp.status_code == 302 and location(resp).endswith("/auth/totp/enrol"), path
    _enrol(app, c, sup)
    assert c.get("/").status_code == 200
    # A counselor is not affected.
    counselor = make.user("counselor")
    c2 = app.test_client()
    login(c2, counselor.username, Factory.PASSWORD)
    assert c2.get("/").status_code == 200


def test_production_config_requires_mfa_for_admin_and_supervisor(app) -> None:
    from config import ProductionConfig

    assert set(ProductionConfig.MFA_REQUIRED_ROLES) == {"admin", "supervisor"}


def test_disable_own_totp_needs_password_and_an_optional_role(app, make) -> None:
    user = make.user()
    c = app.test_client()
    login(c, user.username, Factory.PASSWORD)
    _enrol(app, c, user)
    c.post("/auth/totp/disable", data={"password": "not my password!"})
    assert fresh(user).totp_enabled
    assert fresh(user).failed_logins == 1
    c.post("/auth/totp/disable", data={"password": Factory.PASSWORD})
    u = fresh(user)
    assert not u.totp_enabled and u.totp_secret is None
    assert "auth.totp_disable" in audit_actions(user.id)


def test_cannot_disable_totp_when_role_requires_it(app, make) -> None:
    set_setting("mfa_required_roles", ["supervisor"])
    db.session.commit()
    sup = make.user("supervisor")
    c = app.test_client()
    login(c, sup.username, Factory.PASSWORD)
    _enrol(app, c, sup)
    c.post("/auth/totp/disable", data={"password": Factory.PASSWORD})
    assert fresh(sup).totp_enabled
    assert "auth.totp_disable" not in audit_actions(sup.id)
