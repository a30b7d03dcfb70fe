"""Attached documents on the case page. The PDF summary does not list them."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from caseapp.attachments import services
from caseapp.cases.models import Case
from caseapp.records.section import CaseSection


def load_section(case: Case) -> dict[str, Any]:
    return {"attachments": services.for_case(case.id)}


SECTION = CaseSection(
    key="attachments",
    order=90,
    title=_l("Attached documents"),
    template="attachments/_case_section.html",
    loader=load_section,
)
