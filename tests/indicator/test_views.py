"""Dashboard, worklist and settings: scope, roles and what the pages show."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import g

from caseapp.audit.models import AuditEntry
from caseapp.cases.models import CaseStatus, RiskLevel
from caseapp.complaints.models import Complaint, ComplaintStatus, ComplaintSubject, SenderRelation
from caseapp.db import db
from caseapp.referrals.models import ReferralState, ServiceType
from caseapp.settings.services import get_setting


@pytest.fixture
def world(make):
    root = make.unit("P", kind="province")
    a = make.unit("A", parent=root)
    b = make.unit("B", parent=root)
    a1 = make.unit("A1", parent=a)
    served = make.case(a1, detected_on=date(2025, 3, 1), code="HS-SERVED")
    make.referral(served, ReferralState.RECEIVED, received_on=date(2025, 3, 5))
    secret = make.client(a1, full_name="Trần Thị Bí Mật", code="KH-WAITING")
    waiting = make.case(a1, secret, detected_on=date(2024, 5, 1), code="HS-WAITING",
                        current_risk=RiskLevel.HIGH)
    make.referral(waiting, ReferralState.SENT, service="legal_aid")
    make.case(b, detected_on=date(2025, 1, 1), code="HS-B")
    return {"root": root, "a": a, "b": b, "a1": a1}


def test_dashboard_shows_rate_counts_and_charts(make, login_as, world):
    db.session.add(Complaint(code="DT1", unit_id=world["a1"].id, received_on=date(2026, 5, 1),
                             sender_relation=SenderRelation.VICTIM,
                             subject=ComplaintSubject.DV, deadline_on=date(2026, 5, 15),
                             status=ComplaintStatus.PROCESSING))
    db.session.commit()
    sup = make.user("supervisor", unit=world["root"])
    resp = login_as(sup).get("/dashboard")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "33.3%" in html  # 1 of 3 detected victims served in the term so far
    assert '<svg' in html and 'role="img"' in html and "<desc" in html
    assert "HS-WAITING" not in html  # the dashboard names no case
    # Data table beside the chart with each child unit.
    assert "A · Unit A" in html and "B · Unit B" in html
    assert "below target" in html


def test_dashboard_unit_picker_limited_to_subtree(make, login_as, world):
    sup = make.user("supervisor", unit=world["a"])
    c = login_as(sup)
    assert c.get("/dashboard?unit=A1").status_code == 200
    assert c.get("/dashboard?unit=B").status_code == 404
    assert c.get("/dashboard?unit=P").status_code == 404
    html = c.get("/dashboard").get_data(as_text=True)
    assert 'value="A1"' in html and 'value="B"' not in html


@pytest.mark.parametrize("role", ["counselor", "admin"])
def test_dashboard_404_for_other_roles(make, login_as, world, role):
    user = make.user(role, unit=world["root"])
    assert login_as(user).get("/dashboard").status_code == 404


def test_statistics_user_sees_dashboard_not_worklist(make, login_as, world):
    stats = make.user("statistics", unit=world["root"])
    c = login_as(stats)
    assert c.get("/dashboard").status_code == 200
    assert c.get("/indicator/worklist").status_code == 404


def test_worklist_lists_unserved_by_code_oldest_first(make, login_as, world):
    sup = make.user("supervisor", unit=world["root"])
    resp = login_as(sup).get("/indicator/worklist")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "HS-SERVED" not in html
    assert html.index("HS-WAITING") < html.index("HS-B")  # detected 2024 before 2025
    assert "Bí Mật" not in html and "KH-WAITING" in html
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "indicator.worklist_view"))
    assert entry is not None and "unit=P" in entry.summary


def test_worklist_scope(make, login_as, world):
    sup = make.user("supervisor", unit=world["b"])
    c = login_as(sup)
    html = c.get("/indicator/worklist").get_data(as_text=True)
    assert "HS-B" in html and "HS-WAITING" not in html
    assert c.get("/indicator/worklist?unit=A").status_code == 404
    counselor = make.user("counselor", unit=world["b"])
    assert login_as(counselor).get("/indicator/worklist").status_code == 404


def test_worklist_paginates_with_fixed_queries(make, login_as, world, queries):
    for i in range(30):
        make.case(world["b"], detected_on=date(2025, 2, 1), code=f"HS-X{i:02d}")
    sup = make.user("supervisor", unit=world["root"])
    c = login_as(sup)
    c.get("/indicator/worklist")
    with queries() as small:
        first = c.get("/indicator/worklist")
    html = first.get_data(as_text=True)
    assert "Page 1 of 2" in html
    second = c.get("/indicator/worklist?page=2").get_data(as_text=True)
    assert "HS-X29" in second and "HS-X29" not in html
    for _i in range(10):
        make.referral(make.case(world["b"], detected_on=date(2025, 2, 2)), ReferralState.SENT)
    c.get("/indicator/worklist")  # reloads what the test's commits expired
    with queries() as big:
        c.get("/indicator/worklist")
    assert len(big) == len(small)


def test_worklist_counts_the_indicators_waiting_women_and_girls(make, world):
    from caseapp.clients.models import Sex
    from caseapp.indicator.queries import compute, term_period
    from caseapp.indicator.services import worklist

    man = make.client(world["b"], sex=Sex.MALE, code="KH-MAN")
    make.case(world["b"], man, detected_on=date(2025, 4, 1), code="HS-MAN")
    two_cases = make.client(world["b"], code="KH-TWO")
    make.case(world["b"], two_cases, detected_on=date(2025, 6, 1), code="HS-TWO-LATER")
    make.case(world["b"], two_cases, detected_on=date(2025, 5, 1), code="HS-TWO-FIRST")
    start, end = term_period()
    figures = compute(world["root"], start, end, with_trend=False, with_services=False).total
    wl = worklist(world["root"], 1, per_page=2)
    assert wl.total == figures.denominator - figures.numerator == 3
    # Oldest first detection first: 2024-05-01, then HS-B's client (2025-01-01).
    assert [[code for _id, code in e.cases] for e in wl.entries] == [["HS-WAITING"], ["HS-B"]]
    assert wl.entries[0].client_code == "KH-WAITING"
    last = worklist(world["root"], 2, per_page=2)
    assert [(e.client_code, [code for _id, code in e.cases]) for e in last.entries] == [
        ("KH-TWO", ["HS-TWO-FIRST", "HS-TWO-LATER"])]
    # Past the end: the last page, as on every list.
    past = worklist(world["root"], 5, per_page=2)
    assert (past.entries, past.total, past.pages, past.page) == (last.entries, 3, 2, 2)
    assert all(e.client_code != "KH-MAN" for e in worklist(world["root"]).entries)


def test_settings_admin_only_and_audited(make, login_as, world):
    counting = make.service_type("health")
    other = make.service_type("loan")
    admin = make.user("admin", unit=world["root"])
    sup = make.user("supervisor", unit=world["root"])
    # A supervisor works with the indicator, so its settings answer 403, not 404.
    assert login_as(sup).get("/indicator/settings").status_code == 403
    c = login_as(admin)
    assert c.get("/indicator/settings").status_code == 200
    resp = c.post("/indicator/settings", data={
        "target_percent": "85", "term_start": "01/01/2021", "term_end": "31/12/2026",
        "counting": [str(counting.id)], "small_cell_threshold": "3",
    })
    assert resp.status_code == 302
    db.session.expire_all()
    g.pop("_settings_cache", None)
    assert get_setting("indicator_target") == 0.85
    assert get_setting("small_cell_threshold") == 3
    assert db.session.get(ServiceType, other.id).counts_toward_indicator is False
    assert db.session.get(ServiceType, counting.id).counts_toward_indicator is True
    entry = db.session.scalar(sa.select(AuditEntry)
                              .where(AuditEntry.action == "indicator.settings_update"))
    assert "indicator_target" in entry.summary
    assert "counting_service_types(2)" in entry.summary  # loan and legal_aid switched off


def test_settings_rejects_term_end_before_start(make, login_as, world):
    admin = make.user("admin", unit=world["root"])
    resp = login_as(admin).post("/indicator/settings", data={
        "target_percent": "80", "term_start": "01/01/2026", "term_end": "31/12/2021",
        "small_cell_threshold": "4",
    })
    assert resp.status_code == 200
    assert "The term cannot end before it starts." in resp.get_data(as_text=True)


def test_operational_counts(make, world):
    from datetime import UTC, datetime

    from caseapp.consultations.models import Consultation, ConsultationChannel, ConsultationKind
    from caseapp.indicator.services import operational_counts

    closed = make.case(world["b"], status=CaseStatus.CLOSED, current_risk=RiskLevel.HIGH)
    open_case = make.case(world["b"])
    make.referral(open_case, ReferralState.SENT, follow_up_on=date(2026, 6, 1))
    make.referral(open_case, ReferralState.RECEIVED, follow_up_on=date(2026, 6, 1))
    make.referral(open_case, ReferralState.SENT, follow_up_on=date(2026, 7, 1))
    for held, follow in ((datetime(2026, 5, 1, tzinfo=UTC), date(2026, 5, 10)),
                         (datetime(2026, 5, 20, tzinfo=UTC), date(2026, 6, 1))):
        db.session.add(Consultation(case_id=open_case.id, held_at=held,
                                    kind=ConsultationKind.LEGAL,
                                    channel=ConsultationChannel.PHONE, follow_up_on=follow))
    db.session.add(Consultation(case_id=closed.id, held_at=datetime(2026, 5, 1, tzinfo=UTC),
                                kind=ConsultationKind.LEGAL, channel=ConsultationChannel.PHONE,
                                follow_up_on=date(2026, 5, 2)))
    db.session.commit()
    counts = operational_counts(world["root"])
    # world: 3 open cases (one high risk) + open_case; the closed one is not counted.
    assert counts["open_cases"] == 4
    assert counts["high_risk"] == 1
    assert counts["overdue_referrals"] == 1
    assert counts["overdue_consultations"] == 1  # only the latest one on an open case
    assert operational_counts(world["b"])["high_risk"] == 0


@pytest.fixture
def app_overrides() -> dict[str, object]:
    # These tests compare texts with their English ids; Vietnamese rendering is checked in
    # tests/foundation/test_translations.py and the browser tests.
    return {"BABEL_DEFAULT_LOCALE": "en"}
