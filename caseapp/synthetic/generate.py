"""Synthetic, fictional data at national scale for benchmarks.

Rows are built in batches with ids assigned up front, encrypted with the real keyring
(the cost is part of what is measured) and written with COPY on PostgreSQL or executemany
on SQLite, on a second thread while the next batch is built. Nothing here is realistic
enough to identify anyone: names are drawn from lists.

The load runs in the caller's transaction and rebuilds the indexes of the tables it fills
at the end (see ``writer``): meant for a benchmark database, not one that serves users.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from caseapp import clock
from caseapp.crypto import keyring
from caseapp.db import db
from caseapp.synthetic.rows import COLUMNS, TABLES, Calendar, Ids, RowBuilder
from caseapp.synthetic.units import build_units, communes_per_province
from caseapp.synthetic.writer import BackgroundWrites, writer_for

BATCH = 5000


@dataclass
class Progress:
    total: int
    report: Callable[[int], None] = lambda n: None
    done: int = 0
    # Called once the rows are stored, before the indexes are rebuilt.
    finishing: Callable[[], None] = lambda: None

    def advance(self, n: int) -> None:
        self.done += n
        self.report(n)


@dataclass
class Counts:
    units: int = 0
    clients: int = 0
    cases: int = 0
    incidents: int = 0
    consultations: int = 0
    referrals: int = 0

    def add(self, table: str, n: int) -> None:
        setattr(self, table, getattr(self, table) + n)


def _service_ids() -> list[int]:
    conn = db.session.connection()
    ids = list(conn.execute(sa.text("SELECT id FROM service_types ORDER BY id")).scalars())
    if not ids:
        from caseapp.referrals.services import ensure_service_types

        ensure_service_types()
        ids = list(conn.execute(sa.text("SELECT id FROM service_types ORDER BY id")).scalars())
    return ids


def generate(provinces: int, clients: int, years: int, seed: int,
             progress: Progress | None = None, batch: int = BATCH) -> Counts:
    """Add the data in the session's transaction; the caller commits."""
    rng = random.Random(seed)  # noqa: S311 (fictional data, reproducible by seed)
    progress = progress or Progress(clients)
    now = clock.now().replace(microsecond=0)
    # Timestamps are stored as naive UTC.
    created_at = now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    service_ids = _service_ids()
    conn = db.session.connection()
    w = writer_for(conn)

    counts = Counts()
    case_units = build_units(w, rng, provinces, communes_per_province(provinces, clients),
                             created_at)
    w.fix_sequence("units")
    counts.units = len(case_units)
    ids = Ids({t: w.next_id(t) for t in TABLES})
    builder = RowBuilder(rng, keyring(), case_units, service_ids,
                         Calendar(clock.today(), years), ids, created_at,
                         null=w.null, false=w.false, true=w.true)

    w.begin_load(TABLES)
    writes = BackgroundWrites(w)
    try:
        for start in range(0, clients, batch):
            n = min(batch, clients - start)
            rows = builder.batch(n).rows
            writes.put([(t, COLUMNS[t], rows[t]) for t in TABLES])
            for t in TABLES:
                counts.add(t, len(rows[t]))
            progress.advance(n)
    finally:
        writes.close()
    progress.finishing()
    w.end_load()
    return counts
