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
    """The page number asked for in the query string; anything unusable is page 1."""
    return max(1, request.args.get(name, 1, type=int) or 1)


def paginate(query: sa.Select[Any], page: int, convert: Callable[[Sequence[Any]], list[T]],
             per_page: int = PER_PAGE) -> Page[T]:
    """Count the rows of ``query`` (which must be ordered), then read the asked page (the
    last one if the number is past the end)."""
    total = int(db.session.scalar(
        sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0)
    page = min(max(1, page), max(1, -(-total // per_page)))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
    return Page(convert(rows.unique().all()), total, page, per_page)
