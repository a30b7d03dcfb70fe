"""Periodic reports (monthly, quarterly, 6-month, yearly, custom) for a unit's subtree.

``build_report`` returns plain data (dataclasses of strings and numbers, no ORM objects), so
the screen, the XLSX/CSV exports and the PDF renderer all work from the same figures.
Every table is one GROUP BY statement; the number of statements is fixed whatever the number
of units or people.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from caseapp.auth.models import User
from caseapp.cases.models import Case, CaseCategory
from caseapp.clients.models import Client, Ethnicity, Sex
from caseapp.clock import LOCAL_TZ, now, today
from caseapp.complaints.models import Complaint, ComplaintHandling, ComplaintStatus
from caseapp.consultations.models import Consultation, ConsultationChannel, ConsultationKind
from caseapp.db import db
from caseapp.i18n import localized
from caseapp.indicator.charts import indicator_charts
from caseapp.indicator.queries import GIRL_AGE_LIMIT, Figures, IndicatorResult, compute
from caseapp.labels import label
from caseapp.measures.models import MeasureKind, ProtectionMeasure
from caseapp.overdue import COMPLAINT_DONE, complaint_overdue
from caseapp.referrals.models import Referral, ReferralState, ServiceType
from caseapp.settings.services import get_setting
from caseapp.transaction import UserError
from caseapp.units.models import Unit
from caseapp.units.tree import subtree_of

PERIOD_KINDS = ("month", "quarter", "half", "year", "custom")


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date
    year: int | None = None
    number: int | None = None

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("Month %(m)02d/%(y)d", m=self.number, y=self.year)
        if self.kind == "quarter":
            return _("Quarter %(q)d/%(y)d", q=self.number, y=self.year)
        if self.kind == "half":
            return (_("First 6 months of %(y)d", y=self.year) if self.number == 1
                    else _("Last 6 months of %(y)d", y=self.year))
        if self.kind == "year":
            return _("Year %(y)d", y=self.year)
        return _("%(start)s to %(end)s", start=self.start.strftime("%d/%m/%Y"),
                 end=self.end.strftime("%d/%m/%Y"))

    @property
    def slug(self) -> str:
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def make_period(kind: str, year: int | None = None, number: int | None = None,
                start: date | None = None, end: date | None = None) -> Period:
    """Build a reporting period. Quarters and halves follow the calendar year."""
    if kind not in PERIOD_KINDS:
        raise UserError(_("Unknown period."))
    if kind == "custom":
        if start is None or end is None:
            raise UserError(_("Give a start and an end date."))
        if end < start:
            raise UserError(_("The end date cannot be before the start date."))
        return Period(kind, start, end)
    if year is None or not 2000 <= year <= 2100:
        raise UserError(_("Give a year between 2000 and 2100."))
    limits = {"month": 12, "quarter": 4, "half": 2, "year": 1}
    number = 1 if kind == "year" else number
    if number is None or not 1 <= number <= limits[kind]:
        raise UserError(_("Give a number from 1 to %(n)d.", n=limits[kind]))
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[kind]
    first_month = (number - 1) * months + 1
    last_month = first_month + months - 1
    return Period(kind, date(year, first_month, 1),
                  date(year, last_month, calendar.monthrange(year, last_month)[1]),
                  year, number)


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "count"  # "label", "count" or "rate"


Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    note: str = ""
    chart: str = ""  # key into ReportData.charts shown beside this table


@dataclass
class ReportData:
    unit_code: str
    unit_name: str
    period: Period
    period_label: str
    generated_at: datetime
    target: float
    threshold: int
    tables: list[Table] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)  # SVG markup
    suppressed: bool = False

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


# --- suppression ------------------------------------------------------------------------


def suppressed_label(threshold: int) -> str:
    return f"<{threshold + 1}"


def suppress_small_cells(report: ReportData) -> ReportData:
    """A copy where counts from 1 to the threshold read "<threshold+1". A rate in a row
    with a hidden count is hidden too, since it could give the count back."""
    threshold = report.threshold
    mark = suppressed_label(threshold)
    tables = []
    for t in report.tables:
        rows = []
        for row in t.rows:
            new: list[Cell] = []
            hidden = False
            for col, cell in zip(t.columns, row, strict=True):
                if col.kind == "count" and isinstance(cell, int) and 1 <= cell <= threshold:
                    new.append(mark)
                    hidden = True
                else:
                    new.append(cell)
            if hidden:
                new = [None if col.kind == "rate" else c
                       for col, c in zip(t.columns, new, strict=True)]
            rows.append(new)
        tables.append(replace(t, rows=rows))
    return replace(report, tables=tables, suppressed=True)


# --- the statements ----------------------------------------------------------------------


def _utc_bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's days in Vietnam as a UTC half-open interval, for timestamp columns."""
    start = datetime.combine(period.start, time.min, LOCAL_TZ)
    end = datetime.combine(period.end + timedelta(days=1), time.min, LOCAL_TZ)
    from datetime import UTC

    return start.astimezone(UTC), end.astimezone(UTC)


