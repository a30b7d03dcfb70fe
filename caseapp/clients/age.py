"""A client's age at a date: the one rule every screen, PDF, import and figure uses.

Whole years from the birth date when it is known; with only a birth year, that date's year
minus the birth year (the indicator and the statistics count exactly this); with only an age
the client stated, that age carried by whole calendar years from the day she stated it; with
none of them, unknown.

Where a rule protects a child, a client whose age is not exact (birth year or stated age
only) and who may not have had her birthday yet that year is treated as under the limit:
``may_be_under``. The screen then says "may be under 16", never a different age.
"""

from __future__ import annotations

from datetime import date
from typing import Any

CHILD_AGE = 16  # the age of a child in Vietnamese law (Law on Children, Art. 1)
MINOR_AGE = 18


def age_from(on: date, birth_date: date | None, birth_year: int | None,
             approx_age: int | None = None, approx_age_on: date | None = None) -> int | None:
    """The age on ``on`` from birth data given field by field (imports, bulk loaders)."""
    if birth_date is not None:
        return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if birth_year is not None:
        return max(on.year - birth_year, 0)
    if approx_age is not None:
        stated_on = approx_age_on or on
        return max(approx_age + on.year - stated_on.year, 0)
    return None


def age_on(client: Any, on: date) -> int | None:
    """The client's age in whole years on ``on``."""
    return age_from(on, client.birth_date, client.birth_year, client.approx_age,
                    client.approx_age_on)


def is_exact(client: Any) -> bool:
    """Is the age known to the day (a birth date recorded)?"""
    return client.birth_date is not None


def may_be_under(client: Any, on: date, limit: int = CHILD_AGE) -> bool:
    """May the client be younger than ``limit`` on ``on``? True when her age is below it, or
    is exactly it but not known to the day (her birthday may still be to come)."""
    age = age_on(client, on)
    if age is None:
        return False
    return age < limit or (age == limit and not is_exact(client))


def is_surely_under(client: Any, on: date, limit: int = CHILD_AGE) -> bool:
    """Is the client certainly younger than ``limit`` on ``on``?"""
    age = age_on(client, on)
    return age is not None and age < limit
