"""What a section of a case is: one part of the case page and of the PDF case summary.

Each area declares its one ``SECTION`` in ``caseapp/<area>/section.py`` with these types;
``caseapp/cases/sections.py`` collects them. The types live here, apart from that list,
because every area's module imports them while the list imports every area's module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from caseapp.cases.models import Case
from caseapp.labels import label


@dataclass(frozen=True)
class TimelineEntry:
    """One dated line of the case timeline (``label`` and ``text`` are already translated)."""

    at: datetime
    label: str
    text: str = ""


@dataclass(frozen=True, kw_only=True)
class CaseSection:
    """How one kind of record appears on the case page and in the PDF summary.

    ``key`` is stable: the summary's ``--sections`` option and its audit entries name
    sections by it. ``order`` places the section on the page and in the PDF alike, and
    ``title`` (a lazy gettext string) heads it in both. A section shown only in the PDF
    has no ``template``; one shown only on the page has no ``pdf_template``.
    """

    key: str
    order: int
    title: Any
    # The case page: ``loader(case)`` fetches what the section shows in a fixed number of
    # queries; ``template`` renders it with ``case``, ``section`` (that result) and ``title``.
    template: str | None = None
    loader: Callable[[Case], dict[str, Any]] | None = None
    # The PDF summary: ``pdf_rows(case, identifying)`` returns plain strings and
    # dataclasses of strings, in a fixed number of queries; ``pdf_template`` renders them
    # under the section's key. ``identifying`` says whether the client's name and contact
    # details were asked for.
    pdf_template: str | None = None
    pdf_rows: Callable[[Case, bool], Any] | None = None
    # The section's lines in the case timeline, built from the loader's result (so they
    # cost no further query).
    timeline: Callable[[Case, dict[str, Any]], list[TimelineEntry]] | None = None

    def __post_init__(self) -> None:
        if (self.template is None) != (self.loader is None):
            raise ValueError(f"section {self.key!r}: template and loader go together")
        if (self.pdf_template is None) != (self.pdf_rows is None):
            raise ValueError(f"section {self.key!r}: pdf_template and pdf_rows go together")
        if self.template is None and self.pdf_template is None:
            raise ValueError(f"section {self.key!r} is shown nowhere")
        if self.timeline is not None and self.loader is None:
            raise ValueError(f"section {self.key!r}: its timeline is built from its loader")


# --- plain data for the PDF summary --------------------------------------------------------

@dataclass(frozen=True)
class Fact:
    """A labelled value, printed as one line of a definition list."""

    label: str
    value: str


@dataclass(frozen=True)
class EventRow:
    """One line of a printed history (a case's status changes, a referral's steps)."""

    at: str
    change: str
    by: str
    comment: str


def state_change(from_state: Any, to_state: Any) -> str:
    """``old → new`` in the reader's language; the new state alone for the first step."""
    return f"{label(from_state)} → {label(to_state)}" if from_state is not None else label(to_state)
