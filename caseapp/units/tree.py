"""Subtree and merge-chain queries on the unit tree, all in SQL."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import Select

from caseapp.units.models import Unit


def subtree_ids(unit_id: int) -> Select[tuple[int]]:
    """Ids of a unit and everything below it (merged units sit below their successor)."""
    parent = sa.select(Unit.path).where(Unit.id == unit_id).scalar_subquery()
    return sa.select(Unit.id).where(Unit.path.like(parent + "%"))


def merged_ids(unit_id: int) -> Select[tuple[int]]:
    """A unit and every unit merged into it, directly or through a chain of merges."""
    # Anonymous CTE: a query may hold several of these (client_visible uses two scopes),
    # and CTEs of one statement must not share a name.
    base = sa.select(Unit.id).where(Unit.id == unit_id).cte(recursive=True)
    step = sa.select(Unit.id).join(base, Unit.merged_into_id == base.c.id)
    chain = base.union_all(step)
    return sa.select(chain.c.id)


def path_for(parent: Unit | None, unit_id: int) -> str:
    return f"{parent.path if parent else '/'}{unit_id}/"
