# ruff: noqa: S608  (the SQL is assembled from this module's constant fragments only)
"""The indicator's floor: ONE hand-written SQL statement that computes the same figures as
``caseapp.indicator.queries.compute(..., with_trend=False, with_services=False)`` (what
``flask indicator --json`` prints: total, by age class, by category, by unit).

It is the cheapest shape we know for those numbers: qualifying cases are read once, each
with its two referral flags, and the three breakdowns are grouped from that one set. The
application's figures are compared with it on every benchmark run.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from caseapp.db import db
from caseapp.indicator.queries import AGE_CLASSES, Figures
from caseapp.units.models import Unit

_CASES = """
  SELECT c.id AS case_id, c.client_id, c.category, u.path,{flags}
    CASE WHEN ROW_NUMBER() OVER (PARTITION BY c.client_id ORDER BY c.detected_on, c.id) = 1
      THEN CASE WHEN c.age_at_detection IS NULL THEN 'unknown'
                WHEN c.age_at_detection < 16 THEN 'girls' ELSE 'women' END
    END AS first_class
  FROM cases c
  -- The unit before the client, as the application joins them: SQLite keeps this order,
  -- and the unit filter leaves a few percent of the country's cases.
  JOIN units u ON u.id = c.unit_id
  JOIN clients cl ON cl.id = c.client_id
  WHERE c.category IN ('dv', 'trafficking') AND cl.sex = 'F'
    AND u.path LIKE :prefix AND c.detected_on >= :start AND c.detected_on <= :end
"""

_RECEIVED = """r.state = 'received' AND r.received_on IS NOT NULL
        AND r.received_on <= :as_of AND st.counts_toward_indicator = :yes"""
_PENDING = "r.state IN ('approved', 'sent', 'accepted')"

# PostgreSQL: the subtree's referrals aggregated once by a hash join with the cases.
_QC_POSTGRESQL = f"""
WITH cs AS ({_CASES.format(flags="")}),
ref AS (
  SELECT r.case_id,
    MAX(CASE WHEN {_RECEIVED} THEN 1 ELSE 0 END) AS received,
    MAX(CASE WHEN {_PENDING} THEN 1 ELSE 0 END) AS pending
  FROM referrals r
  JOIN cs ON cs.case_id = r.case_id
  JOIN service_types st ON st.id = r.service_type_id
  -- A referral's unit is its case's: only the subtree's referrals are read.
  WHERE r.unit_id IN (SELECT id FROM units WHERE path LIKE :prefix)
  GROUP BY r.case_id
),
qc AS (
  SELECT cs.*, COALESCE(ref.received, 0) AS received, COALESCE(ref.pending, 0) AS pending
  FROM cs LEFT JOIN ref ON ref.case_id = cs.case_id
),"""

# SQLite: a materialized CTE has no index to join on; probe each case's referrals instead.
_QC_SQLITE = "\nWITH qc AS (" + _CASES.format(flags=f"""
    CASE WHEN EXISTS (
      SELECT 1 FROM referrals r JOIN service_types st ON st.id = r.service_type_id
      WHERE r.case_id = c.id AND {_RECEIVED}) THEN 1 ELSE 0 END AS received,
    CASE WHEN EXISTS (
      SELECT 1 FROM referrals r JOIN service_types st ON st.id = r.service_type_id
      WHERE r.case_id = c.id AND {_PENDING}) THEN 1 ELSE 0 END AS pending,""") + "),"

_SQL = """
per_client AS (
  SELECT client_id, MAX(received) AS received, MAX(pending) AS pending,
         MAX(first_class) AS age_class
  FROM qc GROUP BY client_id
),
per_category AS (
  SELECT client_id, category, MAX(received) AS received, MAX(pending) AS pending
  FROM qc GROUP BY client_id, category
),
children AS (
  SELECT id, code, path FROM units WHERE parent_id = :root_id AND merged_into_id IS NULL
),
per_child AS (
  -- The child of the root a case's unit lies under: its path up to the next '/'.
  SELECT SUBSTR(path, 1, :n + {position}(SUBSTR(path, :n + 1), '/')) AS child_path,
         client_id, MAX(received) AS received, MAX(pending) AS pending
  FROM qc GROUP BY 1, client_id
)
SELECT 'age' AS family, age_class AS k, COUNT(*) AS d, SUM(received) AS n,
       SUM(CASE WHEN received = 0 AND pending = 1 THEN 1 ELSE 0 END) AS p
FROM per_client GROUP BY age_class
UNION ALL
SELECT 'category', category, COUNT(*), SUM(received),
       SUM(CASE WHEN received = 0 AND pending = 1 THEN 1 ELSE 0 END)
FROM per_category GROUP BY category
UNION ALL
SELECT 'unit', ch.code, COUNT(pc.client_id), COALESCE(SUM(pc.received), 0),
       COALESCE(SUM(CASE WHEN pc.received = 0 AND pc.pending = 1 THEN 1 ELSE 0 END), 0)
FROM children ch LEFT JOIN per_child pc ON pc.child_path = ch.path
GROUP BY ch.code
"""


def floor_statement(dialect: str) -> sa.TextClause:
    pg = dialect == "postgresql"
    sql = (_QC_POSTGRESQL if pg else _QC_SQLITE) + _SQL.format(
        position="STRPOS" if pg else "INSTR")
    return sa.text(sql).bindparams(
        sa.bindparam("start", type_=sa.Date), sa.bindparam("end", type_=sa.Date),
        sa.bindparam("as_of", type_=sa.Date), sa.bindparam("yes", type_=sa.Boolean))


def floor_indicator(root: Unit, start: date, end: date, as_of: date) -> dict[str, Any]:
    """The figures in the shape of ``IndicatorResult.to_json_dict`` (without the target)."""
    rows = db.session.execute(
        floor_statement(db.engine.dialect.name),
        {"start": start, "end": end, "as_of": as_of, "yes": True, "prefix": root.path + "%",
         "root_id": root.id, "n": len(root.path)},
    ).all()
    found: dict[str, dict[str, Figures]] = {"age": {}, "category": {}, "unit": {}}
    for family, key, d, n, p in rows:
        found[family][key] = Figures(int(d or 0), int(n or 0), int(p or 0))
    ages = {k: found["age"].get(k, Figures()) for k in AGE_CLASSES}
    total = Figures(sum(f.denominator for f in ages.values()),
                    sum(f.numerator for f in ages.values()),
                    sum(f.pending for f in ages.values()))
    return {
        **total.as_dict(),
        "by_unit": [{"unit": code, **f.as_dict()} for code, f in sorted(found["unit"].items())],
        "by_category": {k: found["category"].get(k, Figures()).as_dict()
                        for k in ("dv", "trafficking")},
        "by_age": {k: f.as_dict() for k, f in ages.items()},
    }
