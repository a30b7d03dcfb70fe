"""Rules every template keeps, checked over the template files themselves."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_time_element_takes_its_instant_from_the_one_filter() -> None:
    # ``machine_dt`` (caseapp/i18n.py) gives what HTML accepts; a Python isoformat() gives
    # microseconds, which it does not.
    found = 0
    for path in sorted(TEMPLATES.rglob("*.html")):
        for value in re.findall(r'<time\b[^>]*\bdatetime="([^"]*)"', path.read_text("utf-8")):
            found += 1
            assert re.fullmatch(r"\{\{ *[\w.]+ *\| *machine_dt *\}\}", value), (path, value)
    assert found
