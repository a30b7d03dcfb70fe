"""The records of a case refuse a change with the one UserError (its message and its form
field) or the one StaleEdit; routes name their action in the policy table."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from flask import Flask

from caseapp.attachments import services as attachments
from caseapp.cases.models import CaseStatus
from caseapp.complaints import services as complaints
from caseapp.complaints.models import Complaint, ComplaintStatus
from caseapp.consents import services as consents
from caseapp.consents.models import Consent, ConsentGiver, ConsentPurpose
from caseapp.db import db
from caseapp.policy import RULES, action_of
from caseapp.records.common import check_version
from caseapp.transaction import STALE_MESSAGE, StaleEdit, UserError
from tests.records.world import World, add_records

RECORD_BLUEPRINTS = ("cases", "clients", "consents", "incidents", "risk", "measures",
                     "consultations", "complaints", "attachments")


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    # The assertions compare English message ids.
    return {"BABEL_DEFAULT_LOCALE": "en"}


def test_every_record_route_names_its_action(app: Flask) -> None:
    undeclared = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in RECORD_BLUEPRINTS:
            action = action_of(app.view_functions[rule.endpoint])
            if action not in RULES:
                undeclared.append(f"{rule.endpoint}: {action}")
    assert not undeclared


@pytest.mark.parametrize("submitted", [None, "", "x", 0])
def test_check_version_refuses_an_older_or_missing_version(world: World,
                                                          submitted: Any) -> None:
    case = world.case
    with pytest.raises(StaleEdit) as err:
        check_version(case, submitted if submitted != 0 else case.version - 1)
    assert err.value.status == 409 and str(err.value) == str(STALE_MESSAGE)
    check_version(case, str(case.version))  # the current version passes


def test_a_child_consent_refused_on_the_giver_field(world: World, make: Any) -> None:
    child = make.client(world.a, birth_year=2014)
    with pytest.raises(UserError) as err:
        consents.record_consent(child, purpose=ConsentPurpose.SHARE,
                                given_by=ConsentGiver.CLIENT, given_on=date(2026, 6, 1),
                                user=world.counselor_a)
    assert err.value.field == "given_by"
    assert str(err.value) == "The client is under 16: consent must be given by a guardian."


def test_withdrawing_twice_is_refused_on_the_date_field(world: World) -> None:
    add_records(world)
    consent = db.session.query(Consent).one()
    consents.withdraw_consent(consent, date(2026, 6, 1), world.counselor_a)
    with pytest.raises(UserError) as err:
        consents.withdraw_consent(consent, date(2026, 6, 2), world.counselor_a)
    assert err.value.field == "withdrawn_on"
    assert str(err.value) == "This consent was already withdrawn."


def test_a_complaint_status_out_of_order_is_refused(world: World) -> None:
    add_records(world)
    c = db.session.query(Complaint).one()
    assert c.status == ComplaintStatus.RECEIVED
    with pytest.raises(UserError) as err:
        complaints.change_status(c, ComplaintStatus.CLOSED, c.version)
    assert err.value.field == "status"
    assert str(err.value) == "This status cannot follow the current one."
    with pytest.raises(StaleEdit):
        complaints.change_status(c, ComplaintStatus.PROCESSING, c.version - 1)


def test_a_refused_file_names_the_upload_field(world: World, app: Flask) -> None:
    with pytest.raises(UserError) as err:
        attachments.store(b"", "scan.pdf", world.counselor_a, case=world.case)
    assert (err.value.field, str(err.value)) == ("file", "The file is empty.")
    with pytest.raises(UserError) as err:
        attachments.read_limited(io.BytesIO(b"x" * 2 * 1024 * 1024), 1024 * 1024)
    assert err.value.field == "file"
    assert str(err.value) == "The file is too large (at most 1.0 MB)."


def test_returning_a_closure_request_is_a_supervisor_decision(world: World, make: Any,
                                                              login_as: Any) -> None:
    case = make.case(world.a, status=CaseStatus.CLOSURE_REQUESTED)
    resp = login_as(world.counselor_a).post(f"/cases/{case.id}/status/return",
                                            data={"comment": "Chưa đủ"})
    assert resp.status_code == 403
    db.session.expire_all()
    assert case.status == CaseStatus.CLOSURE_REQUESTED
    # Outside her scope, the same request learns nothing: 404.
    resp = login_as(world.counselor_b).post(f"/cases/{case.id}/status/return",
                                            data={"comment": "Chưa đủ"})
    assert resp.status_code == 404
