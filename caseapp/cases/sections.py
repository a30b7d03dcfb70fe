"""The sections of a case, in one list: the case page and the PDF summary both show them.

Each area declares its one section in ``caseapp/<area>/section.py`` (what a section is:
``caseapp/records/section.py``); a new record type adds its ``SECTION`` to ``ALL`` below.
The page shows those with a page template, the PDF those with a PDF template, both in
``order`` and under the same title. Keys and orders are checked when this module is
imported, which the application does at start-up: a clash stops it there rather than
leaving the printed order to chance.
"""

from __future__ import annotations

from collections.abc import Iterable

from caseapp.attachments.section import SECTION as ATTACHMENTS
from caseapp.cases.section import CASE_SECTION, CLOSURE_SECTION
from caseapp.clients.section import SECTION as CLIENT
from caseapp.complaints.section import SECTION as COMPLAINTS
from caseapp.consents.section import SECTION as CONSENTS
from caseapp.consultations.section import SECTION as CONSULTATIONS
from caseapp.incidents.section import SECTION as INCIDENTS
from caseapp.measures.section import SECTION as MEASURES
from caseapp.records.section import CaseSection, TimelineEntry
from caseapp.referrals.section import SECTION as REFERRALS
from caseapp.risk.section import SECTION as RISK

__all__ = ["SECTIONS", "CaseSection", "TimelineEntry", "page_sections", "pdf_sections"]

ALL: tuple[CaseSection, ...] = (
    CLIENT, CASE_SECTION, INCIDENTS, RISK, MEASURES, CONSENTS, CONSULTATIONS, COMPLAINTS,
    ATTACHMENTS, REFERRALS, CLOSURE_SECTION,
)


def build_registry(sections: Iterable[CaseSection]) -> dict[str, CaseSection]:
    """The sections by key, in their order; a repeated key or order raises ValueError."""
    by_key: dict[str, CaseSection] = {}
    by_order: dict[int, str] = {}
    for s in sections:
        if s.key in by_key:
            raise ValueError(f"two case sections have the key {s.key!r}")
        if s.order in by_order:
            raise ValueError(
                f"case sections {by_order[s.order]!r} and {s.key!r} have the same order {s.order}"
            )
        by_key[s.key] = s
        by_order[s.order] = s.key
    return dict(sorted(by_key.items(), key=lambda item: item[1].order))


SECTIONS: dict[str, CaseSection] = build_registry(ALL)


def page_sections() -> list[CaseSection]:
    """The sections of the case page, in order."""
    return [s for s in SECTIONS.values() if s.template is not None]


def pdf_sections() -> list[CaseSection]:
    """The sections of the PDF summary, in order."""
    return [s for s in SECTIONS.values() if s.pdf_template is not None]
