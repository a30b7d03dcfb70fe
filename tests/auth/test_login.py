from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from caseapp.auth.models import LoginAttempt
from caseapp.auth.passwords import hash_password
from caseapp.clock import advance
from caseapp.db import db
from tests.auth.helpers import COOKIE, audit_rows, fresh, location, login, open_sessions
from tests.factories import Factory

GENERIC = "Wrong username or password, or the account is locked."


def _en(client) -> None:
    client.post("/language", data={"lang": "en"})


def test_login_success_opens_session_and_lands_on_home(app, client, make) -> None:
    user = make.user()
    resp = login(client, user.username, Factory.PASSWORD)
    assert resp.status_code == 302 and location(resp).endswith("/")
    page = client.get("/")
    assert page.status_code == 200
    assert user.full_name in page.get_data(as_text=True)
    assert open_sessions(user) == 1
    assert fresh(user).last_login_at == app.config["CLOCK_NOW"]
    assert audit_rows("auth.login")[-1].object_id == user.id


def test_wrong_password_and_unknown_user_get_the_same_answer(client, make) -> None:
    user = make.user()
    _en(client)
    wrong = login(client, user.username, "not the password at all")
    unknown = login(client, "nobody.here", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    wrong_text, unknown_text = wrong.get_data(as_text=True), unknown.get_data(as_text=True)
    assert GENERIC in wrong_text and GENERIC in unknown_text
    # Apart from the echoed username the two pages are identical.
    assert wrong_text.replace(user.username, "X") == unknown_text.replace("nobody.here", "X")
    assert client.get("/").status_code == 302
    assert fresh(user).failed_logins == 1


def test_lockout_after_five_failures_and_release_after_fifteen_minutes(app, client,
                                                                       make) -> None:
    user = make.user()
    for _ in range(5):
        login(client, user.username, "wrong password number x")
    locked = fresh(user)
    assert locked.locked_until == app.config["CLOCK_NOW"] + timedelta(minutes=15)
    # Even the right password is refused while locked, with the same message.
    _en(client)
    resp = login(client, user.username, Factory.PASSWORD)
    assert resp.status_code == 200 and GENERIC in resp.get_data(as_text=True)
    advance(app, timedelta(minutes=14))
    assert login(client, user.username, Factory.PASSWORD).status_code == 200
    advance(app, timedelta(minutes=1, seconds=1))
    resp = login(client, user.username, Factory.PASSWORD)
    assert resp.status_code == 302
    assert fresh(user).failed_logins == 0 and fresh(user).locked_until is None


def test_per_address_throttle_blocks_even_correct_passwords(app, make) -> None:
    app.config["LOGIN_MAX_PER_ADDRESS"] = 3
    victim = make.user()
    client = app.test_client()
    for i in range(3):
        login(client, f"guess{i}", "some wrong password")
    assert login(client, victim.username, Factory.PASSWORD).status_code == 200
    # Another address is not affected.
    other = app.test_client()
    resp = other.post("/auth/login", data={"username": victim.username,
                                           "password": Factory.PASSWORD},
                      environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert resp.status_code == 302
    # The window passes and the first address may try again.
    advance(app, timedelta(minutes=16))
    assert login(client, victim.username, Factory.PASSWORD).status_code == 302
    reasons = [a.success for a in db.session.scalars(sa.select(LoginAttempt))]
    assert reasons.count(False) == 4


def test_password_rehashed_on_login_when_parameters_change(app, client, make) -> None:
    user = make.user()
    old_hash = fresh(user).password_hash
    assert "m=1024,t=1" in old_hash
    app.config["PASSWORD_HASH_PARAMS"] = {"time_cost": 2, "memory_cost": 2048,
                                          "parallelism": 1}
    assert login(client, user.username, Factory.PASSWORD).status_code == 302
    new_hash = fresh(user).password_hash
    assert new_hash != old_hash and "m=2048,t=2" in new_hash
    assert new_hash.startswith("$argon2id$")
    # The new hash still verifies the same password.
    client.post("/auth/logout")
    assert login(client, user.username, Factory.PASSWORD).status_code == 302


def test_deactivated_user_cannot_log_in(client, make) -> None:
    user = make.user(active=False)
    assert login(client, user.username, Factory.PASSWORD).status_code == 200
    assert client.get("/").status_code == 302


def test_new_session_id_at_login(client, make) -> None:
    user = make.user()
    login(client, user.username, Factory.PASSWORD)
    first = client.get_cookie(COOKIE).value
    client.post("/auth/logout")
    login(client, user.username, Factory.PASSWORD)
    second = client.get_cookie(COOKIE).value
    assert first != second
    assert open_sessions(user) == 1
    # The earlier cookie does not come back to life.
    replay = client.application.test_client()
    replay.set_cookie(COOKIE, first)
    assert replay.get("/").status_code == 302


def test_preexisting_anonymous_session_is_replaced_at_login(client, make) -> None:
    user = make.user()
    client.post("/language", data={"lang": "en"})
    before = client.get_cookie(COOKIE).value
    login(client, user.username, Factory.PASSWORD)
    after = client.get_cookie(COOKIE).value
    assert before != after
    # Only the language choice is carried over into the new session.
    assert 'lang="en"' in client.get("/").get_data(as_text=True)


def test_logout_revokes_server_session_and_old_cookie_is_useless(client, make) -> None:
    user = make.user()
    login(client, user.username, Factory.PASSWORD)
    stolen = client.get_cookie(COOKIE).value
    assert client.post("/auth/logout").status_code == 302
    assert open_sessions(user) == 0
    client.set_cookie(COOKIE, stolen)
    resp = client.get("/")
    assert resp.status_code == 302 and location(resp).endswith("/auth/login")


def test_idle_timeout(app, client, make) -> None:
    user = make.user()
    login(client, user.username, Factory.PASSWORD)
    advance(app, timedelta(minutes=29))
    assert client.get("/").status_code == 200
    advance(app, timedelta(minutes=29))  # activity above kept it alive
    assert client.get("/").status_code == 200
    advance(app, timedelta(minutes=31))
    resp = client.get("/")
    assert resp.status_code == 302 and location(resp).endswith("/auth/login")
    assert open_sessions(user) == 0


def test_absolute_timeout_even_when_active(app, client, make) -> None:
    user = make.user()
    login(client, user.username, Factory.PASSWORD)
    for _ in range(24):
        advance(app, timedelta(minutes=29))
        if client.get("/").status_code != 200:
            break
    # 24 x 29 min = 11 h 36 min: still inside 12 h.
    assert client.get("/").status_code == 200
    advance(app, timedelta(minutes=25))
    resp = client.get("/")
    assert resp.status_code == 302 and location(resp).endswith("/auth/login")


def test_session_cookie_is_httponly_and_samesite(client, make) -> None:
    user = make.user()
    resp = login(client, user.username, Factory.PASSWORD)
    header = next(h for h in resp.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    assert "HttpOnly" in header
    assert "SameSite=Strict" in header


def test_login_stores_hash_only(make) -> None:
    user = make.user()
    assert fresh(user).password_hash != Factory.PASSWORD
    assert hash_password(Factory.PASSWORD) != fresh(user).password_hash
