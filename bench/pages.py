"""Page benchmarks at scale: median, p95 and SQL statements per page, on SQLite or PostgreSQL.

    python -m bench.pages --db sqlite --cases 10000
    python -m bench.pages --db postgresql --cases 1000000 --reuse

It builds (or reuses) a database filled by seed-synthetic, creates benchmark users, drives
the real app through its test client (no network, so figures are the app's own cost), and
prints a table; with --write it also records the table in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@dataclass
class Result:
    name: str
    times_ms: list[float]
    queries: int
    floor_ms: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def database_url(kind: str, cases: int) -> str:
    if kind == "sqlite":
        path = ROOT / "bench" / "out" / f"bench_{cases}.sqlite"
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    name = f"caseapp_bench_{cases}"
    return sa.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


def prepare(kind: str, cases: int, reuse: bool) -> str:
    url = database_url(kind, cases)
    if reuse:
        return url
    if kind == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            p = Path(sa.make_url(url).database + suffix)  # type: ignore[operator]
            p.unlink(missing_ok=True)
    else:
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        name = sa.make_url(url).database
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    return url


def timed(fn: Callable[[], Any], repeat: int, count_queries: Callable[[], Any]) -> Result:
    fn()  # warm caches
    with count_queries() as statements:
        fn()
    n_queries = len(statements)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return Result("", times, n_queries)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}"


def format_table(title: str, results: list[Result]) -> str:
    lines = [f"### {title}", "", "| page | median ms | p95 ms | queries | ratio to floor |",
             "| --- | ---: | ---: | ---: | ---: |"]
    for r in results:
        ratio = f"{r.median / r.floor_ms:.2f}" if r.floor_ms else ""
        lines.append(f"| {r.name} | {r.median:.1f} | {r.p95:.1f} | {r.queries} | {ratio} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="reuse an existing database")
    parser.add_argument("--write", action="store_true", help="append to docs/performance.md")
    args = parser.parse_args()

    from bench.probes import run_probes

    url = prepare(args.db, args.cases, args.reuse)
    started = datetime.now(UTC)
    results = run_probes(url, args.cases, args.repeat, seed_data=not args.reuse)
    title = (f"{args.db}, {args.cases:,} cases (target size), {started:%Y-%m-%d %H:%M} UTC; "
             f"{machine()}")
    table = format_table(title, results)
    print(table)
    if args.write:
        doc = ROOT / "docs" / "performance.md"
        with doc.open("a", encoding="utf-8") as fh:
            fh.write("\n" + table + "\n")


if __name__ == "__main__":
    main()