def _cases_by_category(units: Any, period: Period) -> Table:
    rows = dict(db.session.execute(
        sa.select(Case.category, sa.func.count())
        .where(Case.unit_id.in_(units), Case.opened_on >= period.start,
               Case.opened_on <= period.end)
        .group_by(Case.category)
    ).all())
    body: list[list[Cell]] = [[str(label(c)), int(rows.get(c, 0))] for c in CaseCategory]
    body.append([_("Total"), sum(int(v) for v in rows.values())])
    return Table("cases", _("New cases by category"),
                 [Column(_("Category"), "label"), Column(_("New cases"))], body,
                 note=_("Cases opened in the period."))


def _clients(units: Any, period: Period) -> list[Table]:
    """Clients with a case opened in the period, counted once each. Girl or woman comes
    from the age at detection of her earliest case of the period."""
    ranked = (
        sa.select(
            Case.client_id, Case.age_at_detection.label("age"),
            sa.func.row_number().over(partition_by=Case.client_id,
                                      order_by=(Case.detected_on, Case.id)).label("rn"),
        )
        .where(Case.unit_id.in_(units), Case.opened_on >= period.start,
               Case.opened_on <= period.end)
        .subquery("ranked")
    )
    first = sa.select(ranked.c.client_id, ranked.c.age).where(ranked.c.rn == 1).subquery("f")
    per_client = (
        sa.select(
            Client.sex.label("sex"), Client.ethnicity.label("ethnicity"),
            sa.case((first.c.age.is_(None), "unknown"),
                    (first.c.age < GIRL_AGE_LIMIT, "girls"), else_="women").label("age_class"),
        )
        .select_from(first)
        .join(Client, Client.id == first.c.client_id)
        .subquery("pc")
    )
    combos = db.session.execute(
        sa.select(per_client.c.sex, per_client.c.ethnicity, per_client.c.age_class,
                  sa.func.count().label("n"))
        .group_by(per_client.c.sex, per_client.c.ethnicity, per_client.c.age_class)
    ).all()
    by_sex: dict[Any, int] = {}
    by_eth: dict[Any, int] = {}
    by_age: dict[str, int] = {}
    for c in combos:
        sex = Sex(c.sex)
        by_sex[sex] = by_sex.get(sex, 0) + c.n
        eth = Ethnicity(c.ethnicity) if c.ethnicity else None
        by_eth[eth] = by_eth.get(eth, 0) + c.n
        if sex == Sex.FEMALE:
            by_age[c.age_class] = by_age.get(c.age_class, 0) + c.n
    total = sum(by_sex.values())
    count_col = Column(_("Clients"))
    sex_rows: list[list[Cell]] = [[str(label(s)), by_sex.get(s, 0)] for s in Sex]
    sex_rows.append([_("Total"), total])
    age_rows: list[list[Cell]] = [
        [_("Women (16 and over)"), by_age.get("women", 0)],
        [_("Girls (under 16)"), by_age.get("girls", 0)],
        [_("Age unknown"), by_age.get("unknown", 0)],
    ]
    eth_rows: list[list[Cell]] = [[str(label(e)), by_eth.get(e, 0)] for e in Ethnicity]
    eth_rows.append([_("Not recorded"), by_eth.get(None, 0)])
    note = _("Clients with a case opened in the period, each counted once.")
    return [
        Table("clients_sex", _("Clients by sex"), [Column(_("Sex"), "label"), count_col],
              sex_rows, note),
        Table("clients_age", _("Women and girls"), [Column(_("Group"), "label"), count_col],
              age_rows, _("Female clients; a girl is under 16 at detection.")),
        Table("clients_ethnicity", _("Clients by ethnicity"),
              [Column(_("Ethnicity"), "label"), count_col], eth_rows, note),
    ]


