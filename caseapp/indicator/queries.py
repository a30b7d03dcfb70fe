"""The 80% service-access indicator, computed in SQL.

Definition, for a unit U (its whole subtree, merged units included since a merged unit sits
below its successor), a period [start, end] and an as-of date:

- a *qualifying case* has category dv or trafficking, a female client (``Client.sex == 'F'``),
  a unit in U's subtree and a detection date in [start, end];
- the *denominator* counts distinct clients with at least one qualifying case;
- the *numerator* counts those with at least one referral on one of their qualifying cases in
  state ``received``, ``received_on <= as_of``, for a service type that counts toward the
  indicator;
- *pending* counts those in the denominator but not in the numerator with at least one
  referral on a qualifying case in state approved, sent or accepted (whatever the service
  type: it shows work under way, never mixed into the numerator);
- the *rate* is numerator / denominator, ``None`` when nobody is in the denominator.

Every figure family is one statement: qualifying cases and their referral flags are computed
in a CTE, grouped per client (and per breakdown key), then aggregated. The number of
statements does not depend on how many units, clients or cases there are.
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import Subquery

from caseapp.cases.models import Case, CaseCategory
from caseapp.clients.age import CHILD_AGE
from caseapp.clients.models import Client, Sex
from caseapp.clock import today
from caseapp.db import db
from caseapp.referrals.models import Referral, ReferralState, ServiceType
from caseapp.referrals.states import PENDING_STATES
from caseapp.settings.services import get_setting
from caseapp.units.models import Unit
from caseapp.units.tree import subtree_of

QUALIFYING_CATEGORIES = (CaseCategory.DV, CaseCategory.TRAFFICKING)
# A girl is a child in Vietnamese law: under 16 at detection, by the one age rule.
GIRL_AGE_LIMIT = CHILD_AGE
AGE_CLASSES = ("women", "girls", "unknown")


@dataclass(frozen=True)
class Figures:
    denominator: int = 0
    numerator: int = 0
    pending: int = 0

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    def as_dict(self) -> dict[str, Any]:
        return {"denominator": self.denominator, "numerator": self.numerator,
                "pending": self.pending, "rate": self.rate}


@dataclass(frozen=True)
class UnitFigures:
    unit_id: int
    code: str
    name: str
    figures: Figures


@dataclass(frozen=True)
class ServiceFigures:
    service_type_id: int
    code: str
    label_vi: str
    label_en: str
    counts: bool
    services: int  # received referrals of this type on qualifying cases
    clients: int  # distinct denominator clients who received this type


@dataclass(frozen=True)
class TrendPoint:
    month_end: date
    figures: Figures


@dataclass
class IndicatorResult:
    unit_id: int
    unit_code: str
    unit_name: str
    start: date
    end: date
    as_of: date
    target: float
    total: Figures
    by_unit: list[UnitFigures] = field(default_factory=list)
    by_category: dict[str, Figures] = field(default_factory=dict)
    by_age: dict[str, Figures] = field(default_factory=dict)
    by_service: list[ServiceFigures] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)

    def below_target(self, figures: Figures) -> bool:
        return figures.rate is not None and figures.rate < self.target

    def to_json_dict(self) -> dict[str, Any]:
        """The stable shape printed by ``flask indicator --json``."""
        return {
            "unit": self.unit_code,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "as_of": self.as_of.isoformat(),
            **self.total.as_dict(),
            "target": float(self.target),
            "by_unit": [{"unit": u.code, **u.figures.as_dict()} for u in self.by_unit],
            "by_category": {k: v.as_dict() for k, v in self.by_category.items()},
            "by_age": {k: v.as_dict() for k, v in self.by_age.items()},
        }

    def plain(self) -> dict[str, Any]:
        return asdict(self)


def default_as_of(end: date) -> date:
    """The as-of date defaults to the period's end, or today if the end is still ahead."""
    return min(end, today())


# --- building blocks -------------------------------------------------------------------


def received_condition(as_of: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        Referral.state == ReferralState.RECEIVED,
        Referral.received_on.is_not(None),
        Referral.received_on <= as_of,
        ServiceType.counts_toward_indicator.is_(True),
    )


def in_subtree(unit_id: sa.ColumnElement[int], root: Unit) -> sa.ColumnElement[bool]:
    # On referrals this is implied by the join with the qualifying cases (a referral's unit
    # is its case's), but it lets the database read only the subtree's referrals instead
    # of hashing the whole table.
    return unit_id.in_(subtree_of(root))


