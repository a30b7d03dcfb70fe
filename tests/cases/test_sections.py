"""The one list of case sections: keys and orders are unique, and the case page and the PDF
summary show the same sections in the same order under the same titles."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from caseapp.cases.sections import (
    SECTIONS,
    CaseSection,
    build_registry,
    page_sections,
    pdf_sections,
)
from caseapp.documents import summary
from caseapp.documents.services import get_renderer
from caseapp.pdf import PdfMeta, PdfStamp
from tests.orgtree import Org


def _pdf_only(key: str, order: int) -> CaseSection:
    return CaseSection(key=key, order=order, title=key, pdf_template="x.html",
                       pdf_rows=lambda case, identifying: [])


def test_a_repeated_key_is_refused() -> None:
    with pytest.raises(ValueError, match="key 'a'"):
        build_registry([_pdf_only("a", 1), _pdf_only("a", 2)])


def test_a_repeated_order_is_refused() -> None:
    with pytest.raises(ValueError, match="'a' and 'b' have the same order 1"):
        build_registry([_pdf_only("a", 1), _pdf_only("b", 1)])


def test_sections_are_kept_in_their_order() -> None:
    registry = build_registry([_pdf_only("late", 20), _pdf_only("early", 10)])
    assert list(registry) == ["early", "late"]


def test_every_area_section_is_listed_once_in_order() -> None:
    assert list(SECTIONS) == [
        "client", "case", "incidents", "risk", "measures", "consents", "consultations",
        "complaints", "attachments", "referrals", "closure",
    ]
    orders = [s.order for s in SECTIONS.values()]
    assert orders == sorted(set(orders))
    assert [s.key for s in page_sections()] == [
        "incidents", "risk", "measures", "consents", "consultations", "attachments", "referrals",
    ]


def test_the_summary_offers_the_pdf_sections_by_their_stable_keys() -> None:
    assert list(summary.SECTIONS) == [s.key for s in pdf_sections()] == [
        "client", "case", "incidents", "risk", "measures", "consents", "consultations",
        "complaints", "referrals", "closure",
    ]
    assert all(summary.SECTIONS[s.key] is s.title for s in pdf_sections())


def _headings(pattern: str, html: str) -> list[tuple[str, str]]:
    return [(key, title.strip()) for key, title in re.findall(pattern, html)]


def test_case_page_and_pdf_summary_show_the_same_sections(
    org: Org, make: Any, login_as: Any, app: Any
) -> None:
    case = make.case(org.a)
    page_html = login_as(org.counselor_a).get(f"/cases/{case.id}").get_data(as_text=True)
    with app.test_request_context():
        spec = summary.case_summary_spec(case)
        pdf_html = get_renderer().render_html(
            spec.template, spec.context, meta=PdfMeta(title="t"),
            stamp=PdfStamp(document_id="X", printed_by="P",
                           printed_at=datetime(2026, 1, 1, tzinfo=UTC)))
        titles = {s.key: str(s.title) for s in SECTIONS.values()}

    page = _headings(r'<section class="case-section" id="(\w+)"[^>]*>\s*<h2 id="\1-h">([^<]+)',
                     page_html)
    pdf = _headings(r'<section class="pdf-section" id="s-(\w+)">\s*<h2>([^<]+)</h2>', pdf_html)

    assert [key for key, _ in page] == [s.key for s in page_sections()]
    assert [key for key, _ in pdf] == [s.key for s in pdf_sections()]
    assert all(title == titles[key] for key, title in page + pdf)
    on_both = [(key, title) for key, title in page if key in dict(pdf)]
    assert on_both == [(key, title) for key, title in pdf if key in dict(page)]
    assert [key for key, _ in on_both] == [
        "incidents", "risk", "measures", "consents", "consultations", "referrals",
    ]
