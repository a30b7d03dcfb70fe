"""What a benchmark ran on, and how busy the machine was meanwhile."""

from __future__ import annotations

import os
import platform
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return kib / 1024 / 1024


def postgres_version(url: str) -> str:
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            version = conn.execute(sa.text("SHOW server_version")).scalar_one()
        engine.dispose()
    except sa.exc.SQLAlchemyError:
        return "not reachable"
    return str(version).split()[0]


def _cpu_jiffies() -> tuple[int, int]:
    """(busy, total) CPU time of the whole machine since boot, in clock ticks."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def _own_ticks() -> float:
    t = os.times()
    return (t.user + t.system + t.children_user + t.children_system) * os.sysconf("SC_CLK_TCK")


@dataclass
class Load:
    """Machine CPU use during a run: all processes, and this process (and its children)."""

    started: datetime
    load_start: float
    busy0: int
    total0: int
    own0: float
    load_end: float = 0.0
    machine_busy: float = 0.0
    own_busy: float = 0.0

    @classmethod
    def start(cls) -> Load:
        busy, total = _cpu_jiffies()
        return cls(datetime.now(UTC), os.getloadavg()[0], busy, total, _own_ticks())

    def stop(self) -> None:
        busy, total = _cpu_jiffies()
        span = max(total - self.total0, 1)
        self.load_end = os.getloadavg()[0]
        self.machine_busy = (busy - self.busy0) / span
        self.own_busy = (_own_ticks() - self.own0) / span

    def describe(self) -> str:
        other = max(self.machine_busy - self.own_busy, 0.0)
        verdict = "otherwise quiet" if other < 0.15 else "otherwise busy"
        return (f"machine CPU {self.machine_busy:.0%} busy during the run, this process "
                f"{self.own_busy:.0%}, the rest {other:.0%} (database server and other work: "
                f"{verdict}); load average {self.load_start:.2f} at start, "
                f"{self.load_end:.2f} at end")


def describe(pg_url: str) -> str:
    return (f"{os.cpu_count()} cores ({_cpu_model()}), {_ram_gib():.0f} GiB RAM, "
            f"Python {platform.python_version()}, PostgreSQL {postgres_version(pg_url)}, "
            f"SQLite {sqlite3.sqlite_version}")