def qualifying_cases(root: Unit, start: date, end: date,
                     women_only: bool = True) -> sa.Select[Any]:
    """Qualifying cases of ``root``'s subtree detected in [start, end]. Without
    ``women_only`` the client's sex is not checked: the caller checks it per client."""
    query = (
        sa.select(
            Case.id.label("case_id"),
            Case.client_id.label("client_id"),
            Case.category.label("category"),
            Case.detected_on.label("detected_on"),
            Case.age_at_detection.label("age"),
            Unit.path.label("path"),
        )
        # The unit first: it keeps a few percent of the cases, and SQLite joins in this
        # order (clients first cost a lookup for every case of the country).
        .join(Unit, Unit.id == Case.unit_id)
        .where(
            Case.category.in_(QUALIFYING_CATEGORIES),
            Unit.path.like(root.path + "%"),
            Case.detected_on >= start,
            Case.detected_on <= end,
        )
    )
    if women_only:
        query = query.join(Client, Client.id == Case.client_id).where(Client.sex == Sex.FEMALE)
    return query


def case_flags(root: Unit, start: date, end: date, as_of: date,
               women_only: bool = True) -> Subquery:
    """One row per qualifying case with 0/1 flags ``received`` and ``pending`` and the
    first counting receipt date (``first_received``, NULL if none by the as-of date)."""
    return case_flags_select(root, start, end, as_of, women_only).subquery("cf")


def case_flags_select(root: Unit, start: date, end: date, as_of: date,
                      women_only: bool = True) -> sa.Select[Any]:
    qc = qualifying_cases(root, start, end, women_only).cte("qc")
    received = received_condition(as_of)
    ref = (
        sa.select(
            Referral.case_id.label("case_id"),
            sa.func.max(sa.case((received, 1), else_=0)).label("received"),
            sa.func.max(sa.case((Referral.state.in_(PENDING_STATES), 1), else_=0))
            .label("pending"),
            sa.func.min(sa.case((received, Referral.received_on))).label("first_received"),
        )
        .join(qc, qc.c.case_id == Referral.case_id)
        .join(ServiceType, ServiceType.id == Referral.service_type_id)
        .where(in_subtree(Referral.unit_id, root))
        .group_by(Referral.case_id)
        .subquery("ref")
    )
    return (
        sa.select(
            qc,
            sa.func.coalesce(ref.c.received, 0).label("received"),
            sa.func.coalesce(ref.c.pending, 0).label("pending"),
            ref.c.first_received,
        )
        .select_from(qc)
        .outerjoin(ref, ref.c.case_id == qc.c.case_id)
    )


def _totals(per_client: Subquery) -> list[Any]:
    """Denominator, numerator and pending columns over a per-client subquery."""
    return [
        sa.func.count().label("denominator"),
        sa.func.coalesce(sa.func.sum(per_client.c.received), 0).label("numerator"),
        sa.func.coalesce(sa.func.sum(sa.case(
            (sa.and_(per_client.c.received == 0, per_client.c.pending == 1), 1), else_=0
        )), 0).label("pending"),
    ]


# --- breakdowns (one statement: ``headline``) ------------------------------------------


def _age_per_client(cf: Any) -> Subquery:
    """Per client: received, pending and the age class of her earliest qualifying case."""
    ranked = sa.select(
        cf.c.client_id, cf.c.age, cf.c.received, cf.c.pending,
        sa.func.row_number().over(
            partition_by=cf.c.client_id, order_by=(cf.c.detected_on, cf.c.case_id)
        ).label("rn"),
    ).subquery("ranked")
    first_age = sa.func.max(sa.case((ranked.c.rn == 1, ranked.c.age)))
    per_client_ages = sa.select(
        ranked.c.client_id,
        first_age.label("age"),
        sa.func.max(ranked.c.received).label("received"),
        sa.func.max(ranked.c.pending).label("pending"),
    ).group_by(ranked.c.client_id).subquery("pca")
    # The class is a column of a subquery so the outer GROUP BY names a column, not an
    # expression with its own bound parameters (PostgreSQL would not match them).
    return sa.select(
        per_client_ages.c.client_id,
        per_client_ages.c.received,
        per_client_ages.c.pending,
        sa.case(
            (per_client_ages.c.age.is_(None), "unknown"),
            (per_client_ages.c.age < GIRL_AGE_LIMIT, "girls"),
            else_="women",
        ).label("age_class"),
    ).subquery("pc")


