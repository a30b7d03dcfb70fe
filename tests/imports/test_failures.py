"""An import that fails part-way, after rows were already sent to the database, writes
nothing: every table is as before, and nothing is left for a later commit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from caseapp import codes
from caseapp.imports import services
from tests.failures import StepFailed, all_rows, assert_nothing_written, fail_audit_of, fail_on_call
from tests.imports.conftest import World, table_bytes
from tests.imports.test_cli_and_screen import upload
from tests.imports.test_services import CASES, REFERRALS


def test_import_failing_at_a_row_after_earlier_rows_were_written(
        app: Flask, world: World, write: Callable[..., Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    cases, referrals = write("cases.csv", CASES), write("referrals.csv", REFERRALS)
    # Batches of two: the first clients and cases are inserted before the failing row.
    monkeypatch.setattr(services, "BATCH", 2)
    monkeypatch.setattr(codes, "make_code", fail_on_call(5, codes.make_code))
    before = all_rows()
    result = app.test_cli_runner().invoke(args=[
        "import-records", "--cases", str(cases), "--referrals", str(referrals),
        "--user", "sup", "--quiet"])
    assert result.exit_code != 0
    assert isinstance(result.exception, StepFailed)
    assert_nothing_written(before)


def test_import_whose_audit_write_fails(world: World, login_as: Any,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    c = login_as(world.supervisor)
    fail_audit_of("import.records", monkeypatch)
    before = all_rows()
    resp = upload(c, cases=table_bytes(CASES), referrals=table_bytes(REFERRALS))
    assert resp.status_code == 500
    assert_nothing_written(before)
