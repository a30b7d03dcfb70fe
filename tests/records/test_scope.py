"""Every route of the case records that takes an id answers 404 outside the user's scope."""

from __future__ import annotations

from typing import Any

import pytest

from tests.records.world import World, add_records

GET_ROUTES = [
    "/incidents/new/{case}",
    "/incidents/{incident}/edit",
    "/risk/new/{case}",
    "/measures/new/{case}",
    "/measures/{measure}/edit",
    "/consents/new/{case}",
    "/consents/{consent}/withdraw",
    "/consultations/new/{case}",
    "/consultations/{consultation}/edit",
    "/complaints/{complaint}",
    "/complaints/{complaint}/edit",
    "/attachments/case/{case}/upload",
    "/attachments/complaint/{complaint}/upload",
    "/attachments/{attachment}/download",
]
POST_ONLY_ROUTES = [
    "/complaints/{complaint}/status",
    "/attachments/{attachment}/delete",
]
GET_ONLY = {"/complaints/{complaint}", "/attachments/{attachment}/download"}
OUTSIDERS = ["counselor_b", "supervisor_b", "statistics", "admin"]
INSIDERS = ["counselor_a", "supervisor_a", "supervisor_d", "supervisor_p"]


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("route", GET_ROUTES + POST_ONLY_ROUTES)
def test_outsiders_get_404(world: World, login_as: Any, route: str, who: str) -> None:
    ids = add_records(world)
    c = login_as(getattr(world, who))
    url = route.format(**ids)
    if route in GET_ROUTES:
        assert c.get(url).status_code == 404
    if route not in GET_ONLY:
        assert c.post(url, data={}).status_code == 404


@pytest.mark.parametrize("who", INSIDERS)
@pytest.mark.parametrize("route", GET_ROUTES)
def test_users_in_scope_get_200(world: World, login_as: Any, route: str, who: str) -> None:
    ids = add_records(world)
    c = login_as(getattr(world, who))
    resp = c.get(route.format(**ids))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]


@pytest.mark.parametrize("route", ["/risk/high", "/consultations/followups", "/complaints/",
                                   "/complaints/overdue", "/complaints/new"])
@pytest.mark.parametrize("who", ["statistics", "admin"])
def test_lists_closed_to_non_case_roles(world: World, login_as: Any, route: str,
                                        who: str) -> None:
    assert login_as(getattr(world, who)).get(route).status_code == 404
