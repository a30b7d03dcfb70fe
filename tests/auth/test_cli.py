from __future__ import annotations

import pytest
import sqlalchemy as sa

from caseapp.auth.models import User
from caseapp.db import db

PW = "correct horse battery staple\n"


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) or 0


def test_create_user_from_cli(app, make) -> None:
    unit = make.unit("CLI1")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "lan.pham", "--role", "counselor",
                                 "--unit", unit.code, "--password-stdin"], input=PW)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User).where(User.username == "lan.pham")) is not None


def test_cli_errors_are_clear_and_non_zero(app, make) -> None:
    unit = make.unit("CLI2")
    make.user(unit=unit, username="taken.name")
    runner = app.test_cli_runner()
    before = _count()
    cases = [
        (["create-user", "new.person", "--role", "counselor", "--unit", "NOPE"], PW,
         "Unknown unit"),
        (["create-user", "taken.name", "--role", "counselor", "--unit", unit.code], PW,
         "already taken"),
        (["create-user", "new.person", "--role", "counselor", "--unit", unit.code],
         "matkhau123456\n", "too common"),
        (["create-user", "new.person", "--role", "counselor", "--unit", unit.code],
         "short\n", "at least 12"),
    ]
    for args, stdin, message in cases:
        result = runner.invoke(args=[*args, "--password-stdin"], input=stdin)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.output, result.output
        assert "Traceback" not in result.output
    assert _count() == before


@pytest.fixture
def app_overrides() -> dict[str, object]:
    # These tests compare message texts with their English ids; the Vietnamese rendering
    # is checked in tests/foundation/test_translations.py and the browser tests.
    return {"BABEL_DEFAULT_LOCALE": "en"}
