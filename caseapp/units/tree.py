"""Subtree and merge-chain queries on the unit tree (in SQL), and the tree for display."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.sql import Select

from caseapp.db import db
from caseapp.units.models import Unit, UnitKind


def subtree_ids(unit_id: int) -> Select[tuple[int]]:
    """Ids of a unit and everything below it (merged units sit below their successor)."""
    parent = sa.select(Unit.path).where(Unit.id == unit_id).scalar_subquery()
    return sa.select(Unit.id).where(Unit.path.like(parent + "%"))


def subtree_of(unit: Unit) -> Select[tuple[int]]:
    """``subtree_ids`` of a loaded unit: its path is a constant of the statement, so the
    database finds the subtree through the path index instead of testing every unit."""
    return sa.select(Unit.id).where(Unit.path.like(unit.path + "%"))


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


@dataclass
class TreeNode:
    unit: Unit
    depth: int
    children: list[TreeNode] = field(default_factory=list)


def build_tree(units: list[Unit], kind_sort: dict[str, int] | None = None) -> list[TreeNode]:
    """Arrange units (any order) into a forest. Siblings: active first, then by kind and
    name. A unit whose parent is not in ``units`` becomes a root (used for subtrees)."""
    kind_sort = kind_sort or {}
    nodes = {u.id: TreeNode(u, 0) for u in units}
    roots: list[TreeNode] = []
    for u in units:
        parent = nodes.get(u.parent_id) if u.parent_id is not None else None
        (parent.children if parent else roots).append(nodes[u.id])

    def key(n: TreeNode) -> tuple[bool, int, str, str]:
        u = n.unit
        closed = u.merged_into_id is not None or u.active_to is not None
        return (closed, kind_sort.get(u.kind, 99), u.name.casefold(), u.code)

    def settle(level: list[TreeNode], depth: int) -> None:
        level.sort(key=key)
        for n in level:
            n.depth = depth
            settle(n.children, depth + 1)

    settle(roots, 0)
    return roots


def walk(nodes: list[TreeNode]) -> Iterator[TreeNode]:
    """Depth-first, in display order."""
    for n in nodes:
        yield n
        yield from walk(n.children)


def load_tree(root_id: int | None = None) -> tuple[list[TreeNode], dict[int, Unit]]:
    """The whole tree (or one unit's subtree) in one query; also the units by id."""
    stmt = sa.select(Unit).order_by(Unit.path)
    if root_id is not None:
        stmt = stmt.where(Unit.id.in_(subtree_ids(root_id)))
    units = list(db.session.scalars(stmt).unique())
    kind_sort = {c: n for c, n in db.session.execute(sa.select(UnitKind.code, UnitKind.sort))}
    return build_tree(units, kind_sort), {u.id: u for u in units}
