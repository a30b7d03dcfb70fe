from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from caseapp.audit.models import AuditEntry
from caseapp.cases.models import Case, CaseCategory, CaseEvent, CaseStatus, RiskLevel, VictimStatus
from caseapp.db import db
from tests.orgtree import Org, a_case, identified_client


def case_form(org: Org, **kw: object) -> dict[str, object]:
    data: dict[str, object] = {
        "unit": str(org.a.id), "counselor": str(org.counselor_a.id), "category": "dv",
        "detected_on": "10/06/2026", "opened_on": "12/06/2026", "intake_channel": "walk_in",
        "referring_source": "self", "summary": "Bị chồng đánh nhiều lần, con nhỏ 3 tuổi.",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def cases() -> list[Case]:
    return list(db.session.scalars(sa.select(Case).order_by(Case.id)))


def audits(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_register_client_then_open_case(org: Org, login_as) -> None:
    c = login_as(org.counselor_a)
    resp = c.post("/clients/new", data={"full_name": "Sơn Thị Na", "sex": "F",
                                        "birth_date": "20/06/2000"})
    new_case_url = resp.headers["Location"]
    assert c.get(new_case_url).status_code == 200
    resp = c.post(new_case_url, data=case_form(org))
    assert resp.status_code == 302
    (case,) = cases()
    assert case.code == "HS.A.2026.0001" and case.status == CaseStatus.OPEN
    assert case.unit_id == org.a.id and case.counselor_id == org.counselor_a.id
    assert case.detected_on == date(2026, 6, 10) and case.opened_on == date(2026, 6, 12)
    assert case.summary.startswith("Bị chồng")
    assert case.age_at_detection == 25  # 26th birthday on 20/06/2026, after detection
    (event,) = db.session.scalars(sa.select(CaseEvent)).all()
    assert event.from_status is None and event.to_status == CaseStatus.OPEN
    (entry,) = audits("case.create")
    assert case.code in entry.summary and "Sơn" not in entry.summary


@pytest.mark.parametrize("bad, message", [
    ({"detected_on": "16/06/2026"}, "This date cannot be in the future."),
    ({"detected_on": ""}, "This field is required."),
    ({"category": "trafficking"}, "Give the victim status for a trafficking case."),
    ({"unit": "999"}, "Not a valid choice"),
    ({"unit": "UNKNOWN-CODE"}, "Not a valid choice"),
    ({"summary": "x" * 10_001}, "At most 10000 characters."),
    ({"counselor": "424242"}, "Not a valid choice"),
])
def test_invalid_case_input_writes_nothing(org: Org, make, login_as, bad, message) -> None:
    client = make.client(org.a)
    resp = login_as(org.counselor_a).post(f"/cases/new/{client.id}", data=case_form(org, **bad))
    assert resp.status_code == 200
    assert message in resp.get_data(as_text=True)
    assert cases() == []
    assert audits("case.create") == []


def test_trafficking_case_needs_victim_status(org: Org, make, login_as) -> None:
    client = make.client(org.a)
    resp = login_as(org.counselor_a).post(
        f"/cases/new/{client.id}",
        data=case_form(org, category="trafficking", victim_status="being_identified"))
    assert resp.status_code == 302
    assert cases()[0].victim_status == VictimStatus.BEING_IDENTIFIED


def test_counselor_cannot_open_case_in_another_unit(org: Org, make, login_as) -> None:
    client = make.client(org.a)
    resp = login_as(org.counselor_a).post(
        f"/cases/new/{client.id}", data=case_form(org, unit=str(org.b.id), counselor=""))
    assert "Not a valid choice" in resp.get_data(as_text=True)
    assert cases() == []


def test_supervisor_opens_case_in_subtree_with_its_counselor(org: Org, make, login_as) -> None:
    client = make.client(org.d)
    c = login_as(org.sup_d)
    bad = c.post(f"/cases/new/{client.id}",
                 data=case_form(org, unit=str(org.b.id), counselor=str(org.counselor_a.id)))
    assert "The counselor must be a user of the case&#39;s unit." in bad.get_data(as_text=True)
    assert cases() == []
    outside = c.post(f"/cases/new/{client.id}", data=case_form(org, unit=str(org.c.id)))
    assert "Not a valid choice" in outside.get_data(as_text=True)
    ok = c.post(f"/cases/new/{client.id}",
                data=case_form(org, unit=str(org.b.id), counselor=str(org.counselor_b.id)))
    assert ok.status_code == 302
    assert cases()[0].unit_id == org.b.id and cases()[0].code.startswith("HS.B.")


def test_case_view_is_audited_and_hides_name(org: Org, make, login_as) -> None:
    client = identified_client(make, org.a, name="Kim Thị Sa Ly", phone="0909111222")
    case = a_case(make, org.a, client=client, current_risk=RiskLevel.HIGH)
    c = login_as(org.sup_d)
    html = c.get(f"/cases/{case.id}").get_data(as_text=True)
    assert case.code in html and client.code in html
    assert "Kim Thị" not in html
    assert "risk-banner" in html  # high risk shown prominently
    (entry,) = audits("case.view")
    assert entry.object_id == case.id and entry.user_id == org.sup_d.id
    html = c.post(f"/cases/{case.id}/reveal").get_data(as_text=True)
    assert "Kim Thị Sa Ly" in html
    assert len(audits("client.reveal")) == 1


def _edit(org: Org, case: Case, **kw: object) -> dict[str, object]:
    return case_form(org, version=str(case.version), **kw)


def test_edit_audits_changed_field_names_not_values(org: Org, make, login_as) -> None:
    case = a_case(make, org.a, summary="Nội dung cũ", opened_on=date(2026, 6, 12),
                  counselor_id=org.counselor_a.id, detected_on=date(2026, 6, 10),
                  intake_channel=None)
    c = login_as(org.counselor_a)
    assert c.get(f"/cases/{case.id}/edit").status_code == 200
    resp = c.post(f"/cases/{case.id}/edit",
                  data=_edit(org, case, category="family", summary="Nội dung mới",
                             intake_channel="walk_in", referring_source=None))
    assert resp.status_code == 302
    (entry,) = audits("case.update")
    assert entry.summary == f"code={case.code};fields=category,intake_channel,summary"
    assert "Nội dung" not in entry.summary and "family" not in entry.summary
    db.session.expire_all()
    assert case.category == CaseCategory.FAMILY and case.summary == "Nội dung mới"


def test_stale_case_edit_is_refused(org: Org, make, login_as) -> None:
    case = a_case(make, org.a, detected_on=date(2026, 6, 10), opened_on=date(2026, 6, 12))
    first, second = login_as(org.counselor_a), login_as(org.counselor_a2)
    version = case.version
    assert first.post(f"/cases/{case.id}/edit",
                      data=_edit(org, case, summary="Bản thứ nhất")).status_code == 302
    resp = second.post(f"/cases/{case.id}/edit",
                       data=case_form(org, version=str(version), summary="Bản thứ hai"))
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "Someone else changed this record" in html and "Bản thứ hai" in html
    db.session.expire_all()
    assert case.summary == "Bản thứ nhất"
    assert len(audits("case.update")) == 1


def test_closure_workflow(app, org: Org, make, login_as) -> None:
    case = a_case(make, org.a, detected_on=date(2026, 3, 1), opened_on=date(2026, 3, 2))
    counselor, supervisor = login_as(org.counselor_a), login_as(org.sup_d)
    url = f"/cases/{case.id}/status/"
    assert counselor.post(url + "start").status_code == 302
    # A reason is needed to ask for closure.
    assert counselor.post(url + "request_closure", data={"comment": ""}).status_code == 400
    assert counselor.post(url + "request_closure",
                          data={"comment": "Đã ổn định"}).status_code == 302
    db.session.expire_all()
    assert case.status == CaseStatus.CLOSURE_REQUESTED
    # A counselor cannot approve her own request.
    counselor.post(url + "approve_closure", data={"closed_on": "10/06/2026", "comment": "ok"})
    db.session.expire_all()
    assert case.status == CaseStatus.CLOSURE_REQUESTED and case.closed_on is None
    # The supervisor returns it with a comment, the counselor asks again, the supervisor closes.
    assert supervisor.post(url + "return", data={"comment": "Thiếu tư vấn pháp lý"}
                           ).status_code == 302
    db.session.expire_all()
    assert case.status == CaseStatus.IN_PROGRESS
    counselor.post(url + "request_closure", data={"comment": "Đã bổ sung"})
    resp = supervisor.post(url + "approve_closure",
                           data={"closed_on": "01/03/2026", "comment": "Hoàn tất"})
    assert resp.status_code == 400
    assert "A case cannot be closed before it was opened." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert case.status == CaseStatus.CLOSURE_REQUESTED
    assert supervisor.post(url + "approve_closure",
                           data={"closed_on": "10/06/2026", "comment": "Hoàn tất"}
                           ).status_code == 302
    db.session.expire_all()
    assert case.status == CaseStatus.CLOSED and case.closed_on == date(2026, 6, 10)
    assert case.closure_reason == "Hoàn tất"
    # Reopening by the counselor, with a reason.
    assert counselor.post(url + "reopen", data={"comment": "Bị đánh lại"}).status_code == 302
    db.session.expire_all()
    assert case.status == CaseStatus.IN_PROGRESS and case.closed_on is None
    events = db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()
    assert [(e.from_status, e.to_status) for e in events] == [
        (CaseStatus.OPEN, CaseStatus.IN_PROGRESS),
        (CaseStatus.IN_PROGRESS, CaseStatus.CLOSURE_REQUESTED),
        (CaseStatus.CLOSURE_REQUESTED, CaseStatus.IN_PROGRESS),
        (CaseStatus.IN_PROGRESS, CaseStatus.CLOSURE_REQUESTED),
        (CaseStatus.CLOSURE_REQUESTED, CaseStatus.CLOSED),
        (CaseStatus.CLOSED, CaseStatus.IN_PROGRESS),
    ]
    assert events[2].comment == "Thiếu tư vấn pháp lý" and events[2].user_id == org.sup_d.id
    summaries = [e.summary for e in audits("case.status")]
    assert len(summaries) == 6
    assert summaries[4] == (f"code={case.code};action=approve_closure;"
                            "from=closure_requested;to=closed")
    assert all("Hoàn" not in s for s in summaries)
    # The timeline on the case page shows every change.
    html = supervisor.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Case reopened" in html and "Closure request returned" in html


def test_editing_opened_after_closed_is_refused(org: Org, make, login_as) -> None:
    case = a_case(make, org.a, detected_on=date(2026, 3, 1), opened_on=date(2026, 3, 2),
                  status=CaseStatus.CLOSED, closed_on=date(2026, 4, 1))
    resp = login_as(org.sup_d).post(
        f"/cases/{case.id}/edit",
        data=case_form(org, version=str(case.version), detected_on="01/03/2026",
                       opened_on="05/05/2026"))
    assert "A case cannot be closed before it was opened." in resp.get_data(as_text=True)
    db.session.expire_all()
    assert case.opened_on == date(2026, 3, 2)
    assert audits("case.update") == []


def test_timeline_includes_section_entries(org: Org, make, login_as, monkeypatch) -> None:
    from caseapp.cases.sections import SECTIONS, CaseSection, TimelineEntry

    monkeypatch.setitem(SECTIONS, "test_probe", CaseSection(
        key="test_probe", order=999, title="Probe", template="cases/_empty_section.html",
        loader=lambda case: {"n": 1},
        timeline=lambda case, data: [TimelineEntry(datetime(2026, 3, 5, 2, tzinfo=UTC),
                                                   "Probe entry", "seen")],
    ))
    case = a_case(make, org.a)
    html = login_as(org.counselor_a).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Probe entry" in html and "05/03/2026 09:00" in html


def test_timeline_times_are_machine_readable_to_the_second(org: Org, make, app,
                                                          login_as) -> None:
    # The clock's microseconds reach the event; HTML allows three digits of a second at most.
    app.config["CLOCK_NOW"] = datetime(2026, 6, 15, 3, 4, 5, 916777, tzinfo=UTC)
    case = a_case(make, org.a)
    counselor = login_as(org.counselor_a)
    assert counselor.post(f"/cases/{case.id}/status/start").status_code == 302
    html = counselor.get(f"/cases/{case.id}").get_data(as_text=True)
    assert re.findall(r'<time datetime="([^"]*)">([^<]*)</time>', html) == [
        ("2026-06-15T03:04:05Z", "15/06/2026 10:04")]


@pytest.fixture
def app_overrides() -> dict[str, object]:
    # These tests compare message texts with their English ids; the Vietnamese rendering
    # is checked in tests/foundation/test_translations.py and the browser tests.
    return {"BABEL_DEFAULT_LOCALE": "en"}
