"""The SQL indicator against a plain-Python reference written from the definition, on
random small datasets (a unit tree with a merge, clients, cases, referrals)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseapp.audit.models import AuditEntry, AuditHead
from caseapp.cases.models import Case, CaseCategory
from caseapp.clients.models import Client, Sex
from caseapp.db import db
from caseapp.indicator import queries
from caseapp.referrals.models import Referral, ReferralState, ServiceType
from caseapp.units import services as units
from caseapp.units.models import Unit

START, END, AS_OF = date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 31)
BASE = date(2025, 11, 1)
# Units: 0 root, 1 and 2 children of root, 3 below 1, 4 below 2; 2 is merged into 1.
PARENTS = {1: 0, 2: 0, 3: 1, 4: 2}

referral_st = st.tuples(
    st.sampled_from(list(ReferralState)),
    st.integers(0, 300),  # received_on as days after BASE
    st.booleans(),  # counting service type
)
case_st = st.tuples(
    st.integers(0, 4),  # unit index
    st.sampled_from(list(CaseCategory)),
    st.integers(0, 300),  # detected_on as days after BASE
    st.one_of(st.none(), st.integers(10, 20)),  # age at detection
    st.lists(referral_st, max_size=3),
)
client_st = st.tuples(st.sampled_from(list(Sex)), st.lists(case_st, min_size=1, max_size=3))


def build(data: list) -> dict[int, Unit]:
    units.ensure_default_kinds()
    made: dict[int, Unit] = {0: units.create_unit("R", "Root", "province", None, date(2021, 1, 1))}
    for i in (1, 2, 3, 4):
        made[i] = units.create_unit(f"U{i}", f"Unit {i}", "commune", made[PARENTS[i]],
                                     date(2021, 1, 1))
    counting = ServiceType(code="yes", label_vi="c", label_en="c", counts_toward_indicator=True)
    other = ServiceType(code="no", label_vi="n", label_en="n", counts_toward_indicator=False)
    db.session.add_all([counting, other])
    db.session.flush()
    n = 0
    for ci, (sex, cases) in enumerate(data):
        client = Client(code=f"K{ci}", unit_id=made[0].id, sex=sex)
        db.session.add(client)
        db.session.flush()
        for unit_i, cat, day, age, refs in cases:
            n += 1
            detected = BASE + timedelta(days=day)
            case = Case(code=f"C{n}", unit_id=made[unit_i].id, client_id=client.id,
                        category=cat, detected_on=detected, opened_on=detected,
                        age_at_detection=age)
            db.session.add(case)
            db.session.flush()
            for state, rday, counts in refs:
                db.session.add(Referral(
                    case_id=case.id, unit_id=case.unit_id,
                    service_type_id=(counting if counts else other).id,
                    state=state, referred_on=detected,
                    received_on=BASE + timedelta(days=rday)))
    db.session.flush()
    units.merge_unit(made[2], made[1], date(2025, 7, 1))
    db.session.commit()
    return made


def reference(data: list, group_of) -> dict:
    """Figures per group from the definition; ``group_of(unit_i, category)`` returns the
    groups a qualifying case belongs to."""
    out: dict = {}
    for ci, (sex, cases) in enumerate(data):
        if sex != Sex.FEMALE:
            continue
        per_group: dict = {}
        for unit_i, cat, day, _age, refs in cases:
            detected = BASE + timedelta(days=day)
            if cat not in (CaseCategory.DV, CaseCategory.TRAFFICKING):
                continue
            if not START <= detected <= END:
                continue
            received = any(s == ReferralState.RECEIVED and counts
                           and BASE + timedelta(days=r) <= AS_OF for s, r, counts in refs)
            pending = any(s in (ReferralState.APPROVED, ReferralState.SENT,
                                ReferralState.ACCEPTED) for s, _r, _c in refs)
            for g in group_of(ci, unit_i, cat):
                r0, p0 = per_group.get(g, (False, False))
                per_group[g] = (r0 or received, p0 or pending)
        for g, (r, p) in per_group.items():
            d, n, pe = out.get(g, (0, 0, 0))
            out[g] = (d + 1, n + int(r), pe + int(p and not r))
    return out


def age_class(data: list, ci: int) -> str:
    _sex, cases = data[ci]
    qual = [(BASE + timedelta(days=day), idx, age)
            for idx, (_u, cat, day, age, _r) in enumerate(cases)
            if cat in (CaseCategory.DV, CaseCategory.TRAFFICKING)
            and START <= BASE + timedelta(days=day) <= END]
    _d, _i, age = min(qual)  # cases are created in list order, so idx orders ids
    return "unknown" if age is None else ("girls" if age < 16 else "women")


# The merge puts unit 2 (and 4 below it) under unit 1.
CHILD_OF = {1: "U1", 2: "U1", 3: "U1", 4: "U1", 0: None}


def cleanup() -> None:
    db.session.rollback()
    for model in (Referral, Case, Client, ServiceType, AuditEntry, AuditHead):
        db.session.execute(sa.delete(model))
    db.session.execute(sa.update(Unit).values(parent_id=None, merged_into_id=None))
    db.session.execute(sa.delete(Unit))
    db.session.commit()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.lists(client_st, max_size=6))
def test_sql_matches_reference(app, data):
    try:
        made = build(data)
        res = queries.compute(made[0], START, END, AS_OF)

        def figs(f: queries.Figures) -> tuple[int, int, int]:
            return (f.denominator, f.numerator, f.pending)

        total = reference(data, lambda ci, u, c: ["all"]).get("all", (0, 0, 0))
        assert figs(res.total) == total
        by_cat = reference(data, lambda ci, u, c: [c.value])
        for key in ("dv", "trafficking"):
            assert figs(res.by_category[key]) == by_cat.get(key, (0, 0, 0))
        by_age = reference(data, lambda ci, u, c: [age_class(data, ci)])
        for key in ("women", "girls", "unknown"):
            assert figs(res.by_age[key]) == by_age.get(key, (0, 0, 0))
        by_unit = reference(data, lambda ci, u, c: [CHILD_OF[u]] if CHILD_OF[u] else [])
        assert [u.code for u in res.by_unit] == ["U1"]
        assert figs(res.by_unit[0].figures) == by_unit.get("U1", (0, 0, 0))
        # The subtree of unit 1 after the merge holds units 1 to 4.
        assert figs(queries.compute(made[1], START, END, AS_OF).total) == \
            by_unit.get("U1", (0, 0, 0))
    finally:
        cleanup()
