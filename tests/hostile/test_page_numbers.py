"""Page numbers in the query string: whatever a link or a person types, a list answers."""

from __future__ import annotations

from typing import Any

import pytest

LISTS = ["/cases/", "/referrals/", "/referrals/review", "/referrals/high-risk",
         "/consultations/followups", "/indicator/worklist", "/complaints/"]
# Past a 64-bit offset, negative, the largest 64-bit integer, not a number.
NUMBERS = ["99999999999999999999", "-5", "9223372036854775807", "1e9", ""]


@pytest.mark.parametrize("path", LISTS)
def test_any_page_number_gets_a_page(path: str, make: Any, login_as: Any) -> None:
    unit = make.unit("P", kind="province")
    make.case(unit)
    client = login_as(make.user("supervisor", unit))
    for number in NUMBERS:
        resp = client.get(f"{path}?page={number}")
        assert resp.status_code == 200, (path, number, resp.status_code)
