"""The follow-up list sorts by its column headers (helpers: tests/foundation/test_paging.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from tests.consultations.test_consultations import _session
from tests.records.world import World


def test_followups_sort_by_header_and_ignore_unknown_keys(world: World, make: Any,
                                                          login_as: Any) -> None:
    # Today is Monday 15/06/2026; every follow-up below is due by Sunday 21/06.
    cases = [make.case(world.a) for _ in range(3)]
    for case, day in zip(cases, (20, 10, 15), strict=True):
        _session(case.id, datetime(2026, 6, 1, tzinfo=UTC), date(2026, 6, day))
    client = login_as(world.supervisor_d)

    def shown(query: str) -> list[str]:
        resp = client.get(f"/consultations/followups?mine=0&{query}")
        assert resp.status_code == 200, query
        body = resp.get_data(as_text=True).split("<tbody>")[1]
        return re.findall(r'<td><a href="[^"]*">([^<]+)</a></td>', body)

    soonest_first = [cases[1].code, cases[2].code, cases[0].code]
    assert shown("") == soonest_first
    assert shown("sort=follow_up&direction=desc") == list(reversed(soonest_first))
    assert shown("sort=case&direction=desc") == sorted((c.code for c in cases), reverse=True)
    assert shown("sort=consultations.id&direction=desc") == soonest_first
    html = client.get("/consultations/followups?mine=0&sort=case").get_data(as_text=True)
    # The list's own argument stays in the header links.
    assert 'aria-sort="ascending"' in html and "mine=0" in html.split("<thead>")[1]
