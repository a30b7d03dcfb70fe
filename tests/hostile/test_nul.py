"""A NUL character in any submitted value or query parameter is refused with a page that says
why, before any query runs (PostgreSQL cannot store or compare it)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.hostile.snapshot import changed_tables, fingerprint
from tests.records.world import World


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"BABEL_DEFAULT_LOCALE": "en"}


def test_login_with_nul_is_refused(client: FlaskClient, world: World) -> None:
    before = fingerprint()
    resp = client.post("/auth/login", data={"username": "admin\x00", "password": "x"})
    assert resp.status_code == 400
    assert "invisible control character (NUL)" in resp.get_data(as_text=True)
    assert changed_tables(before, fingerprint()) == []


def test_nul_in_a_form_or_query_is_refused(world: World, login_as: Any) -> None:
    c = login_as(world.counselor_a)
    before = fingerprint()
    resp = c.post(f"/cases/{world.case.id}/edit", data={"summary": "a\x00b"})
    assert resp.status_code == 400
    assert c.get("/reports/export/csv", query_string={"unit": "\x00"}).status_code == 400
    assert c.get("/cases/", query_string={"q\x00": "x"}).status_code == 400
    assert changed_tables(before, fingerprint()) == []


def test_vietnamese_message(client: FlaskClient, world: World) -> None:
    client.post("/language", data={"language": "vi"})
    resp = client.post("/auth/login", data={"username": "\x00", "password": "x"})
    assert resp.status_code == 400
    assert "NUL" in resp.get_data(as_text=True)


@pytest.fixture
def world(make: Any) -> World:
    from tests.records.world import build_world

    return build_world(make)
