from __future__ import annotations

from caseapp.auth.passwords import verify_password
from tests.auth.helpers import audit_actions, fresh, location, login, open_sessions
from tests.factories import Factory

NEW = "a brand new passphrase"


def test_account_page_lists_own_sessions(app, make) -> None:
    user = make.user()
    c1, c2 = app.test_client(), app.test_client()
    login(c1, user.username, Factory.PASSWORD)
    login(c2, user.username, Factory.PASSWORD)
    other = make.user()
    login(app.test_client(), other.username, Factory.PASSWORD)
    html = c1.get("/auth/account").get_data(as_text=True)
    assert user.username in html
    assert html.count("<tr><td>") == 2


def test_change_password_ends_other_sessions(app, make) -> None:
    user = make.user()
    c1, c2 = app.test_client(), app.test_client()
    login(c1, user.username, Factory.PASSWORD)
    login(c2, user.username, Factory.PASSWORD)
    resp = c1.post("/auth/password", data={"current": Factory.PASSWORD, "new": NEW,
                                           "confirm": NEW})
    assert resp.status_code == 302
    assert verify_password(fresh(user).password_hash, NEW)
    assert c1.get("/").status_code == 200
    assert location(c2.get("/")).endswith("/auth/login")
    assert open_sessions(user) == 1
    assert "auth.password_change" in audit_actions(user.id)


def test_change_password_refusals_change_nothing(app, make) -> None:
    user = make.user()
    c = app.test_client()
    login(c, user.username, Factory.PASSWORD)
    c.post("/language", data={"lang": "en"})
    before = fresh(user).password_hash
    cases = [
        ({"current": "wrong current pw", "new": NEW, "confirm": NEW},
         "The current password is wrong."),
        ({"current": Factory.PASSWORD, "new": "short", "confirm": "short"}, "at least 12"),
        ({"current": Factory.PASSWORD, "new": "matkhau123456", "confirm": "matkhau123456"},
         "too common"),
        ({"current": Factory.PASSWORD, "new": NEW, "confirm": NEW + "x"},
         "The two passwords differ."),
        ({"current": Factory.PASSWORD, "new": Factory.PASSWORD,
          "confirm": Factory.PASSWORD}, "must differ"),
    ]
    for data, message in cases:
        resp = c.post("/auth/password", data=data)
        assert resp.status_code == 200
        assert message in resp.get_data(as_text=True), message
        assert fresh(user).password_hash == before
    assert "auth.password_change" not in audit_actions(user.id)


def test_must_change_password_redirects_until_changed(app, make) -> None:
    user = make.user(must_change_password=True)
    c = app.test_client()
    login(c, user.username, Factory.PASSWORD)
    for path in ("/", "/auth/account"):
        resp = c.get(path)
        assert location(resp).endswith("/auth/password"), path
    assert c.get("/auth/password").status_code == 200
    c.post("/auth/password", data={"current": Factory.PASSWORD, "new": NEW, "confirm": NEW})
    assert not fresh(user).must_change_password
    assert c.get("/").status_code == 200


def test_end_other_sessions(app, make) -> None:
    user = make.user()
    c1, c2 = app.test_client(), app.test_client()
    login(c1, user.username, Factory.PASSWORD)
    login(c2, user.username, Factory.PASSWORD)
    assert c1.post("/auth/sessions/end-others").status_code == 302
    assert c1.get("/").status_code == 200
    assert c2.get("/").status_code == 302
