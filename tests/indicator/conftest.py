"""In tests, requests run inside the test's application context and so share ``g``;
Flask-Login keeps the loaded user there. These clients forget it before each request, so a
test can act as several users in turn."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, g
from flask.testing import FlaskClient

from tests.factories import Factory


class FreshUserClient(FlaskClient):
    def open(self, *args: Any, **kwargs: Any) -> Any:
        for key in ("_login_user", "session_row", "_settings_cache"):
            g.pop(key, None)
        return super().open(*args, **kwargs)


@pytest.fixture
def login_as(app: Flask) -> Any:
    def _login(user: Any, password: str = Factory.PASSWORD) -> FlaskClient:
        app.test_client_class = FreshUserClient
        c = app.test_client()
        resp = c.post("/auth/login", data={"username": user.username, "password": password})
        assert resp.status_code == 302, "login failed in test setup"
        return c

    return _login