def _children(root: Unit) -> Subquery:
    return (
        sa.select(Unit.id, Unit.code, Unit.name, Unit.path)
        .where(Unit.parent_id == root.id, Unit.merged_into_id.is_(None))
        .subquery("children")
    )


@dataclass(frozen=True)
class Headline:
    by_age: dict[str, Figures]
    by_category: dict[str, Figures]
    by_unit: list[UnitFigures]


def headline(root: Unit, start: date, end: date, as_of: date) -> Headline:
    """The breakdowns by age class, category and unit in ONE statement: the flagged
    qualifying cases are computed once (a CTE) and grouped three ways.

    Each family follows the definition of its own function below (``by_age``,
    ``by_category``, ``by_unit``). A case reaches its unit's child of ``root`` through a
    small unit-to-child table (unit paths against the children's paths), so the cases are
    joined on equality rather than compared with every child's path."""
    cf = case_flags_select(root, start, end, as_of).cte("cf")
    ages = _age_per_client(cf)
    per_category = sa.select(
        cf.c.client_id, cf.c.category,
        sa.func.max(cf.c.received).label("received"),
        sa.func.max(cf.c.pending).label("pending"),
    ).group_by(cf.c.client_id, cf.c.category).subquery("pcc")
    children = _children(root)
    unit_child = (
        sa.select(Unit.path.label("path"), children.c.id.label("child_id"))
        .join(children, Unit.path.like(children.c.path + "%"))
        .where(Unit.path.like(root.path + "%"))
        .subquery("unit_child")
    )
    per_child = (
        sa.select(unit_child.c.child_id, cf.c.client_id,
                  sa.func.max(cf.c.received).label("received"),
                  sa.func.max(cf.c.pending).label("pending"))
        .select_from(cf)
        .join(unit_child, unit_child.c.path == cf.c.path)
        .group_by(unit_child.c.child_id, cf.c.client_id)
        .subquery("pch")
    )
    child_totals = (
        sa.select(per_child.c.child_id, *_totals(per_child))
        .group_by(per_child.c.child_id)
        .subquery("cht")
    )
    no_id = sa.cast(sa.null(), sa.Integer)
    stmt = sa.union_all(
        sa.select(sa.literal("age").label("family"),
                  sa.cast(ages.c.age_class, sa.String).label("k"), no_id.label("unit_id"),
                  sa.cast(sa.null(), sa.String).label("name"), *_totals(ages))
        .group_by(ages.c.age_class),
        sa.select(sa.literal("category"), sa.cast(per_category.c.category, sa.String), no_id,
                  sa.cast(sa.null(), sa.String), *_totals(per_category))
        .group_by(per_category.c.category),
        sa.select(sa.literal("unit"), children.c.code, children.c.id, children.c.name,
                  sa.func.coalesce(child_totals.c.denominator, 0),
                  sa.func.coalesce(child_totals.c.numerator, 0),
                  sa.func.coalesce(child_totals.c.pending, 0))
        .select_from(children)
        .outerjoin(child_totals, child_totals.c.child_id == children.c.id),
    )
    age_found: dict[str, Figures] = {}
    category_found: dict[str, Figures] = {}
    units: list[UnitFigures] = []
    for row in db.session.execute(stmt):
        figures = Figures(int(row[4] or 0), int(row[5] or 0), int(row[6] or 0))
        if row.family == "age":
            age_found[row.k] = figures
        elif row.family == "category":
            category_found[CaseCategory(row.k).value] = figures
        else:
            units.append(UnitFigures(row.unit_id, row.k, row.name, figures))
    return Headline(
        by_age={k: age_found.get(k, Figures()) for k in AGE_CLASSES},
        by_category={c.value: category_found.get(c.value, Figures())
                     for c in QUALIFYING_CATEGORIES},
        by_unit=sorted(units, key=lambda u: u.code),
    )


