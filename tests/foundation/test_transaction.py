"""The one transaction owner: commit once, or roll back everything and tell the user why."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import get_flashed_messages
from sqlalchemy.orm.exc import StaleDataError
from wtforms import Form, StringField

from caseapp.db import db
from caseapp.transaction import StaleEdit, UserError, cli_transaction, transaction
from caseapp.units.models import Unit


class NameForm(Form):
    name = StringField()


def _unit_codes() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(Unit.code)))


def _stage(make, code: str) -> None:
    parent = make.unit()
    db.session.add(Unit(code=code, name="Đơn vị thử", kind=parent.kind, parent_id=parent.id))


def test_success_commits_once(app, make) -> None:
    with app.test_request_context(), transaction() as tx:
        _stage(make, "T-OK")
    assert tx.ok and tx.error is None and tx.status == 200
    assert "T-OK" in _unit_codes()


def test_user_error_on_a_field_rolls_back_and_shows_there(app, make) -> None:
    form = NameForm()
    with app.test_request_context():
        with transaction(form) as tx:
            _stage(make, "T-FIELD")
            raise UserError("Tên đã có.", field="name")
        assert get_flashed_messages() == []
    assert not tx.ok and tx.status == 400
    assert form.name.errors == ["Tên đã có."]
    assert "T-FIELD" not in _unit_codes()


def test_user_error_without_a_field_is_flashed(app, make) -> None:
    with app.test_request_context():
        with transaction(NameForm()) as tx:
            _stage(make, "T-FLASH")
            raise UserError("Không thể lưu.")
        assert get_flashed_messages() == ["Không thể lưu."]
    assert not tx.ok
    assert "T-FLASH" not in _unit_codes()


def test_a_lost_race_is_a_stale_edit(app, make) -> None:
    with app.test_request_context():
        with transaction() as tx:
            _stage(make, "T-RACE")
            raise StaleDataError("versioned update matched no row")
        assert get_flashed_messages() == [str(StaleEdit())]
    assert isinstance(tx.error, StaleEdit) and tx.status == 409
    assert "T-RACE" not in _unit_codes()


def test_any_other_error_rolls_back_and_propagates(app, make) -> None:
    with app.test_request_context(), pytest.raises(ZeroDivisionError), transaction():
        _stage(make, "T-BUG")
        _ = 1 / 0
    assert "T-BUG" not in _unit_codes()


def test_cli_transaction_ends_the_command_with_the_message(app, make, capsys) -> None:
    with pytest.raises(SystemExit) as exit_, cli_transaction():
        _stage(make, "T-CLI")
        raise UserError("Mã đơn vị đã có.")
    assert exit_.value.code == 1
    assert "Error: Mã đơn vị đã có." in capsys.readouterr().err
    assert "T-CLI" not in _unit_codes()
