"""Sections of the case page, contributed by each area (incidents, consultations, ...).

An area registers a loader that fetches what its section shows for one case, in a fixed
number of queries, and the template that renders it. The case page renders the sections in
order, so adding an area never means editing another area's template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from caseapp.cases.models import Case


@dataclass(frozen=True)
class TimelineEntry:
    """One dated line of the case timeline (``label`` and ``text`` are already translated)."""

    at: datetime
    label: str
    text: str = ""


@dataclass(frozen=True)
class CaseSection:
    key: str
    order: int
    template: str  # rendered with ``case`` and ``section`` (the loader's result)
    loader: Callable[[Case], dict[str, Any]]
    pdf_template: str | None = None  # the same section in the confidential PDF summary
    # Optional: the section's contribution to the case timeline, built from the loader's
    # result (so it costs no further query).
    timeline: Callable[[Case, dict[str, Any]], list[TimelineEntry]] | None = None


SECTIONS: dict[str, CaseSection] = {}


def register_section(section: CaseSection) -> None:
    SECTIONS[section.key] = section


def ordered_sections() -> list[CaseSection]:
    return sorted(SECTIONS.values(), key=lambda s: s.order)
