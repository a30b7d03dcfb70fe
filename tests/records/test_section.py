"""What a case section is: its parts go together, and the shared bits of its PDF rows."""

from __future__ import annotations

from typing import Any

import pytest

from caseapp.cases.models import CaseStatus
from caseapp.records.section import CaseSection, TimelineEntry, state_change


def _load(case: Any) -> dict[str, Any]:
    return {}


def _rows(case: Any, identifying: bool) -> list[Any]:
    return []


def _timeline(case: Any, data: dict[str, Any]) -> list[TimelineEntry]:
    return []


@pytest.mark.parametrize("parts", [
    {"template": "x.html"},
    {"loader": _load},
    {"pdf_template": "x.html"},
    {"pdf_rows": _rows},
    {},
    {"pdf_template": "x.html", "pdf_rows": _rows, "timeline": _timeline},
])
def test_a_section_with_a_missing_part_is_refused(parts: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="'x'"):
        CaseSection(key="x", order=1, title="X", **parts)


@pytest.mark.parametrize("parts", [
    {"template": "x.html", "loader": _load, "timeline": _timeline},
    {"pdf_template": "x.html", "pdf_rows": _rows},
    {"template": "x.html", "loader": _load, "pdf_template": "y.html", "pdf_rows": _rows},
])
def test_a_page_section_a_pdf_section_or_both(parts: dict[str, Any]) -> None:
    assert CaseSection(key="x", order=1, title="X", **parts).key == "x"


def test_state_change_names_both_states_or_the_first(app: Any) -> None:
    with app.test_request_context():
        assert state_change(None, CaseStatus.OPEN) == "Open"
        assert state_change(CaseStatus.OPEN, CaseStatus.IN_PROGRESS) == "Open → In progress"


@pytest.fixture
def app_overrides() -> dict[str, object]:
    return {"BABEL_DEFAULT_LOCALE": "en"}
