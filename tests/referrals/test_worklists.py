"""Worklists and badges on constructed data; query counts do not grow with the data."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from caseapp.cases.models import CaseStatus, RiskLevel
from caseapp.db import db
from caseapp.referrals import services
from caseapp.referrals.models import ReferralState as S
from caseapp.settings.services import set_setting

# The test clock: Monday 15/06/2026 in Vietnam; the week ends on Sunday 21/06.
D = date


def _ids(rows: list[Any]) -> set[int]:
    return {row.referral.id for row in rows}


def test_counselor_lists(world: Any, make: Any) -> None:
    me = world.counselor
    ref = world.referral
    overdue_approved = ref(S.APPROVED, follow_up_on=D(2026, 6, 10))
    overdue_draft = ref(S.DRAFT, follow_up_on=D(2026, 6, 14))
    ref(S.RECEIVED, follow_up_on=D(2026, 6, 10), received_on=D(2026, 6, 9))  # done: no alert
    due_today = ref(S.SUBMITTED, follow_up_on=D(2026, 6, 15))
    due_sunday = ref(S.ACCEPTED, follow_up_on=D(2026, 6, 21), sent_on=D(2026, 6, 12))
    ref(S.DRAFT, follow_up_on=D(2026, 6, 22))  # next week
    ref(S.CANCELLED, follow_up_on=D(2026, 6, 16))
    no_resp = ref(S.SENT, sent_on=D(2026, 6, 8))  # exactly 7 days
    ref(S.SENT, sent_on=D(2026, 6, 9))  # 6 days: not yet
    ref(S.ACCEPTED, sent_on=D(2026, 6, 1))  # answered
    # A colleague's referral: not mine ...
    ref(S.DRAFT, follow_up_on=D(2026, 6, 1), created_by_id=world.counselor2.id)
    # ... unless the case is assigned to me.
    my_case = make.case(world.a, counselor_id=me.id)
    assigned = ref(S.SENT, case=my_case, created_by_id=world.counselor2.id,
                   sent_on=D(2026, 6, 12), follow_up_on=D(2026, 6, 11))
    # My name on a case of another unit (moved away): outside my scope now.
    ref(S.DRAFT, case=make.case(world.b), follow_up_on=D(2026, 6, 1))

    assert _ids(services.overdue(me)) == {overdue_approved.id, overdue_draft.id, assigned.id}
    assert _ids(services.due_this_week(me)) == {due_today.id, due_sunday.id}
    assert _ids(services.no_response(me)) == {no_resp.id}
    assert services.count_attention(me) == 4
    counts = services.my_state_counts(me)
    assert counts[S.DRAFT] == 2 and counts[S.SENT] == 3 and counts[S.CANCELLED] == 1
    assert _ids(services.my_referrals(me, S.SENT)) == {no_resp.id, assigned.id,
                                                        no_resp.id + 1}
    # A page at a time, newest referral first, the total over all pages.
    pages = [services.my_referrals(me, S.SENT, n, per_page=2) for n in (1, 2)]
    assert [p.total for p in pages] == [3, 3]
    assert [len(p.items) for p in pages] == [2, 1]
    assert _ids(pages[0].items) | _ids(pages[1].items) == _ids(services.my_referrals(me, S.SENT))
    # The colleague sees her own overdue draft, not mine.
    assert len(services.overdue(world.counselor2)) == 2  # her draft and the assigned-case one

    # The setting moves the no-response threshold; the clock moves the lists.
    set_setting("no_response_days", 3)
    db.session.commit()
    from flask import g

    g.pop("_settings_cache", None)
    assert _ids(services.no_response(me)) == {no_resp.id, no_resp.id + 1, assigned.id}
    world.make  # noqa: B018 (keeps the fixture alive for the clock change below)


def test_lists_follow_the_clock(world: Any, app: Any) -> None:
    r = world.referral(S.APPROVED, follow_up_on=D(2026, 6, 20))
    me = world.counselor
    assert _ids(services.due_this_week(me)) == {r.id} and not services.overdue(me)
    app.config["CLOCK_NOW"] = datetime(2026, 6, 22, 3, 0, tzinfo=UTC)
    assert _ids(services.overdue(me)) == {r.id} and not services.due_this_week(me)


def test_supervisor_review_list(world: Any, make: Any) -> None:
    sup = world.supervisor
    theirs = world.referral(S.SUBMITTED)
    own = world.referral(S.SUBMITTED, created_by_id=sup.id)
    world.referral(S.APPROVED)
    world.referral(S.RETURNED)
    world.referral(S.SUBMITTED, case=make.case(world.b), created_by_id=world.counselor_b.id)
    sub = make.unit("PA9", parent=world.a)
    below = world.referral(S.SUBMITTED, case=make.case(sub))
    assert _ids(services.awaiting_review(sup)) == {theirs.id, below.id}
    assert services.count_awaiting_review(sup) == 2
    assert services.awaiting_review(world.counselor).items == []
    set_setting("allow_self_approval", True)
    db.session.commit()
    from flask import g

    g.pop("_settings_cache", None)
    assert _ids(services.awaiting_review(sup)) == {theirs.id, below.id, own.id}


def test_high_risk_cases_without_service(world: Any, make: Any) -> None:
    sup = world.supervisor
    hi = {"current_risk": RiskLevel.HIGH}
    nothing = make.case(world.a, **hi)
    only_failed = make.case(world.a, **hi)
    world.referral(S.REFUSED, case=only_failed)
    world.referral(S.CANCELLED, case=only_failed)
    world.referral(S.NOT_RECEIVED, case=only_failed)
    only_draft = make.case(world.a, **hi)
    world.referral(S.DRAFT, case=only_draft)
    world.referral(S.SUBMITTED, case=only_draft)
    for state in (S.APPROVED, S.SENT, S.ACCEPTED, S.RECEIVED):
        world.referral(state, case=make.case(world.a, **hi))
    make.case(world.a, status=CaseStatus.CLOSED, **hi)
    make.case(world.a, current_risk=RiskLevel.MEDIUM)
    make.case(world.b, **hi)
    in_progress = make.case(world.a, status=CaseStatus.IN_PROGRESS, **hi)
    expected = {nothing.id, only_failed.id, only_draft.id, in_progress.id}
    assert {c.id for c in services.high_risk_without_service(sup)} == expected
    assert services.count_high_risk(sup) == 4
    assert services.high_risk_without_service(world.counselor).items == []


def test_an_empty_list_spans_exactly_its_table_columns(world: Any, login_as: Any) -> None:
    # A row wider than the header makes a column no cell begins in: invalid HTML.
    html = login_as(world.counselor).get("/referrals/").get_data(as_text=True)
    tables = re.findall(r"<table>.*?</table>", html, re.S)
    assert len(tables) == 4  # overdue, no response, due this week, all: every one empty
    for table in tables:
        spans = [int(n) for n in re.findall(r'<td colspan="(\d+)"', table)]
        assert spans == [table.count('<th scope="col">')]


def test_worklists_come_a_page_at_a_time(world: Any, make: Any, login_as: Any) -> None:
    sup = world.supervisor
    cases = [make.case(world.a, current_risk=RiskLevel.HIGH) for _ in range(5)]
    submitted = [world.referral(S.SUBMITTED, case=c) for c in cases]
    in_order = [c.id for c in sorted(cases, key=lambda c: (c.detected_on, c.id))]
    pages = [services.high_risk_without_service(sup, n, per_page=2) for n in (1, 2, 3)]
    assert [p.total for p in pages] == [5, 5, 5] and pages[0].pages == 3
    assert [c.id for p in pages for c in p.items] == in_order
    # Past the end: the last page, not an empty one.
    assert [c.id for c in services.high_risk_without_service(sup, 9, per_page=2)] == in_order[4:]
    review = [services.awaiting_review(sup, n, per_page=2) for n in (1, 2, 3)]
    assert sorted(row.referral.id for p in review for row in p.items) == sorted(
        r.id for r in submitted)



def test_a_long_worklist_has_previous_and_next_links(world: Any, make: Any,
                                                     login_as: Any) -> None:
    for _ in range(51):
        make.case(world.a, current_risk=RiskLevel.HIGH)
    client = login_as(world.supervisor)
    first = client.get("/referrals/high-risk").get_data(as_text=True)
    # One risk tag per row; the pager says "Trang 1/2" (Vietnamese, the default).
    assert "1/2</span>" in first and 'href="/referrals/high-risk?page=2"' in first
    assert first.count('class="tag tag-high"') == 50
    last = client.get("/referrals/high-risk?page=2").get_data(as_text=True)
    assert "2/2</span>" in last and 'href="/referrals/high-risk?page=1"' in last
    assert last.count('class="tag tag-high"') == 1
    assert client.get("/referrals/high-risk?page=abc").status_code == 200


def test_badges_show_in_navigation(world: Any, login_as: Any) -> None:
    world.referral(S.SUBMITTED, follow_up_on=D(2026, 6, 1))
    world.referral(S.SUBMITTED)
    html = login_as(world.supervisor).get("/").get_data(as_text=True)
    assert 'href="/referrals/review"' in html
    assert 'Referral review</a>' not in html  # it carries a badge
    assert '<span class="badge">2</span>' in html
    chtml = login_as(world.counselor).get("/").get_data(as_text=True)
    assert '/referrals/review' not in chtml
    assert '<span class="badge">1</span>' in chtml


def test_worklist_links_to_the_case_or_referral(world: Any, login_as: Any) -> None:
    r = world.referral(S.APPROVED, follow_up_on=D(2026, 6, 1))
    html = login_as(world.counselor).get("/referrals/").get_data(as_text=True)
    assert world.case.code in html and f"/referrals/{r.id}" in html


def _fill(world: Any, n: int) -> None:
    for i in range(n):
        case = world.make.case(world.a, current_risk=RiskLevel.HIGH)
        world.referral(S.SUBMITTED, case=case, follow_up_on=D(2026, 6, 1 + i % 20))
        world.referral(S.SENT, case=world.case, sent_on=D(2026, 6, 1),
                       created_by_id=world.supervisor.id,
                       follow_up_on=D(2026, 6, 16), consent_override=True,
                       override_by_id=world.supervisor.id,
                       provider_id=None if i % 2 else world.provider.id,
                       provider_name="Village clinic" if i % 2 else None)


def _fresh_request_state() -> None:
    """Test requests share the test's application context and session; start each measured
    request as a real one would: nothing cached, nothing loaded."""
    from flask import g

    g.pop("_settings_cache", None)
    db.session.expire_all()


@pytest.mark.parametrize("url", ["/referrals/", "/referrals/review", "/referrals/high-risk"])
def test_worklist_queries_do_not_grow(world: Any, login_as: Any, queries: Any,
                                      url: str) -> None:
    c = login_as(world.supervisor)
    _fill(world, 2)
    _fresh_request_state()
    with queries() as few:
        assert c.get(url).status_code == 200
    _fill(world, 18)
    _fresh_request_state()
    with queries() as many:
        html = c.get(url).get_data(as_text=True)
    assert len(few) == len(many)
    # 20 rows in each list, drawn without a query per row.
    assert html.count("Mở chuyển gửi") >= 20 or html.count("Chuyển gửi mới") >= 20
    if url == "/referrals/":
        assert "Village clinic" in html


def test_all_badges_of_a_page_are_counted_in_one_statement(world: Any, login_as: Any,
                                                           queries: Any) -> None:
    world.referral(S.SUBMITTED)
    c = login_as(world.supervisor)
    c.get("/")
    with queries() as statements:
        html = c.get("/").get_data(as_text=True)
    assert '<span class="badge">1</span>' in html
    counts = [s for s in statements if "count(" in s.lower()]
    assert len(counts) == 1
    # The review badge, the high-risk badge and the others are all in that one statement.
    assert counts[0].lower().count("count(") >= 4
