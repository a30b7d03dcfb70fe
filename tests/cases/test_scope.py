"""Every route of clients and cases that takes an id answers 404 outside the user's scope."""

from __future__ import annotations

import pytest

from tests.orgtree import Org, a_case, identified_client

GET_ROUTES = ["/clients/{client}", "/clients/{client}/edit", "/cases/new/{client}",
              "/cases/{case}", "/cases/{case}/edit"]
POST_ROUTES = ["/clients/{client}/reveal", "/cases/{case}/reveal",
               "/cases/{case}/status/start"]
OUTSIDERS = ["counselor_b", "stats", "admin", "sup_b"]


@pytest.fixture
def ids(org: Org, make) -> dict[str, int]:
    client = identified_client(make, org.a, name="Lâm Thị Sa Rươne", phone="0912345678")
    case = a_case(make, org.a, client=client)
    return {"client": client.id, "case": case.id}


@pytest.mark.parametrize("route", GET_ROUTES + POST_ROUTES)
@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404(org: Org, ids, login_as, route: str, who: str) -> None:
    c = login_as(getattr(org, who))
    url = route.format(**ids)
    resp = c.post(url) if route in POST_ROUTES else c.get(url)
    assert resp.status_code == 404
    assert "Sa Rươne" not in resp.get_data(as_text=True)


@pytest.mark.parametrize("route", GET_ROUTES)
@pytest.mark.parametrize("who", ["sup_d", "sup_p", "counselor_a", "sup_a"])
def test_unit_and_parent_supervisors_see_it(org: Org, ids, login_as, route: str,
                                            who: str) -> None:
    assert login_as(getattr(org, who)).get(route.format(**ids)).status_code == 200


@pytest.mark.parametrize("route", POST_ROUTES)
def test_parent_supervisor_can_post(org: Org, ids, login_as, route: str) -> None:
    resp = login_as(org.sup_d).post(route.format(**ids))
    assert resp.status_code in (200, 302)


def test_case_list_shows_only_cases_in_scope(org: Org, make, login_as) -> None:
    mine = a_case(make, org.a)
    sibling = a_case(make, org.b)
    other = a_case(make, org.c)
    html = login_as(org.counselor_a).get("/cases/").get_data(as_text=True)
    assert mine.code in html and sibling.code not in html and other.code not in html
    html = login_as(org.sup_d).get("/cases/").get_data(as_text=True)
    assert mine.code in html and sibling.code in html and other.code not in html
    for user in (org.stats, org.admin):
        assert login_as(user).get("/cases/").status_code == 404


def test_counselor_of_merged_unit_successor_sees_its_cases(org: Org, make, login_as) -> None:
    from caseapp.db import db
    from caseapp.units import services as units

    old = a_case(make, org.b)
    units.merge_unit(org.b, org.a, None)
    db.session.commit()
    c = login_as(org.counselor_a)
    assert c.get(f"/cases/{old.id}").status_code == 200
    assert old.code in c.get("/cases/").get_data(as_text=True)
