"""The page benchmark runs end to end on a tiny dataset, so it cannot rot unnoticed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import pages


@pytest.mark.slow
def test_page_benchmark_runs_and_writes_its_section(empty_database_url: str,
                                                    tmp_path: Path) -> None:
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\n<!-- pages: old -->\nkept\n<!-- /pages: old -->\n")
    keys = tmp_path / "instance"
    argv = ["--database-url", empty_database_url, "--instance", str(keys), "--seed-cases", "40",
            "-n", "1", "--pdf-n", "1", "--write", str(doc)]
    results = pages.main(argv)

    names = [r.name for r in results]
    assert names[0].startswith("indicator") and "PDF summary" in names
    assert "phone search (POST)" in names and "dashboard" in names
    for r in results:
        assert r.times_ms and r.queries > 0, r.name
        assert r.queries <= 30, r.name  # the page-count target is read from the full run
    # The indicator agreed with its hand-written floor (main exits otherwise) and both floors
    # were timed.
    assert results[0].floor_ms and results[-1].floor_ms
    text = doc.read_text()
    assert "kept" in text
    section = text.split("<!-- pages: ")[2]
    assert "| page | user | median ms |" in section and "Machine:" in section

    # Writing again replaces the run's own section and leaves the others.
    key = section.split(" -->")[0]
    pages.write_section(doc, key, "second run")
    text = doc.read_text()
    assert "second run" in text and "kept" in text and "| page | user |" not in text
