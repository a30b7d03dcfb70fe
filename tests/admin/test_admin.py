from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from caseapp.audit.models import AuditEntry
from caseapp.auth.models import Role, User
from caseapp.auth.passwords import verify_password
from caseapp.clock import now
from caseapp.db import db
from caseapp.units import services as units
from tests.auth.helpers import (
    audit_actions,
    audit_rows,
    code_at,
    fresh,
    location,
    login,
    open_sessions,
)
from tests.factories import Factory

ADMIN_PAGES = [
    ("GET", "/admin/users"),
    ("GET", "/admin/users/new"),
    ("POST", "/admin/users/new"),
    ("GET", "/admin/users/{id}"),
    ("POST", "/admin/users/{id}/role"),
    ("POST", "/admin/users/{id}/deactivate"),
    ("POST", "/admin/users/{id}/reactivate"),
    ("POST", "/admin/users/{id}/unlock"),
    ("POST", "/admin/users/{id}/logout"),
    ("POST", "/admin/users/{id}/reset-totp"),
    ("POST", "/admin/users/{id}/reset-password"),
]


@pytest.fixture
def admin(make) -> User:
    return make.user("admin", username="root.admin")


@pytest.fixture
def as_admin(login_as, admin):
    c = login_as(admin)
    c.post("/language", data={"lang": "en"})
    return c


def _user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0


def _snapshot(user: User) -> tuple:
    u = fresh(user)
    return (u.username, u.full_name, u.role, u.unit_id, u.active, u.password_hash,
            u.must_change_password, u.totp_enabled, u.failed_logins, u.locked_until)


def _audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) or 0


@pytest.mark.parametrize("role", ["counselor", "supervisor", "statistics"])
def test_non_admins_get_404_on_every_admin_page(app, make, login_as, role) -> None:
    target = make.user()
    user = make.user(role)
    c = login_as(user)
    before = _snapshot(target)
    for method, path in ADMIN_PAGES:
        resp = c.open(path.format(id=target.id), method=method,
                      data={"role": "admin", "unit": target.unit.code})
        assert resp.status_code == 404, (role, method, path)
    assert _snapshot(target) == before
    assert fresh(user).role.value == role
    # The admin screens are not offered in the menu either.
    assert "/admin/users" not in c.get("/").get_data(as_text=True)


def test_every_admin_rule_is_covered_by_the_access_test(app) -> None:
    rules = {(m, r.rule) for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")
             for m in r.methods - {"HEAD", "OPTIONS"}}
    covered = {(m, p.replace("{id}", "<int:user_id>")) for m, p in ADMIN_PAGES}
    assert rules == covered


def test_users_list_filters(app, make, as_admin) -> None:
    u1, u2 = make.unit("FA"), make.unit("FB")
    a = make.user("counselor", unit=u1, username="alpha.one")
    make.user("supervisor", unit=u2, username="beta.two")
    make.user("counselor", unit=u2, username="gamma.three", active=False)
    html = as_admin.get("/admin/users").get_data(as_text=True)
    assert all(n in html for n in ("alpha.one", "beta.two", "gamma.three", "root.admin"))
    html = as_admin.get("/admin/users?unit=FB").get_data(as_text=True)
    assert "beta.two" in html and "gamma.three" in html and "alpha.one" not in html
    html = as_admin.get("/admin/users?role=supervisor").get_data(as_text=True)
    assert "beta.two" in html and "alpha.one" not in html
    html = as_admin.get("/admin/users?unit=FB&active=0").get_data(as_text=True)
    assert "gamma.three" in html and "beta.two" not in html
    assert as_admin.get(f"/admin/users/{a.id}").status_code == 200
    assert as_admin.get("/admin/users/999999").status_code == 404


def test_create_user_with_generated_password(app, make, as_admin) -> None:
    unit = make.unit("NEWU")
    resp = as_admin.post("/admin/users/new", data={
        "username": "mai.tran", "full_name": "Trần Thị Mai", "role": "counselor",
        "unit": unit.code, "generate": "y"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.username == "mai.tran"))
    assert user is not None and user.unit_id == unit.id and user.must_change_password
    shown = html.split('<code class="secret">')[1].split("</code>")[0]
    assert verify_password(user.password_hash, shown)
    # The new user logs in with it and must change it first.
    c = app.test_client()
    assert login(c, "mai.tran", shown).status_code == 302
    assert location(c.get("/")).endswith("/auth/password")
    entry = audit_rows("user.create")[-1]
    assert entry.summary.startswith("username=mai.tran")
    assert "Trần" not in entry.summary and shown not in entry.summary


