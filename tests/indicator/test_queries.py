"""Each clause of the indicator's definition, pinned by a hand-built dataset."""

from __future__ import annotations

from datetime import date

import pytest

from caseapp.cases.models import CaseCategory
from caseapp.clients.models import Sex
from caseapp.db import db
from caseapp.indicator import queries
from caseapp.referrals.models import ReferralState
from caseapp.settings.services import set_setting
from caseapp.units.services import merge_unit
from tests.factories import Factory

START, END = date(2026, 1, 1), date(2026, 3, 31)
AS_OF = date(2026, 4, 30)
R = ReferralState


def _compute(unit, start=START, end=END, as_of=AS_OF):
    return queries.compute(unit, start, end, as_of)


@pytest.fixture
def tree(make: Factory):
    root = make.unit("P", kind="province")
    a = make.unit("A", parent=root)
    b = make.unit("B", parent=root)
    return root, a, b


def received(make, case, service="health", on=date(2026, 2, 1)):
    return make.referral(case, R.RECEIVED, service=service, received_on=on)


def test_client_with_two_qualifying_cases_counts_once(make, tree):
    root, a, _ = tree
    cl = make.client(a)
    make.case(a, cl, detected_on=date(2026, 1, 5))
    c2 = make.case(a, cl, detected_on=date(2026, 2, 5), category=CaseCategory.TRAFFICKING)
    received(make, c2)
    res = _compute(root)
    assert (res.total.denominator, res.total.numerator) == (1, 1)
    assert res.total.rate == 1.0


def test_males_and_other_categories_excluded(make, tree):
    root, a, _ = tree
    make.case(a, make.client(a, sex=Sex.MALE))
    make.case(a, make.client(a, sex=Sex.OTHER))
    make.case(a, category=CaseCategory.FAMILY)
    make.case(a, category=CaseCategory.LEGAL)
    make.case(a)  # the one qualifying case
    res = _compute(root)
    assert res.total.denominator == 1
    assert res.total.numerator == 0
    assert res.total.rate == 0.0


def test_detection_outside_period_excluded_boundaries_included(make, tree):
    root, a, _ = tree
    make.case(a, detected_on=date(2025, 12, 31))
    make.case(a, detected_on=date(2026, 4, 1))
    make.case(a, detected_on=START)
    make.case(a, detected_on=END)
    assert _compute(root).total.denominator == 2


def test_empty_denominator_rate_is_none(make, tree):
    root, *_ = tree
    res = _compute(root)
    assert res.total.denominator == 0
    assert res.total.rate is None


def test_service_on_non_qualifying_case_of_same_client_does_not_count(make, tree):
    root, a, _ = tree
    cl = make.client(a)
    make.case(a, cl)
    family = make.case(a, cl, category=CaseCategory.FAMILY)
    old = make.case(a, cl, detected_on=date(2025, 6, 1))
    received(make, family)
    received(make, old)
    res = _compute(root)
    assert (res.total.denominator, res.total.numerator) == (1, 0)


def test_received_after_as_of_does_not_count(make, tree):
    root, a, _ = tree
    c = make.case(a)
    received(make, c, on=date(2026, 5, 1))
    assert _compute(root).total.numerator == 0
    assert _compute(root, as_of=date(2026, 5, 1)).total.numerator == 1


@pytest.mark.parametrize("state", [R.REFUSED, R.NOT_RECEIVED, R.CANCELLED, R.DRAFT,
                                   R.SUBMITTED, R.RETURNED])
def test_other_states_do_not_count(make, tree, state):
    root, a, _ = tree
    c = make.case(a)
    make.referral(c, state, received_on=date(2026, 2, 1))
    res = _compute(root)
    assert (res.total.denominator, res.total.numerator, res.total.pending) == (1, 0, 0)


def test_non_counting_service_type_does_not_count(make, tree):
    root, a, _ = tree
    make.service_type("hardship", counts=False)
    c = make.case(a)
    received(make, c, service="hardship")
    res = _compute(root)
    assert res.total.numerator == 0
    services = {s.code: s for s in res.by_service}
    assert services["hardship"].services == 1 and services["hardship"].counts is False


@pytest.mark.parametrize("state", [R.APPROVED, R.SENT, R.ACCEPTED])
def test_pending_states(make, tree, state):
    root, a, _ = tree
    c = make.case(a)
    make.referral(c, state)
    res = _compute(root)
    assert (res.total.denominator, res.total.numerator, res.total.pending) == (1, 0, 1)


def test_pending_excludes_clients_in_numerator(make, tree):
    root, a, _ = tree
    c = make.case(a)
    make.referral(c, R.SENT)
    received(make, c, service="legal_aid")
    res = _compute(root)
    assert (res.total.numerator, res.total.pending) == (1, 0)


def test_girls_women_boundary_at_sixteen(make, tree):
    root, a, _ = tree
    make.case(a, age_at_detection=15)
    make.case(a, age_at_detection=16)
    make.case(a, age_at_detection=None)
    res = _compute(root)
    assert res.by_age["girls"].denominator == 1
    assert res.by_age["women"].denominator == 1
    assert res.by_age["unknown"].denominator == 1


