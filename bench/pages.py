"""Page benchmarks: median, p95 and SQL statements per page, on SQLite or PostgreSQL.

Pages are requested through the Flask test client (no network: the figures are the app's
own cost) as a logged-in supervisor of the busiest province, or a counselor of its busiest
commune for the counselor pages; each is requested once to warm up, once to count its SQL
statements, then N times. Two figures have a floor to compare with: the indicator (the
application's statements against one hand-written statement computing the same numbers,
which must agree) and the PDF summary (against WeasyPrint alone on the same HTML).

    python bench/pages.py --seed-cases 10000 [--backend sqlite|postgresql] [--provinces 1]
    python bench/pages.py --database-url URL [--instance DIR]     # an existing dataset
    ... [-n 20] [--pdf-n 10] [--write docs/performance.md]

``--seed-cases`` fills ``--database-url`` (which must be empty) or, without it, a fresh
temporary database of ``--backend`` that is dropped afterwards. An existing dataset needs
the keys it was encrypted with: ``--instance`` names a folder holding ``secret_key`` and
``data_key`` (or set SECRET_KEY and DATA_KEY). The benchmark adds its two accounts to the
database and assigns the counselor's commune's unassigned cases to her.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

from bench import machine  # noqa: E402
from bench.dataset import (  # noqa: E402
    COUNSELOR,
    PG_ADMIN_URL,
    SUPERVISOR,
    Keys,
    Subjects,
    bench_app,
    fresh_database,
    prepare_subjects,
    seed,
)
from caseapp.db import db  # noqa: E402
from caseapp.dbsetup import recorded_statements  # noqa: E402


@dataclass
class Result:
    name: str
    user: str
    times_ms: list[float]
    queries: int
    floor_ms: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def floor_median(self) -> float | None:
        return statistics.median(self.floor_ms) if self.floor_ms else None

    @property
    def ratio(self) -> float | None:
        floor = self.floor_median
        return self.median / floor if floor else None


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements the app's engine executes inside the block."""
    with app.app_context():
        engine = db.engine
    with recorded_statements(engine) as statements:
        yield statements


def count_statements(app: Flask, fn: Callable[[], Any]) -> int:
    """Statements of one request: the fewer of two, since a session's last-seen time is
    written at most once a minute and the request doing it issues a few more."""
    counts = []
    for _ in range(2):
        with counting(app) as statements:
            fn()
        counts.append(len(statements))
    return min(counts)


def measure(app: Flask, fn: Callable[[], Any], n: int) -> tuple[list[float], int]:
    fn()  # warm-up: templates compiled, caches filled, pages of the database read
    queries = count_statements(app, fn)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times, queries


def measure_pair(app: Flask, fn: Callable[[], Any], floor: Callable[[], Any],
                 n: int) -> tuple[list[float], int, list[float]]:
    """Like ``measure`` for a path and its floor, alternating them so that both meet the
    same load on a shared machine."""
    fn(), floor()
    queries = count_statements(app, fn)
    times: list[float] = []
    floor_times: list[float] = []
    for _ in range(n):
        for f, out in ((fn, times), (floor, floor_times)):
            t0 = time.perf_counter()
            f()
            out.append((time.perf_counter() - t0) * 1000)
    return times, queries, floor_times


def login(app: Flask, username: str, password: str) -> FlaskClient:
    client = app.test_client()
    resp = client.post("/auth/login", data={"username": username, "password": password})
    if resp.status_code != 302:
        raise SystemExit(f"login of {username} failed ({resp.status_code})")
    return client


def page(client: FlaskClient, path: str, data: dict[str, Any] | None = None,
         pdf: bool = False) -> Callable[[], Any]:
    def fetch() -> Any:
        resp = client.post(path, data=data) if data is not None else client.get(path)
        if resp.status_code != 200 or (pdf and resp.mimetype != "application/pdf"):
            raise SystemExit(f"{path}: HTTP {resp.status_code} {resp.mimetype}")
        return resp
    return fetch


