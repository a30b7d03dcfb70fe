"""A step that fails in the middle of a multi-step change leaves no partial rows: the audit
write comes last, after the change's own rows were sent to the database."""

from __future__ import annotations

from typing import Any

import pytest

from caseapp.cases.models import CaseStatus
from caseapp.referrals.models import ReferralState
from tests.failures import all_rows, assert_nothing_written, fail_audit_of
from tests.orgtree import Org, a_case, build_org


@pytest.fixture
def org(make: Any) -> Org:
    return build_org(make)


def test_referral_transition_whose_audit_write_fails(org: Org, make: Any, login_as: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    referral = make.referral(a_case(make, org.a), ReferralState.SUBMITTED)
    c = login_as(org.sup_a)
    fail_audit_of("referral.approve", monkeypatch)
    before = all_rows()
    resp = c.post(f"/referrals/{referral.id}/action/approve",
                  data={"approve-comment": "Đồng ý"})
    assert resp.status_code == 500
    assert_nothing_written(before)


def test_client_registration_whose_audit_write_fails(org: Org, login_as: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    c = login_as(org.counselor_a)
    fail_audit_of("client.create", monkeypatch)
    before = all_rows()
    resp = c.post("/clients/new", data={"full_name": "Sơn Thị Na", "sex": "F",
                                        "birth_year": "1990"})
    assert resp.status_code == 500
    # The code counter did not move either (it is a table like the others).
    assert_nothing_written(before)


def test_opening_a_case_whose_audit_write_fails(org: Org, make: Any, login_as: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    client = make.client(org.a)
    c = login_as(org.counselor_a)
    fail_audit_of("case.create", monkeypatch)
    before = all_rows()
    resp = c.post(f"/cases/new/{client.id}", data={
        "unit": str(org.a.id), "counselor": str(org.counselor_a.id), "category": "dv",
        "detected_on": "10/06/2026", "opened_on": "12/06/2026"})
    assert resp.status_code == 500
    assert_nothing_written(before)


def test_closing_a_case_whose_audit_write_fails(org: Org, make: Any, login_as: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    case = a_case(make, org.a, status=CaseStatus.CLOSURE_REQUESTED)
    c = login_as(org.sup_a)
    fail_audit_of("case.status", monkeypatch)
    before = all_rows()
    resp = c.post(f"/cases/{case.id}/status/approve_closure",
                  data={"closed_on": "10/06/2026", "comment": "Đã ổn định"})
    assert resp.status_code == 500
    assert_nothing_written(before)
