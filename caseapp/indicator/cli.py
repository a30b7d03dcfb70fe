"""``flask indicator``: the indicator for a unit and a period, as JSON or a table.

The options and the JSON shape are a stable interface used by other tools.
"""

from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask.cli import with_appcontext

from caseapp.indicator.queries import Figures, IndicatorResult, compute


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{option} must be a date as YYYY-MM-DD, not {value!r}.")
    return None


def _rate(f: Figures) -> str:
    return "-" if f.rate is None else f"{f.rate * 100:.1f}%"


def format_table(res: IndicatorResult) -> str:
    lines = [
        f"Indicator for unit {res.unit_code}, detected {res.start.isoformat()} to "
        f"{res.end.isoformat()}, services received by {res.as_of.isoformat()}",
        f"Target: {res.target * 100:.1f}%",
        "",
    ]
    header = f"{'':<24} {'Detected':>9} {'Served':>9} {'Pending':>9} {'Rate':>8}"

    def row(label: str, f: Figures, mark: str = "") -> str:
        return (f"{label[:24]:<24} {f.denominator:>9} {f.numerator:>9} {f.pending:>9} "
                f"{_rate(f):>8}{mark}")

    lines += [header, row("Total", res.total), ""]
    if res.by_unit:
        lines += ["By unit", header]
        for u in res.by_unit:
            lines.append(row(u.code, u.figures, "  below target" if res.below_target(u.figures)
                             else ""))
        lines.append("")
    lines += ["By category", header]
    lines += [row(k, f) for k, f in res.by_category.items()]
    lines += ["", "Women and girls", header]
    lines += [row(k, f) for k, f in res.by_age.items()]
    return "\n".join(lines)


@click.command("indicator")
@click.option("--unit", "unit_code", required=True, help="Code of the unit (its subtree).")
@click.option("--from", "from_", required=True, help="First detection date, YYYY-MM-DD.")
@click.option("--to", "to", required=True, help="Last detection date, YYYY-MM-DD.")
@click.option("--as-of", "as_of", default=None,
              help="Count services received by this date (default: --to, or today).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@with_appcontext
def indicator_command(unit_code: str, from_: str, to: str, as_of: str | None,
                      as_json: bool) -> None:
    """Service-access indicator for a unit's subtree and a detection period."""
    from caseapp.units.services import get_by_code

    start = _date(from_, "--from")
    end = _date(to, "--to")
    as_of_date = _date(as_of, "--as-of")
    assert start is not None and end is not None
    if start > end:
        _fail("--from must not be after --to.")
    unit = get_by_code(unit_code)
    if unit is None:
        _fail(f"Unknown unit {unit_code!r}.")
        return
    res = compute(unit, start, end, as_of_date, with_trend=False, with_services=False)
    if as_json:
        click.echo(json.dumps(res.to_json_dict(), ensure_ascii=False))
    else:
        click.echo(format_table(res))