def _consultations(units: Any, period: Period) -> Table:
    lo, hi = _utc_bounds(period)
    counts = {(ConsultationKind(k), ConsultationChannel(c)): int(n) for k, c, n in
              db.session.execute(
                  sa.select(Consultation.kind, Consultation.channel, sa.func.count())
                  .join(Case, Case.id == Consultation.case_id)
                  .where(Case.unit_id.in_(units), Consultation.held_at >= lo,
                         Consultation.held_at < hi)
                  .group_by(Consultation.kind, Consultation.channel)
              )}
    channels = list(ConsultationChannel)
    rows: list[list[Cell]] = []
    for k in ConsultationKind:
        values = [counts.get((k, ch), 0) for ch in channels]
        rows.append([str(label(k)), *values, sum(values)])
    totals = [sum(counts.get((k, ch), 0) for k in ConsultationKind) for ch in channels]
    rows.append([_("Total"), *totals, sum(totals)])
    return Table("consultations", _("Consultations by kind and channel"),
                 [Column(_("Kind"), "label"), *[Column(str(label(ch))) for ch in channels],
                  Column(_("Total"))], rows, _("Sessions held in the period."))


def _petitions(units: Any, period: Period) -> Table:
    in_period = sa.and_(Complaint.received_on >= period.start,
                        Complaint.received_on <= period.end)
    as_of = min(period.end, today())
    forwarded = sa.or_(Complaint.handling == ComplaintHandling.FORWARDED,
                       Complaint.status == ComplaintStatus.FORWARDED)
    answered = Complaint.status.in_(COMPLAINT_DONE)

    def count_if(cond: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)

    row = db.session.execute(
        sa.select(
            count_if(in_period).label("received"),
            count_if(sa.and_(in_period, forwarded)).label("forwarded"),
            count_if(sa.and_(in_period, answered)).label("answered"),
            count_if(sa.and_(Complaint.received_on <= period.end,
                             complaint_overdue(as_of))).label("overdue"),
        ).where(Complaint.unit_id.in_(units))
    ).one()
    return Table("petitions", _("Petitions"), [Column(_("Petitions"), "label"),
                                               Column(_("Number"))], [
        [_("Received in the period"), int(row.received)],
        [_("of which forwarded to a competent agency"), int(row.forwarded)],
        [_("of which answered or closed"), int(row.answered)],
        [_("Overdue and not answered (all received up to the end of the period)"),
         int(row.overdue)],
    ])


def _referrals(units: Any, period: Period) -> Table:
    data = db.session.execute(
        sa.select(ServiceType.id, ServiceType.label_vi, ServiceType.label_en, ServiceType.sort,
                  ServiceType.code, Referral.state, sa.func.count())
        .join(Referral, Referral.service_type_id == ServiceType.id)
        .where(Referral.unit_id.in_(units), Referral.referred_on >= period.start,
               Referral.referred_on <= period.end)
        .group_by(ServiceType.id, ServiceType.label_vi, ServiceType.label_en, ServiceType.sort,
                  ServiceType.code, Referral.state)
        .order_by(ServiceType.sort, ServiceType.code)
    ).all()
    states = list(ReferralState)
    by_type: dict[int, tuple[str, dict[ReferralState, int]]] = {}
    for st_id, lvi, len_, _sort, _code, state, n in data:
        by_type.setdefault(st_id, (localized(lvi, len_), {}))[1][ReferralState(state)] = int(n)
    rows: list[list[Cell]] = []
    for name, counts in by_type.values():
        values = [counts.get(s, 0) for s in states]
        rows.append([name, *values, sum(values)])
    totals = [sum(c.get(s, 0) for _n, c in by_type.values()) for s in states]
    rows.append([_("Total"), *totals, sum(totals)])
    return Table("referrals", _("Referrals by service type and state"),
                 [Column(_("Service type"), "label"), *[Column(str(label(s))) for s in states],
                  Column(_("Total"))], rows,
                 _("Referrals made in the period, in their state today."))


