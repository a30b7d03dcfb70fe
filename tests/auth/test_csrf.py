"""With CSRF protection on, as in every real configuration."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from typing import Any

import pytest

from tests.auth.helpers import fresh, login, open_sessions
from tests.factories import Factory


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": True}


def _token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def _log_in(client, username: str) -> None:
    resp = client.post("/auth/login", data={"username": username, "password": Factory.PASSWORD,
                                            "csrf_token": _token(client, "/auth/login")})
    assert resp.status_code == 302


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(value or "" for name, value in attrs if name == "id")


def _repeated_ids(html: str) -> dict[str, int]:
    parser = _Ids()
    parser.feed(html)
    return {id_: n for id_, n in parser.ids.items() if n > 1}


@pytest.mark.parametrize("page", ["case", "user"])
def test_pages_with_several_forms_repeat_no_id(client, make, page: str) -> None:
    unit = make.unit("A")
    counselor = make.user("counselor", unit)
    if page == "case":  # an open case not yet shown: a form to show it, one to start work
        user, path = counselor, f"/cases/{make.case(unit).id}"
    else:  # an account: a form for each action, and one for the role
        user, path = make.user("admin", unit), f"/admin/users/{counselor.id}"
    _log_in(client, user.username)
    html = client.get(path).get_data(as_text=True)
    assert html.count('name="csrf_token"') >= 4  # the page's own forms, and the header's
    assert _repeated_ids(html) == {}


def test_login_without_token_is_refused(client, make) -> None:
    user = make.user()
    resp = login(client, user.username, Factory.PASSWORD)
    assert resp.status_code == 400
    assert open_sessions(user) == 0
    assert fresh(user).last_login_at is None


def test_password_change_without_token_changes_nothing(client, make) -> None:
    user = make.user()
    resp = client.post("/auth/login", data={"username": user.username,
                                            "password": Factory.PASSWORD,
                                            "csrf_token": _token(client, "/auth/login")})
    assert resp.status_code == 302
    before = fresh(user).password_hash
    resp = client.post("/auth/password", data={
        "current": Factory.PASSWORD, "new": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert resp.status_code == 400
    assert fresh(user).password_hash == before


def test_admin_action_without_token_changes_nothing(client, make) -> None:
    admin = make.user("admin")
    target = make.user()
    client.post("/auth/login", data={"username": admin.username,
                                     "password": Factory.PASSWORD,
                                     "csrf_token": _token(client, "/auth/login")})
    resp = client.post(f"/admin/users/{target.id}/deactivate")
    assert resp.status_code == 400
    assert fresh(target).active
