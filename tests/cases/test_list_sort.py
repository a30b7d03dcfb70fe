"""The case list's sortable column headers (the helpers: tests/foundation/test_paging.py)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from tests.orgtree import Org, a_case


@pytest.fixture
def app_overrides() -> dict[str, object]:
    return {"BABEL_DEFAULT_LOCALE": "en"}


def codes(html: str) -> list[str]:
    return re.findall(r">(HS\.[A-Z]\.\d+)<", html)


def test_case_list_sorts_by_header_and_ignores_unknown_keys(org: Org, make: Any,
                                                            login_as: Any) -> None:
    made = [a_case(make, org.a, detected_on=date(2026, 1, d)).code for d in (3, 1, 2)]
    c = login_as(org.counselor_a)
    html = c.get("/cases/?sort=code&direction=asc").get_data(as_text=True)
    assert codes(html) == sorted(made)
    assert re.search(r'<th scope="col" aria-sort="ascending">\s*<a[^>]*>Code', html)
    newest_first = codes(c.get("/cases/").get_data(as_text=True))
    assert newest_first == [made[0], made[2], made[1]]
    for bad in ("sort=id", "sort=code%20desc", "direction=up"):
        resp = c.get(f"/cases/?{bad}")
        assert resp.status_code == 200 and codes(resp.get_data(as_text=True)) == newest_first