def test_age_class_from_earliest_qualifying_case(make, tree):
    root, a, _ = tree
    cl = make.client(a)
    make.case(a, cl, detected_on=date(2026, 2, 1), age_at_detection=16)
    c = make.case(a, cl, detected_on=date(2026, 1, 10), age_at_detection=15)
    received(make, c)
    res = _compute(root)
    assert res.by_age["girls"].as_dict() == {"denominator": 1, "numerator": 1,
                                              "pending": 0, "rate": 1.0}
    assert res.by_age["women"].denominator == 0


def test_by_category_recomputes_per_category(make, tree):
    root, a, _ = tree
    cl = make.client(a)
    make.case(a, cl)
    t = make.case(a, cl, category=CaseCategory.TRAFFICKING)
    received(make, t)
    res = _compute(root)
    assert res.by_category["dv"].as_dict()["denominator"] == 1
    assert res.by_category["dv"].numerator == 0
    assert res.by_category["trafficking"].numerator == 1
    assert res.total.numerator == 1


def test_merged_units_roll_up_into_successor(make, tree):
    root, a, b = tree
    b_child = make.unit("B1", parent=b)
    received(make, make.case(b_child))
    make.case(b)
    merge_unit(b, a, date(2025, 7, 1))
    db.session.commit()
    make.case(a)
    res = _compute(root)
    assert [u.code for u in res.by_unit] == ["A"]
    assert res.by_unit[0].figures.denominator == 3
    assert res.by_unit[0].figures.numerator == 1
    assert _compute(a).total.denominator == 3


def test_by_unit_lists_only_direct_non_merged_children(make, tree):
    root, a, b = tree
    a1 = make.unit("A1", parent=a)
    make.case(a1)
    make.case(b)
    make.case(root)  # recorded at the root itself: in the total only
    res = _compute(root)
    assert [(u.code, u.figures.denominator) for u in res.by_unit] == [("A", 1), ("B", 1)]
    assert res.total.denominator == 3
    # A subtree query only sees its own part.
    assert _compute(a).total.denominator == 1
    assert [u.code for u in _compute(a).by_unit] == ["A1"]


def test_client_in_two_units_counts_in_each_child(make, tree):
    root, a, b = tree
    cl = make.client(a)
    make.case(a, cl)
    received(make, make.case(b, cl))
    res = _compute(root)
    rows = {u.code: u.figures for u in res.by_unit}
    assert (rows["A"].denominator, rows["A"].numerator) == (1, 0)
    assert (rows["B"].denominator, rows["B"].numerator) == (1, 1)
    assert res.total.denominator == 1 and res.total.numerator == 1


def test_target_setting_and_json_shape(make, tree):
    root, a, _ = tree
    set_setting("indicator_target", 0.75)
    db.session.commit()
    make.case(a)
    data = _compute(root).to_json_dict()
    assert data["target"] == 0.75
    assert set(data) == {"unit", "from", "to", "as_of", "denominator", "numerator", "pending",
                         "rate", "target", "by_unit", "by_category", "by_age"}


def test_trend_is_cumulative_by_month_end(make, tree):
    root, a, _ = tree
    c1 = make.case(a, detected_on=date(2026, 1, 10))
    received(make, c1, on=date(2026, 2, 10))
    make.case(a, detected_on=date(2026, 3, 3))
    res = _compute(root)
    points = [(p.month_end, p.figures.denominator, p.figures.numerator) for p in res.trend]
    assert points == [
        (date(2026, 1, 31), 1, 0),
        (date(2026, 2, 28), 1, 1),
        (date(2026, 3, 31), 2, 1),
    ]


def test_fixed_number_of_queries(make, tree, queries):
    root, a, _b = tree
    for _ in range(3):
        make.case(a)

    def count() -> int:
        _compute(root)  # loads the expired unit and the cached settings first
        with queries() as stmts:
            _compute(root)
        return len(stmts)

    small = count()
    for i in range(4):
        u = make.unit(f"C{i}", parent=root)
        received(make, make.case(u))
    assert count() == small <= 5


def test_trend_points_equal_the_indicator_of_each_month(make, tree):
    """Each point is the indicator for [start, month end] as of min(month end, as-of), also
    for a client whose receipt predates a later case, a receipt recorded before detection,
    and a receipt after the as-of date."""
    root, a, b = tree
    start, end, as_of = date(2026, 1, 1), date(2026, 5, 31), date(2026, 4, 15)
    one = make.client(a)
    first = make.case(a, client=one, detected_on=date(2026, 3, 5))
    received(make, first, on=date(2026, 3, 20))
    make.case(a, client=one, detected_on=date(2026, 1, 20))
    early = make.case(b, detected_on=date(2026, 2, 10))
    received(make, early, on=date(2026, 1, 25))  # recorded before the detection date
    late = make.case(b, detected_on=date(2026, 2, 1))
    received(make, late, on=date(2026, 4, 30))  # after the as-of date
    make.case(a, detected_on=date(2026, 5, 2))
    points = queries.trend(root, start, end, as_of)
    assert [p.month_end for p in points] == queries.month_ends(start, end)
    for p in points:
        ref = queries.compute(root, start, p.month_end, min(p.month_end, as_of)).total
        assert (p.figures.denominator, p.figures.numerator) == (ref.denominator, ref.numerator)
    assert points[-1].figures.numerator == 2