def test_create_user_with_typed_password(app, make, as_admin) -> None:
    unit = make.unit("NEWT")
    pw = "a typed initial passphrase"
    resp = as_admin.post("/admin/users/new", data={
        "username": "lan.le", "full_name": "Lê Lan", "role": "supervisor",
        "unit": unit.code, "password": pw, "confirm": pw})
    assert resp.status_code == 200
    assert pw not in resp.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.username == "lan.le"))
    assert user is not None and user.role == Role.SUPERVISOR
    assert verify_password(user.password_hash, pw) and user.must_change_password


def test_create_user_invalid_input_changes_nothing(app, make, as_admin) -> None:
    unit = make.unit("INV")
    retired = make.unit("OLD")
    units.retire_unit(retired)
    db.session.commit()
    make.user(unit=unit, username="taken.one")
    good = {"username": "fresh.user", "full_name": "Name", "role": "counselor",
            "unit": unit.code, "password": "a typed initial passphrase",
            "confirm": "a typed initial passphrase"}
    cases = [
        ({"username": ""}, "This field is required."),
        ({"full_name": ""}, "This field is required."),
        ({"username": "Bad Name!"}, "A username has 3 to 64"),
        ({"username": "taken.one"}, "already taken"),
        ({"role": "superuser"}, "Not a valid choice"),
        ({"unit": "NOPE"}, "Not a valid choice"),
        ({"unit": "OLD"}, "Not a valid choice"),
        ({"password": "", "confirm": ""}, "Enter a password or choose to generate one."),
        ({"confirm": "something else entirely"}, "The two passwords differ."),
        ({"password": "matkhau123456", "confirm": "matkhau123456"}, "too common"),
        ({"password": "short", "confirm": "short"}, "at least 12"),
    ]
    users_before, audit_before = _user_count(), _audit_count()
    for change, message in cases:
        resp = as_admin.post("/admin/users/new", data={**good, **change})
        assert resp.status_code == 200, change
        html = resp.get_data(as_text=True)
        assert message in html, (change, message)
        assert 'class="error"' in html
        assert _user_count() == users_before, change
    assert _audit_count() == audit_before


def test_deactivate_ends_sessions_and_reactivate(app, make, as_admin, login_as) -> None:
    user = make.user()
    c = login_as(user)
    assert as_admin.post(f"/admin/users/{user.id}/deactivate").status_code == 302
    assert not fresh(user).active
    assert open_sessions(user) == 0
    assert location(c.get("/")).endswith("/auth/login")
    assert login(app.test_client(), user.username, Factory.PASSWORD).status_code == 200
    as_admin.post(f"/admin/users/{user.id}/reactivate")
    assert fresh(user).active
    assert login(app.test_client(), user.username, Factory.PASSWORD).status_code == 302
    actions = [a for a in audit_actions(user.id) if a.startswith("user.")]
    assert actions == ["user.deactivate", "user.reactivate"]


def test_admin_cannot_deactivate_self_or_last_admin(app, admin, as_admin) -> None:
    before = _snapshot(admin)
    resp = as_admin.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in resp.get_data(as_text=True)
    resp = as_admin.post(f"/admin/users/{admin.id}/role",
                         data={"role": "counselor", "unit": admin.unit.code},
                         follow_redirects=True)
    assert "own administrator role" in resp.get_data(as_text=True)
    assert _snapshot(admin) == before


def test_reset_password_shows_once_and_forces_change(app, make, as_admin,
                                                     login_as) -> None:
    user = make.user()
    c = login_as(user)
    resp = as_admin.post(f"/admin/users/{user.id}/reset-password")
    assert resp.status_code == 200
    temp = resp.get_data(as_text=True).split('<code class="secret">')[1].split("</code>")[0]
    u = fresh(user)
    assert u.must_change_password and verify_password(u.password_hash, temp)
    assert location(c.get("/")).endswith("/auth/login")
    # Not shown again on the account page.
    assert temp not in as_admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    entry = audit_rows("user.password_reset")[-1]
    assert temp not in entry.summary and entry.object_id == user.id


