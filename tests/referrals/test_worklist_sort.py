"""The high-risk worklist sorts by its column headers (helpers: tests/foundation/test_paging.py)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from caseapp.cases.models import RiskLevel


def test_high_risk_list_sorts_by_header_and_ignores_unknown_keys(world: Any, make: Any,
                                                                 login_as: Any) -> None:
    cases = [make.case(world.a, current_risk=RiskLevel.HIGH, detected_on=date(2026, 5, d))
             for d in (3, 1, 2)]
    client = login_as(world.supervisor)

    def shown(query: str) -> list[str]:
        resp = client.get(f"/referrals/high-risk?{query}")
        assert resp.status_code == 200, query
        body = resp.get_data(as_text=True).split("<tbody>")[1]
        return re.findall(r'<td><a href="[^"]*">(HS[^<]+)</a></td>', body)

    oldest_first = [cases[1].code, cases[2].code, cases[0].code]
    assert shown("") == oldest_first
    assert shown("sort=detected&direction=desc") == list(reversed(oldest_first))
    assert shown("sort=code&direction=asc") == sorted(c.code for c in cases)
    assert shown("sort=current_risk&direction=desc") == oldest_first
    html = client.get("/referrals/high-risk?sort=code&direction=asc").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html and "sort=code&amp;direction=desc" in html