def comparable(figures: dict[str, Any]) -> dict[str, Any]:
    """Indicator figures without the target, by-unit rows keyed by unit (order is collation's)."""
    out = {k: v for k, v in figures.items() if k not in ("target", "unit", "from", "to",
                                                          "as_of")}
    out["by_unit"] = {row["unit"]: row for row in figures["by_unit"]}
    return out


def indicator_result(app: Flask, subjects: Subjects, n: int) -> Result:
    from bench.indicator_floor import floor_indicator
    from caseapp.indicator.queries import compute, default_as_of
    from caseapp.indicator.services import term_to_date
    from caseapp.units.services import get_by_code

    with app.app_context():
        unit = get_by_code(subjects.province_code)
        assert unit is not None
        start, end = term_to_date()
        as_of = default_as_of(end)

        def app_path() -> dict[str, Any]:
            return compute(unit, start, end, as_of, with_trend=False,
                           with_services=False).to_json_dict()

        def floor() -> dict[str, Any]:
            return floor_indicator(unit, start, end, as_of)

        got, want = comparable(app_path()), comparable(floor())
        if got != want:
            raise SystemExit("The indicator and its floor disagree:\n"
                             f" app:   {got}\n floor: {want}")
        times, queries, floor_times = measure_pair(app, app_path, floor, n)
        db.session.remove()
    return Result(f"indicator, province (denominator {got['denominator']:,})", "-", times,
                  queries, floor_times)


@contextmanager
def pdf_floor(app: Flask, subjects: Subjects) -> Iterator[Callable[[], bytes]]:
    """WeasyPrint alone on the final HTML of the summary the route prints."""
    from bench.pdf_bench import bare_pdf, final_html
    from caseapp.access import get_case_or_404
    from caseapp.auth.models import User
    from caseapp.documents.summary import SECTIONS, case_summary_spec

    with app.test_request_context():
        user = db.session.get(User, subjects.counselor_id)
        assert user is not None
        spec = case_summary_spec(get_case_or_404(subjects.case_id, user), list(SECTIONS), False)
        html = final_html(spec, user)
        db.session.remove()
        yield lambda: bare_pdf(html)


def run(app: Flask, subjects: Subjects, n: int, pdf_n: int) -> list[Result]:
    from caseapp.clock import today
    from caseapp.documents.summary import SECTIONS

    sup = login(app, SUPERVISOR, subjects.password)
    cou = login(app, COUNSELOR, subjects.password)
    year = today().year
    case = subjects.case_id
    probes: list[tuple[str, str, Callable[[], Any]]] = [
        ("dashboard", "supervisor", page(sup, "/dashboard")),
        ("case list", "supervisor", page(sup, "/cases/")),
        ("case list, filtered (DV, in progress, by risk)", "supervisor",
         page(sup, "/cases/?category=dv&status=in_progress&sort=risk")),
        ("case list, overdue follow-ups", "supervisor", page(sup, "/cases/?overdue=y")),
        ("case list, page 20", "supervisor", page(sup, "/cases/?page=20")),
        ("phone search (POST)", "supervisor", page(sup, "/cases/", {"q": subjects.phone})),
        ("case list", "counselor", page(cou, "/cases/")),
        ("case page", "supervisor", page(sup, f"/cases/{case}")),
        ("case page", "counselor", page(cou, f"/cases/{case}")),
        (f"periodic report, year {year}", "supervisor",
         page(sup, f"/reports/?unit={subjects.province_code}&kind=year&year={year}")),
        ("worklist: victims without a service", "supervisor",
         page(sup, "/indicator/worklist")),
        ("worklist: referral review", "supervisor", page(sup, "/referrals/review")),
        ("worklist: high risk, no service", "supervisor", page(sup, "/referrals/high-risk")),
        ("worklist: my referrals", "counselor", page(cou, "/referrals/")),
        ("worklist: consultation follow-ups", "counselor", page(cou, "/consultations/followups")),
    ]
    results = [indicator_result(app, subjects, n)]
    for name, who, fn in probes:
        times, queries = measure(app, fn, n)
        results.append(Result(name, who, times, queries))
    pdf_fn = page(cou, f"/documents/case/{case}/print", {"sections": list(SECTIONS)}, pdf=True)
    with pdf_floor(app, subjects) as bare:
        times, queries, floor_times = measure_pair(app, pdf_fn, bare, pdf_n)
    results.append(Result("PDF summary", "counselor", times, queries, floor_times))
    return results