def test_unlock(app, make, as_admin) -> None:
    user = make.user()
    c = app.test_client()
    for _ in range(5):
        login(c, user.username, "wrong password again")
    assert fresh(user).locked_until is not None
    as_admin.post(f"/admin/users/{user.id}/unlock")
    u = fresh(user)
    assert u.locked_until is None and u.failed_logins == 0
    assert login(c, user.username, Factory.PASSWORD).status_code == 302
    assert "user.unlock" in audit_actions(user.id)
    # Unlocking an account that is not locked is refused with a message.
    before = _audit_count()
    resp = as_admin.post(f"/admin/users/{user.id}/unlock", follow_redirects=True)
    assert "The account is not locked." in resp.get_data(as_text=True)
    assert _audit_count() == before


def test_force_logout_ends_other_users_session_on_next_request(app, make, as_admin,
                                                               login_as) -> None:
    user = make.user()
    c1, c2 = login_as(user), login_as(user)
    assert c1.get("/").status_code == 200
    as_admin.post(f"/admin/users/{user.id}/logout")
    for c in (c1, c2):
        resp = c.get("/")
        assert resp.status_code == 302 and location(resp).endswith("/auth/login")
    assert as_admin.get("/").status_code == 200
    entry = audit_rows("user.force_logout")[-1]
    assert entry.summary == f"username={user.username} sessions_ended=2"


def test_change_role_and_unit(app, make, as_admin) -> None:
    unit = make.unit("RU1")
    user = make.user("counselor")
    resp = as_admin.post(f"/admin/users/{user.id}/role",
                         data={"role": "supervisor", "unit": unit.code})
    assert resp.status_code == 302
    u = fresh(user)
    assert u.role == Role.SUPERVISOR and u.unit_id == unit.id
    entry = audit_rows("user.role_unit")[-1]
    assert "role=counselor->supervisor" in entry.summary and "unit=" in entry.summary


def test_change_role_invalid_input_changes_nothing(app, make, as_admin) -> None:
    user = make.user("counselor")
    retired = make.unit("RET")
    units.retire_unit(retired)
    db.session.commit()
    before, audit_before = _snapshot(user), _audit_count()
    for data, message in [
        ({"role": "boss", "unit": user.unit.code}, "Not a valid choice"),
        ({"role": "counselor", "unit": "NOPE"}, "Not a valid choice"),
        ({"role": "counselor", "unit": "RET"}, "Not a valid choice"),
        ({"role": "counselor", "unit": user.unit.code}, "Nothing to change."),
        ({"role": "", "unit": user.unit.code}, "This field is required."),
    ]:
        resp = as_admin.post(f"/admin/users/{user.id}/role", data=data)
        assert resp.status_code == 200
        assert message in resp.get_data(as_text=True), data
        assert _snapshot(user) == before
    assert _audit_count() == audit_before


def test_reset_totp(app, make, as_admin, login_as) -> None:
    user = make.user()
    c = login_as(user)
    c.get("/auth/totp/enrol")
    secret = fresh(user).totp_secret
    c.post("/auth/totp/enrol", data={"code": code_at(app, secret)})
    assert fresh(user).totp_enabled
    as_admin.post(f"/admin/users/{user.id}/reset-totp")
    u = fresh(user)
    assert not u.totp_enabled and u.totp_secret is None
    assert location(c.get("/")).endswith("/auth/login")
    assert "user.totp_reset" in audit_actions(user.id)


def test_role_change_to_mandatory_mfa_role_applies_at_once(app, make, as_admin,
                                                          login_as) -> None:
    from caseapp.settings.services import set_setting

    set_setting("mfa_required_roles", ["supervisor"])
    db.session.commit()
    user = make.user("counselor")
    c = login_as(user)
    assert c.get("/").status_code == 200
    as_admin.post(f"/admin/users/{user.id}/role",
                  data={"role": "supervisor", "unit": user.unit.code})
    assert location(c.get("/")).endswith("/auth/totp/enrol")


def test_admin_actions_audited_without_personal_data(app, make, as_admin) -> None:
    user = make.user(full_name="Nguyễn Thị Bí Mật")
    for action in ("unlock", "logout", "reset-password", "deactivate", "reactivate"):
        as_admin.post(f"/admin/users/{user.id}/{action}")
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_id == user.id,
                                    AuditEntry.action.like("user.%"))).all()
    assert {e.action for e in entries} >= {"user.force_logout", "user.password_reset",
                                           "user.deactivate", "user.reactivate"}
    for e in entries:
        assert e.username == "root.admin"
        assert "Bí Mật" not in e.summary and "Nguyễn" not in e.summary


def test_locked_status_shown(app, make, as_admin) -> None:
    user = make.user()
    user.locked_until = now() + timedelta(minutes=10)
    db.session.commit()
    html = as_admin.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert "Locked until" in html
