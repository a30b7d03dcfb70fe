"""The confidential case summary: the PDF sections of the case, as plain strings.

Which sections exist, in what order and under which titles is ``caseapp.cases.sections``;
each section's rows come from its area (``caseapp/<area>/section.py``). Each loader runs a
fixed number of queries, whatever the number of rows, and returns dataclasses of strings
(dates already dd/mm/yyyy, labels already translated), so no ORM object and no lazy load
ever reaches the template.

Identifying data: the client's name, phone, address and exact birth date are printed only
when the person printing asks for them (``identifying=True``), which the audit entry and
the printed-document record state. Otherwise the client appears by her code. Narratives
and notes are part of the internal summary either way: the document is for case workers
who may read the case, and it is stamped, numbered and traced.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from caseapp.cases.models import Case
from caseapp.cases.sections import pdf_sections
from caseapp.consents.forms import FIELD_LABELS
from caseapp.consents.models import SHAREABLE_FIELDS
from caseapp.documents.models import DocumentKind
from caseapp.documents.services import DocumentSpec

# Keys are stable (CLI --sections, audit entries); order is the printed order.
SECTIONS: dict[str, Any] = {s.key: s.title for s in pdf_sections()}
# Each section's rows go into the template context under its key, beside these.
_SHARED_CONTEXT = {"unit_name", "case_code", "identifying", "sections"}
assert not _SHARED_CONTEXT & set(SECTIONS), "a section key hides a summary context key"

# The names of the fields a consent may share, as the consent form words them; the
# referral slip and the print screen use them too.
SHAREABLE_LABELS: dict[str, Any] = FIELD_LABELS
assert set(SHAREABLE_LABELS) == set(SHAREABLE_FIELDS)


class UnknownSections(ValueError):
    def __init__(self, names: Sequence[str]) -> None:
        super().__init__(", ".join(names))
        self.names = list(names)


def parse_sections(names: Sequence[str] | None) -> tuple[str, ...]:
    """Chosen sections in printed order; None or empty means all."""
    if not names:
        return tuple(SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise UnknownSections(unknown)
    chosen = set(names)
    return tuple(k for k in SECTIONS if k in chosen)


def case_summary_spec(
    case: Case, sections: Sequence[str] | None = None, identifying: bool = False
) -> DocumentSpec:
    """What the case summary prints for ``case`` (already loaded through the access layer).

    Each chosen section's rows are in the context under its key; ``sections`` lists the
    chosen ones in order with their title and template, for the summary template to include.
    """
    chosen = set(parse_sections(sections))
    printed = [s for s in pdf_sections() if s.key in chosen]
    identifying = identifying and "client" in chosen
    context: dict[str, Any] = {  # the keys of _SHARED_CONTEXT
        "unit_name": case.unit.name,
        "case_code": case.code,
        "identifying": identifying,
        "sections": [
            {"key": s.key, "title": str(s.title), "template": s.pdf_template} for s in printed
        ],
    }
    for s in printed:
        context[s.key] = s.pdf_rows(case, identifying)
    return DocumentSpec(
        kind=DocumentKind.CASE_SUMMARY,
        template="case_summary.html",
        context=context,
        code=case.code,
        unit_id=case.unit_id,
        case_id=case.id,
        sections=tuple(s.key for s in printed),
        identifying=identifying,
    )