def by_service(root: Unit, start: date, end: date, as_of: date) -> list[ServiceFigures]:
    """Services received on qualifying cases by the as-of date, per service type (every
    type, counting or not, so the screen can show what was excluded)."""
    qc = qualifying_cases(root, start, end).subquery("qc")
    rows = db.session.execute(
        sa.select(
            ServiceType.id, ServiceType.code, ServiceType.label_vi, ServiceType.label_en,
            ServiceType.counts_toward_indicator, ServiceType.sort,
            sa.func.count(Referral.id).label("services"),
            sa.func.count(sa.distinct(qc.c.client_id)).label("clients"),
        )
        .select_from(Referral)
        .join(qc, qc.c.case_id == Referral.case_id)
        .join(ServiceType, ServiceType.id == Referral.service_type_id)
        .where(
            Referral.state == ReferralState.RECEIVED,
            Referral.received_on.is_not(None),
            Referral.received_on <= as_of,
            in_subtree(Referral.unit_id, root),
        )
        .group_by(ServiceType.id, ServiceType.code, ServiceType.label_vi, ServiceType.label_en,
                  ServiceType.counts_toward_indicator, ServiceType.sort)
        .order_by(ServiceType.sort, ServiceType.code)
    ).all()
    return [ServiceFigures(r.id, r.code, r.label_vi, r.label_en, bool(r.counts_toward_indicator),
                           int(r.services), int(r.clients)) for r in rows]


def month_ends(start: date, end: date) -> list[date]:
    """The last day of each month from ``start`` to ``end``; the last one is ``end``."""
    out: list[date] = []
    y, m = start.year, start.month
    while True:
        last = date(y, m, calendar.monthrange(y, m)[1])
        if last >= end:
            out.append(end)
            return out
        out.append(last)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def trend(root: Unit, start: date, end: date, as_of: date) -> list[TrendPoint]:
    """Cumulative monthly trend: for each month end M of the period, the indicator for
    [start, M] as of min(M, as_of). The last point equals the period's own figures, so the
    line shows how the rate was built up toward the target. Pending is not traced.

    Exact pre-aggregation, one statement whatever the number of months: a client is in the
    denominator at M once her first qualifying detection is on or before M, and in the
    numerator once some case of hers has both its detection and its first counting receipt
    (by the as-of date) on or before M, i.e. from the earliest max(detection, receipt) over
    her cases. The statement returns how many clients enter on each date; the month ends
    are cumulative sums of those."""
    months = month_ends(start, end)
    cf = case_flags(root, start, end, as_of)
    entered = sa.case(
        (cf.c.first_received.is_(None), None),
        (cf.c.first_received > cf.c.detected_on, cf.c.first_received),
        else_=cf.c.detected_on,
    )
    per_client = (
        sa.select(cf.c.client_id,
                  sa.func.min(cf.c.detected_on).label("detected"),
                  sa.func.min(entered).label("served"))
        .group_by(cf.c.client_id)
        .subquery("pc")
    )
    stmt = sa.union_all(
        sa.select(sa.literal("d").label("kind"), per_client.c.detected.label("day"),
                  sa.func.count().label("n"))
        .group_by(per_client.c.detected),
        sa.select(sa.literal("n"), per_client.c.served, sa.func.count())
        .where(per_client.c.served.is_not(None))
        .group_by(per_client.c.served),
    )
    entries: dict[str, list[tuple[date, int]]] = {"d": [], "n": []}
    for kind, day, n in db.session.execute(stmt):
        entries[kind].append((_as_date(day), int(n)))
    points = []
    for m in months:
        points.append(TrendPoint(m, Figures(
            sum(n for day, n in entries["d"] if day <= m),
            sum(n for day, n in entries["n"] if day <= m), 0)))
    return points


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def compute(root: Unit, start: date, end: date, as_of: date | None = None, *,
            with_trend: bool = True, with_services: bool = True) -> IndicatorResult:
    """The indicator and its breakdowns for ``root``'s subtree, in a fixed number of
    statements (at most three)."""
    as_of = as_of or default_as_of(end)
    head = headline(root, start, end, as_of)
    ages = head.by_age
    total = Figures(
        sum(f.denominator for f in ages.values()),
        sum(f.numerator for f in ages.values()),
        sum(f.pending for f in ages.values()),
    )
    return IndicatorResult(
        unit_id=root.id,
        unit_code=root.code,
        unit_name=root.name,
        start=start,
        end=end,
        as_of=as_of,
        target=float(get_setting("indicator_target")),
        total=total,
        by_unit=head.by_unit,
        by_category=head.by_category,
        by_age=ages,
        by_service=by_service(root, start, end, as_of) if with_services else [],
        trend=trend(root, start, end, as_of) if with_trend else [],
    )


def term_period() -> tuple[date, date]:
    return (date.fromisoformat(get_setting("term_start")),
            date.fromisoformat(get_setting("term_end")))