def size_label(cases: int) -> str:
    if cases >= 950_000:
        return f"{round(cases / 1_000_000, 1):g}M"
    if cases >= 1000:
        return f"{round(cases / 1000):g}k"
    return str(cases)


def format_table(results: list[Result]) -> str:
    lines = ["| page | user | median ms | p95 ms | queries | floor median ms | ratio to floor |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        floor = f"{r.floor_median:.1f}" if r.floor_median is not None else ""
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else ""
        lines.append(f"| {r.name} | {r.user} | {r.median:.1f} | {r.p95:.1f} | {r.queries} | "
                     f"{floor} | {ratio} |")
    return "\n".join(lines)


def write_section(doc: Path, key: str, body: str) -> None:
    """Replace the section marked for ``key`` in ``doc``, or append it."""
    start, end = f"<!-- pages: {key} -->", f"<!-- /pages: {key} -->"
    block = f"{start}\n{body}\n{end}"
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text, encoding="utf-8")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", help="an existing database (or an empty one to seed)")
    parser.add_argument("--instance", type=Path,
                        help="folder with secret_key and data_key (created when seeding)")
    parser.add_argument("--seed-cases", type=int, help="seed a synthetic dataset of this size")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite",
                        help="fresh database kind for --seed-cases without --database-url")
    parser.add_argument("--provinces", type=int, default=1, help="provinces when seeding")
    parser.add_argument("-n", type=int, default=20, help="timed requests per page")
    parser.add_argument("--pdf-n", type=int, default=10, help="timed PDF renderings")
    parser.add_argument("--write", type=Path, help="replace this run's section of that file")
    args = parser.parse_args(argv)
    if not args.database_url and not args.seed_cases:
        parser.error("give --database-url, --seed-cases, or both")
    return args


def main(argv: list[str] | None = None) -> list[Result]:
    args = parse_args(argv)
    keys = Keys.for_run(args.instance, bool(args.seed_cases))
    with _database(args) as url:
        app = bench_app(url, keys)
        if args.seed_cases:
            t0 = time.perf_counter()
            seed(app, args.seed_cases, args.provinces)
            print(f"seeded in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        subjects = prepare_subjects(app)
        load = machine.Load.start()
        results = run(app, subjects, args.n, args.pdf_n)
        load.stop()
        with app.app_context():
            dialect = db.engine.dialect.name
            db.engine.dispose()
        described = machine.describe(url if dialect == "postgresql" else PG_ADMIN_URL)
    backend = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[dialect]
    key = f"{dialect} {size_label(subjects.cases)}"
    body = "\n".join([
        f"### {backend}, {size_label(subjects.cases)} cases",
        "",
        f"{load.started:%Y-%m-%d %H:%M} UTC; {subjects.cases:,} cases in the database; "
        f"supervisor of province {subjects.province_code}, counselor of commune "
        f"{subjects.commune_code}; {args.n} timed requests per page, {args.pdf_n} PDFs.",
        f"Machine: {described}; {load.describe()}.",
        "",
        format_table(results),
    ])
    print(body)
    if args.write:
        write_section(args.write, key, body)
    return results


@contextmanager
def _database(args: argparse.Namespace) -> Iterator[str]:
    if args.database_url:
        yield args.database_url
    else:
        with fresh_database(args.backend) as url:
            yield url


if __name__ == "__main__":
    main()
