"""One page of a worklist: a count and a bounded read, whatever the size of the scope."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import request

from caseapp.db import db

T = TypeVar("T")

PER_PAGE = 50
# Beyond any real list, and small enough that page times page size stays a 64-bit offset.
MAX_PAGE = 1_000_000


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Any:
        return iter(self.items)


def page_arg(name: str = "page") -> int:
    """The page number asked for in the query string; anything unusable is page 1, and a
    number past any list is the last page of the list."""
    return min(max(1, request.args.get(name, 1, type=int) or 1), MAX_PAGE)


def paginate(query: sa.Select[Any], page: int, convert: Callable[[Sequence[Any]], list[T]],
             per_page: int = PER_PAGE) -> Page[T]:
    """The asked page of ``query`` (which must be ordered) and the number of its rows, in
    one statement: the total rides along as a window count, the last column of the rows
    ``convert`` receives. Past the end, the last page."""
    page = max(1, page)
    counted = query.add_columns(sa.func.count().over().label("page_total"))
    rows = db.session.execute(
        counted.limit(per_page).offset((page - 1) * per_page)).unique().all()
    if rows:
        return Page(convert(rows), int(rows[-1][-1]), page, per_page)
    if page == 1:
        return Page([], 0, 1, per_page)
    total = int(db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0)
    last = max(1, -(-total // per_page))
    return paginate(query, last, convert, per_page) if total else Page([], 0, 1, per_page)
