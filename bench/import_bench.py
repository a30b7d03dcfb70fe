"""Import benchmark: generate a synthetic N-row cases CSV in a temp dir, import it into a
fresh SQLite database, print rows/s and peak RSS.

    /work/venv/bin/python bench/import_bench.py 20000
"""

from __future__ import annotations

import csv
import random
import resource
import secrets
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from caseapp import create_app
from caseapp.auth.models import Role, User
from caseapp.auth.passwords import hash_password
from caseapp.db import db
from caseapp.imports.reader import Source
from caseapp.imports.services import run_import
from caseapp.units import services as units
from config import TestConfig

UNITS = ["B-P", "B-C1", "B-C2", "B-C3", "B-C4"]


def write_cases(path: Path, n: int) -> None:
    rnd = random.Random(42)  # noqa: S311 (synthetic data, reproducible)
    start = date(2021, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["case_ref", "unit_code", "client_ref", "client_name", "sex", "birth_year",
                    "phone", "category", "detected_on", "status"])
        for i in range(n):
            client = i - (i % 3 == 2)  # some clients have two cases
            w.writerow([
                f"R{i:07d}", UNITS[1 + client % 4], f"K{client:07d}", f"Người Thử {client}",
                ("nữ", "F", "nam")[client % 3], 1960 + client % 45,
                f"09{client:08d}", rnd.choice(["dv", "trafficking", "family", "legal"]),
                (start + timedelta(days=client % 1500)).strftime("%d/%m/%Y"), "open",
            ])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        csv_path = tmpdir / "cases.csv"
        write_cases(csv_path, n)
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmpdir / 'b.sqlite'}",
                         CLOCK_NOW=None)
        with app.app_context():
            db.create_all()
            units.ensure_default_kinds()
            parent = units.create_unit(UNITS[0], "Bench province", "province", None)
            for code in UNITS[1:]:
                units.create_unit(code, f"Bench {code}", "commune", parent)
            user = User(username="bench", full_name="Bench", role=Role.ADMIN, unit_id=parent.id,
                        password_hash=hash_password(secrets.token_urlsafe(24)))
            db.session.add(user)
            db.session.commit()
            t0 = time.perf_counter()
            result = run_import(user, Source.from_path(csv_path))
            elapsed = time.perf_counter() - t0
            if not result.written:
                print(result.errors[:5])
                raise SystemExit(1)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"rows: {n}  time: {elapsed:.2f}s  rows/s: {n / elapsed:,.0f}  "
          f"clients: {result.clients}  peak RSS: {peak_kib / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
