"""``flask indicator``: JSON shape, table output and argument errors."""

from __future__ import annotations

import json
from datetime import date

import pytest

from caseapp.cases.models import CaseCategory
from caseapp.referrals.models import ReferralState


@pytest.fixture
def data(make):
    root = make.unit("P", kind="province")
    a = make.unit("A", parent=root)
    b = make.unit("B", parent=root)
    c = make.case(a, detected_on=date(2026, 1, 10), age_at_detection=30)
    make.referral(c, ReferralState.RECEIVED, received_on=date(2026, 1, 20))
    c2 = make.case(b, detected_on=date(2026, 2, 10), age_at_detection=12,
                   category=CaseCategory.TRAFFICKING)
    make.referral(c2, ReferralState.SENT)
    make.case(b, detected_on=date(2026, 2, 11), age_at_detection=None)
    return root


def run(app, *args):
    return app.test_cli_runner().invoke(args=["indicator", *args])


def test_json_shape_exact(app, data):
    res = run(app, "--unit", "P", "--from", "2026-01-01", "--to", "2026-03-31",
              "--as-of", "2026-04-01", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    fig = {"denominator", "numerator", "pending", "rate"}
    assert out["unit"] == "P"
    assert (out["from"], out["to"], out["as_of"]) == ("2026-01-01", "2026-03-31", "2026-04-01")
    assert (out["denominator"], out["numerator"], out["pending"]) == (3, 1, 1)
    assert out["rate"] == pytest.approx(1 / 3)
    assert out["target"] == 0.8
    assert out["by_unit"] == [
        {"unit": "A", "denominator": 1, "numerator": 1, "pending": 0, "rate": 1.0},
        {"unit": "B", "denominator": 2, "numerator": 0, "pending": 1, "rate": 0.0},
    ]
    assert set(out["by_category"]) == {"dv", "trafficking"}
    assert set(out["by_age"]) == {"women", "girls", "unknown"}
    for group in (*out["by_category"].values(), *out["by_age"].values()):
        assert set(group) == fig
    assert out["by_age"]["girls"]["pending"] == 1
    assert out["by_age"]["unknown"]["rate"] == 0.0


def test_as_of_defaults_to_end_or_today(app, data):
    past = json.loads(run(app, "--unit", "P", "--from", "2026-01-01", "--to", "2026-01-31",
                          "--json").stdout)
    assert past["as_of"] == "2026-01-31"
    # The test clock stands at 15/06/2026.
    future = json.loads(run(app, "--unit", "P", "--from", "2026-01-01", "--to", "2026-12-31",
                            "--json").stdout)
    assert future["as_of"] == "2026-06-15"


def test_empty_unit_rate_null(app, make):
    make.unit("E")
    out = json.loads(run(app, "--unit", "E", "--from", "2026-01-01", "--to", "2026-03-31",
                         "--json").stdout)
    assert out["denominator"] == 0 and out["rate"] is None and out["by_unit"] == []


def test_table_output(app, data):
    res = run(app, "--unit", "P", "--from", "2026-01-01", "--to", "2026-03-31")
    assert res.exit_code == 0
    assert "Total" in res.stdout and "33.3%" in res.stdout
    assert "below target" in res.stdout  # unit B at 0%
    with pytest.raises(json.JSONDecodeError):
        json.loads(res.stdout)


@pytest.mark.parametrize("args,needle", [
    (["--unit", "NOPE", "--from", "2026-01-01", "--to", "2026-03-31"], "Unknown unit"),
    (["--unit", "P", "--from", "2026-04-01", "--to", "2026-03-31"], "--from"),
    (["--unit", "P", "--from", "01/01/2026", "--to", "2026-03-31"], "YYYY-MM-DD"),
    (["--unit", "P", "--from", "2026-01-01", "--to", "2026-03-31", "--as-of", "x"], "--as-of"),
])
def test_bad_arguments(app, data, args, needle):
    res = run(app, *args, "--json")
    assert res.exit_code != 0
    assert needle in res.stderr
    assert res.stdout == ""
