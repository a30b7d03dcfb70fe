"""Paging and sorting for every list: one page of rows with its total, read in one
statement whatever the size of the scope, and the sort a column header asks for.

The rule past the end is the same everywhere: a page number beyond the list (a stale link,
a list that shrank, a typed number) shows the last page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import request

from caseapp.db import db

T = TypeVar("T")

PER_PAGE = 50
# Beyond any real list, and small enough that page times page size stays a 64-bit offset.
MAX_PAGE = 1_000_000
# Pages linked on each side of the current one; the first and the last are always linked.
AROUND = 2

ASC, DESC = "asc", "desc"


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def numbers(self, around: int = AROUND) -> list[int | None]:
        """The page numbers a pager links: the first, the last and ``around`` either side
        of the current page, with ``None`` where a run of pages is left out."""
        shown = sorted({1, self.pages, *range(max(1, self.page - around),
                                               min(self.pages, self.page + around) + 1)})
        out: list[int | None] = []
        for n in shown:
            prev = out[-1] if out else None
            if prev is not None and n - prev == 2:
                # A gap of one page shows that page: an ellipsis would hide nothing.
                out.append(prev + 1)
            elif prev is not None and n - prev > 2:
                out.append(None)
            out.append(n)
        return out

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)


def page_arg(name: str = "page") -> int:
    """The page number asked for in the query string; anything unusable is page 1, and a
    number past any list is the last page of the list."""
    return min(max(1, request.args.get(name, 1, type=int) or 1), MAX_PAGE)


def page_of(fetch: Callable[[int, int], tuple[list[T], int]], count: Callable[[], int],
            page: int, per_page: int = PER_PAGE) -> Page[T]:
    """The asked page, or the last one past the end.

    ``fetch(limit, offset)`` reads one page and returns its items with the list's total
    (carried by the rows, e.g. a window count; anything when there are no rows);
    ``count()`` counts the list, needed only when a page past the end came back empty.
    """
    page = min(max(1, page), MAX_PAGE)
    items, total = fetch(per_page, (page - 1) * per_page)
    if items:
        return Page(items, int(total), page, per_page)
    total = count() if page > 1 else 0
    if not total:
        return Page([], 0, 1, per_page)
    last = max(1, -(-total // per_page))
    items, total = fetch(per_page, (last - 1) * per_page)
    return Page(items, int(total) if items else 0, last if items else 1, per_page)


def paginate(query: sa.Select[Any], page: int, convert: Callable[[Sequence[Any]], list[T]],
             per_page: int = PER_PAGE) -> Page[T]:
    """The asked page of ``query`` (which must be ordered) and the number of its rows, in
    one statement: the total rides along as a window count, the last column of the rows
    ``convert`` receives. Past the end, the last page."""
    counted = query.add_columns(sa.func.count().over().label("page_total"))

    def fetch(limit: int, offset: int) -> tuple[list[T], int]:
        rows = db.session.execute(counted.limit(limit).offset(offset)).unique().all()
        return (convert(rows), int(rows[-1][-1])) if rows else ([], 0)

    def count() -> int:
        return int(db.session.scalar(
            sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0)

    return page_of(fetch, count, page, per_page)


@dataclass(frozen=True)
class Sort:
    """The column a list is sorted by (a key of the list's own table of sort keys) and
    the direction."""

    key: str
    direction: str = ASC

    @property
    def descending(self) -> bool:
        return self.direction == DESC

    def order_by(self, columns: Mapping[str, Any], *tiebreak: Any) -> list[Any]:
        """ORDER BY terms: the key's column, then ``tiebreak`` (a unique column, so pages
        do not overlap), all in the sort's direction."""
        terms = [columns[self.key], *tiebreak]
        return [t.desc() if self.descending else t.asc() for t in terms]


def sort_arg(keys: Mapping[str, Any] | Sequence[str], default: str,
             direction: str = ASC) -> Sort:
    """The sort asked for in the query string (``sort`` and ``direction``). Only the
    list's own keys are accepted, so no argument ever reaches an ORDER BY; anything else
    is the list's default sort."""
    key = request.args.get("sort", "")
    if key not in keys:
        return Sort(default, direction)
    asked = request.args.get("direction", "")
    return Sort(key, asked if asked in (ASC, DESC) else direction)
