"""A client's age at a date: one rule for every screen, PDF, import and figure."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from caseapp.clients.age import age_from, age_on, is_surely_under, may_be_under


def person(birth_date: date | None = None, birth_year: int | None = None,
           approx_age: int | None = None, approx_age_on: date | None = None) -> SimpleNamespace:
    return SimpleNamespace(birth_date=birth_date, birth_year=birth_year,
                           approx_age=approx_age, approx_age_on=approx_age_on)


@pytest.mark.parametrize(("born", "on", "age"), [
    (date(2010, 6, 15), date(2026, 6, 14), 15),   # the day before her birthday
    (date(2010, 6, 15), date(2026, 6, 15), 16),   # on her birthday
    (date(2008, 2, 29), date(2026, 2, 28), 17),   # born on 29 February, not yet 18
    (date(2008, 2, 29), date(2026, 3, 1), 18),
])
def test_birth_date_gives_whole_years(born: date, on: date, age: int) -> None:
    assert age_on(person(birth_date=born), on) == age


def test_birth_year_only_is_the_year_difference() -> None:
    # The indicator and the statistics count exactly this: the year minus the birth year.
    p = person(birth_year=2010)
    assert age_on(p, date(2026, 1, 1)) == 16
    assert age_on(p, date(2026, 12, 31)) == 16


def test_stated_age_is_carried_by_calendar_years() -> None:
    p = person(approx_age=30, approx_age_on=date(2024, 11, 2))
    assert age_on(p, date(2026, 6, 15)) == 32
    assert age_on(p, date(2024, 12, 31)) == 30


def test_unknown_without_birth_data() -> None:
    assert age_on(person(), date(2026, 6, 15)) is None
    assert not may_be_under(person(), date(2026, 6, 15))


def test_field_by_field_gives_the_same_age_as_the_client() -> None:
    on = date(2026, 6, 15)
    for p in (person(birth_date=date(2010, 7, 1)), person(birth_year=2010), person()):
        assert age_from(on, p.birth_date, p.birth_year) == age_on(p, on)


def test_a_possible_child_is_treated_as_one() -> None:
    on = date(2026, 6, 15)
    # Birth year only, 16 by the year: she may not have had her 16th birthday yet.
    by_year = person(birth_year=2010)
    assert age_on(by_year, on) == 16
    assert may_be_under(by_year, on, 16) and not is_surely_under(by_year, on, 16)
    # With the birth date known, 16 is 16.
    exact = person(birth_date=date(2010, 1, 1))
    assert not may_be_under(exact, on, 16)
    # Under the limit by any reading.
    assert may_be_under(person(birth_year=2011), on, 16)
    assert is_surely_under(person(birth_year=2011), on, 16)
    assert not may_be_under(person(birth_year=2009), on, 16)


def test_case_page_and_consent_form_agree(app, make, login_as) -> None:
    """One client, one day: the case page shows her age by the one rule, and the consent form
    treats her as a possible child without showing another age."""
    from caseapp.clients.services import recompute_ages
    from caseapp.db import db

    unit = make.unit()
    client = make.client(unit, birth_year=2010)
    case = make.case(unit, client=client, detected_on=date(2026, 6, 15))
    recompute_ages(client)
    db.session.commit()
    c = login_as(make.user("counselor", unit))
    page = c.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "<dd>16</dd>" in page
    form = c.get(f"/consents/new/{case.id}").get_data(as_text=True)
    assert "có thể dưới 16 tuổi" in form
    assert "15" not in form.split("có thể dưới 16 tuổi")[0].rsplit("<p", 1)[-1]
