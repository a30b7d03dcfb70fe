"""The client in the PDF summary. The case page shows her in its header instead, by code
until her name and contact are asked for."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from caseapp.cases.models import Case
from caseapp.i18n import format_date
from caseapp.labels import label
from caseapp.records.section import CaseSection, Fact


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def pdf_rows(case: Case, identifying: bool) -> list[Fact]:
    client = case.client
    facts = [Fact(_("Client code"), client.code)]
    if identifying:
        facts += [
            Fact(_("Full name"), client.full_name or ""),
            Fact(_("Phone"), client.phone or ""),
            Fact(_("Address"), client.address or ""),
            Fact(_("Date of birth"), format_date(client.birth_date)),
        ]
    elif client.birth_year:
        facts.append(Fact(_("Year of birth"), str(client.birth_year)))
    ethnicity = label(client.ethnicity)
    if client.ethnicity_other:
        ethnicity = f"{ethnicity} ({client.ethnicity_other})"
    interpreter = _yes_no(client.needs_interpreter)
    if client.needs_interpreter and client.interpreter_language:
        interpreter = f"{interpreter} ({client.interpreter_language})"
    facts += [
        Fact(_("Sex"), label(client.sex)),
        Fact(_("Ethnicity"), ethnicity),
        Fact(_("Needs an interpreter"), interpreter),
        Fact(_("Disability"), _yes_no(client.disability)),
        Fact(_("Marital status"), label(client.marital_status)),
    ]
    return facts


SECTION = CaseSection(
    key="client",
    order=10,
    title=_l("Client"),
    pdf_template="clients/_pdf_section.html",
    pdf_rows=pdf_rows,
)
