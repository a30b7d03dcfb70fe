"""WTForms' own validation messages reach the user in her language, not in English."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from caseapp.clients.models import Client
from caseapp.db import db
from tests.factories import Factory


def test_builtin_messages_are_vietnamese_and_english_on_request(
        make: Factory, login_as: Any) -> None:
    counselor = make.user("counselor", make.unit("A"))
    client = login_as(counselor)
    form = {"sex": "female", "birth_year": "nineteen-ninety", "category": "dv"}

    html = client.post("/clients/new", data=form).get_data(as_text=True)
    assert "Số nguyên không hợp lệ." in html
    assert "Not a valid integer value." not in html

    client.post("/language", data={"lang": "en"})
    html = client.post("/clients/new", data=form).get_data(as_text=True)
    assert "Not a valid integer value." in html
    assert "Số nguyên không hợp lệ." not in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Client)) == 0
