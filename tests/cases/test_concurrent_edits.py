"""Two users saving the same case at the same moment: the optimistic lock lets exactly one
save through and tells the other, keeping her input; nothing is half-saved."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.audit.models import AuditEntry
from caseapp.audit.services import verify_chain
from caseapp.cases import services
from caseapp.cases.models import Case, CaseEvent, CaseStatus
from caseapp.db import db
from tests.cases.test_cases import case_form
from tests.concurrency import WAIT_SECONDS, run_at_once
from tests.orgtree import Org, a_case

CONFLICT = "Someone else changed this record while you were editing."


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    # The assertions compare English message ids.
    return {"BABEL_DEFAULT_LOCALE": "en"}


@pytest.mark.parametrize("meet", ["at_request", "after_version_check"])
def test_two_users_save_the_same_case_at_once(org: Org, make, login_as, monkeypatch,
                                              meet: str) -> None:
    case = a_case(make, org.a, detected_on=date(2026, 6, 10), opened_on=date(2026, 6, 12))
    version = case.version
    first, second = login_as(org.counselor_a), login_as(org.counselor_a2)
    if meet == "after_version_check":
        # Both requests have loaded the case at the same version before either writes, so
        # only the database's versioned UPDATE can tell them apart.
        both_loaded = threading.Barrier(2)
        real_update = services.update_case

        def update_when_both_loaded(*args: Any, **kw: Any) -> list[str]:
            both_loaded.wait(timeout=WAIT_SECONDS)
            return real_update(*args, **kw)

        monkeypatch.setattr(services, "update_case", update_when_both_loaded)
    texts = {"co_a": "Bản của chị A", "co_a2": "Bản của chị A2"}

    # Built here: the threads must not touch this test's session.
    url = f"/cases/{case.id}/edit"
    forms = [case_form(org, version=str(version), summary=t) for t in texts.values()]
    results = run_at_once([lambda: first.post(url, data=forms[0]),
                           lambda: second.post(url, data=forms[1])])
    assert not [r for r in results if isinstance(r, Exception)], results
    codes = sorted(r.status_code for r in results)
    assert codes == [302, 409], codes
    (loser,) = [r for r in results if r.status_code == 409]
    html = loser.get_data(as_text=True)
    assert CONFLICT in html
    db.session.expire_all()
    saved = db.session.get_one(Case, case.id)
    assert saved.version == version + 1
    # The loser's own text is shown back to her and was not written.
    assert saved.summary in texts.values()
    (lost_text,) = set(texts.values()) - {saved.summary}
    assert lost_text in html
    updates = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "case.update")).all()
    assert len(updates) == 1
    assert verify_chain()[1] is None


def test_views_at_once_keep_the_audit_chain_whole(org: Org, make, login_as) -> None:
    # Every view writes an audit entry chained to the previous one: simultaneous views
    # must queue on the chain's head, never fork it.
    case = a_case(make, org.a)
    url = f"/cases/{case.id}"
    sessions = [login_as(u) for u in (org.counselor_a, org.counselor_a2, org.sup_a, org.sup_d,
                                      org.sup_p) for _ in range(2)]
    results = run_at_once([lambda c=c: c.get(url) for c in sessions])
    assert [getattr(r, "status_code", r) for r in results] == [200] * len(sessions)
    views = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "case.view"))
    assert views == len(sessions)
    assert verify_chain()[1] is None


def test_two_closure_approvals_at_once_close_once(org: Org, make, login_as,
                                                  monkeypatch) -> None:
    case = a_case(make, org.a, status=CaseStatus.CLOSURE_REQUESTED,
                  detected_on=date(2026, 3, 1), opened_on=date(2026, 3, 2))
    first, second = login_as(org.sup_a), login_as(org.sup_d)
    both_loaded = threading.Barrier(2)
    real_change = services.change_status

    def change_when_both_loaded(*args: Any, **kw: Any) -> Any:
        both_loaded.wait(timeout=WAIT_SECONDS)
        return real_change(*args, **kw)

    monkeypatch.setattr(services, "change_status", change_when_both_loaded)
    url = f"/cases/{case.id}/status/approve_closure"
    data = {"closed_on": "10/06/2026", "comment": "Đã ổn định"}
    results = run_at_once([lambda: first.post(url, data=data),
                           lambda: second.post(url, data=data)])
    # Both go back to the case page; the one that lost the race is told nothing was saved.
    assert [getattr(r, "status_code", r) for r in results] == [302, 302]
    db.session.expire_all()
    assert db.session.get_one(Case, case.id).status == CaseStatus.CLOSED
    closings = db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.to_status == CaseStatus.CLOSED)).all()
    assert len(closings) == 1
    statuses = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "case.status")).all()
    assert len(statuses) == 1
    flashed = [c.get(f"/cases/{case.id}").get_data(as_text=True) for c in (first, second)]
    assert sum(CONFLICT in page for page in flashed) == 1
