"""The petition list's sortable column headers (the helpers: tests/foundation/test_paging.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.complaints.test_complaints import _post
from tests.records.world import World


@pytest.fixture
def app_overrides() -> dict[str, object]:
    return {"BABEL_DEFAULT_LOCALE": "en"}


def codes(html: str) -> list[str]:
    return re.findall(r">(DT\.A\.2026\.\d+)</a>", html)


def test_petition_list_sorts_by_header_and_ignores_unknown_keys(world: World,
                                                               login_as: Any) -> None:
    c = login_as(world.counselor_a)
    _post(c, received_on="01/06/2026")
    _post(c, received_on="10/06/2026")
    _post(c, received_on="05/06/2026")
    html = c.get("/complaints/").get_data(as_text=True)
    latest_first = ["DT.A.2026.0002", "DT.A.2026.0003", "DT.A.2026.0001"]
    assert codes(html) == latest_first
    assert re.search(r'aria-sort="descending">\s*<a[^>]*>Received', html)
    html = c.get("/complaints/?sort=received&direction=asc").get_data(as_text=True)
    assert codes(html) == list(reversed(latest_first))
    html = c.get("/complaints/?sort=code&direction=desc&status=received").get_data(as_text=True)
    assert codes(html) == sorted(latest_first, reverse=True)
    # The filter stays in the header links.
    assert "status=received" in html.split("<thead>")[1].split("</thead>")[0]
    for bad in ("sort=complaints.id", "sort=summary&direction=asc", "direction=up"):
        resp = c.get(f"/complaints/?{bad}")
        assert resp.status_code == 200 and codes(resp.get_data(as_text=True)) == latest_first
