"""Handling deadlines of complaints, counted in working days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta


def add_working_days(start: date, n: int, holidays: Iterable[date | str] = ()) -> date:
    """The date ``n`` working days after ``start``.

    The day of receipt does not count; Saturdays, Sundays and the given holidays (dates or
    ISO strings) are skipped. ``n`` = 0 gives ``start`` itself.
    """
    off = {date.fromisoformat(h) if isinstance(h, str) else h for h in holidays}
    day = start
    left = n
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            left -= 1
    return day