def _measures(units: Any, period: Period) -> Table:
    counts = {MeasureKind(k): int(n) for k, n in db.session.execute(
        sa.select(ProtectionMeasure.kind, sa.func.count())
        .join(Case, Case.id == ProtectionMeasure.case_id)
        .where(Case.unit_id.in_(units), ProtectionMeasure.starts_on >= period.start,
               ProtectionMeasure.starts_on <= period.end)
        .group_by(ProtectionMeasure.kind)
    )}
    rows: list[list[Cell]] = [[str(label(k)), counts.get(k, 0)] for k in MeasureKind]
    rows.append([_("Total"), sum(counts.values())])
    return Table("measures", _("Protection measures by kind"),
                 [Column(_("Measure"), "label"), Column(_("Number"))], rows,
                 _("Measures starting in the period."))


def _figure_columns(first: str) -> list[Column]:
    return [Column(first, "label"), Column(_("Detected victims")),
            Column(_("Accessed a service")), Column(_("Rate"), "rate"),
            Column(_("Referred, receipt not confirmed"))]


def _figure_row(name: str, f: Figures) -> list[Cell]:
    return [name, f.denominator, f.numerator, f.rate, f.pending]


def indicator_tables(res: IndicatorResult) -> list[Table]:
    unit_rows = [_figure_row(f"{u.code} · {u.name}", u.figures) for u in res.by_unit]
    unit_rows.append(_figure_row(_("Total"), res.total))
    below = [u.code for u in res.by_unit if res.below_target(u.figures)]
    note = _("Women and girls detected in the period (domestic violence or trafficking); "
             "services received by %(d)s. Target %(t).0f%%.",
             d=res.as_of.strftime("%d/%m/%Y"), t=res.target * 100)
    if below:
        note += " " + _("Below target: %(units)s.", units=", ".join(below))
    return [
        Table("indicator_units", _("Access to services by unit"), _figure_columns(_("Unit")),
              unit_rows, note, chart="units"),
        Table("indicator_split", _("Access to services by category, women and girls"),
              _figure_columns(_("Group")), [
                  _figure_row(_("Domestic violence"), res.by_category["dv"]),
                  _figure_row(_("Human trafficking"), res.by_category["trafficking"]),
                  _figure_row(_("Women (16 and over)"), res.by_age["women"]),
                  _figure_row(_("Girls (under 16)"), res.by_age["girls"]),
                  _figure_row(_("Age unknown"), res.by_age["unknown"]),
              ], _("A woman with cases of both categories counts in each.")),
        Table("indicator_trend", _("Monthly trend (cumulative)"),
              [Column(_("To the end of"), "label"), Column(_("Detected victims")),
               Column(_("Accessed a service")), Column(_("Rate"), "rate")],
              [[p.month_end.strftime("%d/%m/%Y"), p.figures.denominator, p.figures.numerator,
                p.figures.rate] for p in res.trend], chart="trend"),
    ]


def build_report(unit: Unit, period: Period, user: User | None = None) -> ReportData:
    """All tables of the periodic report for ``unit``'s subtree. The caller has checked
    that ``unit`` is in the user's scope (``caseapp.indicator.services.resolve_unit``)."""
    units = subtree_of(unit)
    res = compute(unit, period.start, period.end)
    tables = [
        _cases_by_category(units, period),
        *_clients(units, period),
        _consultations(units, period),
        _petitions(units, period),
        _referrals(units, period),
        _measures(units, period),
        *indicator_tables(res),
    ]
    charts = indicator_charts(res)
    return ReportData(
        unit_code=unit.code,
        unit_name=unit.name,
        period=period,
        period_label=period.label,
        generated_at=now(),
        target=res.target,
        threshold=int(get_setting("small_cell_threshold")),
        tables=tables,
        charts={"units": str(charts["unit_chart"]), "trend": str(charts["trend_chart"])},
    )
