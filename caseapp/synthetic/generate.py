"""Synthetic, fictional data at national scale for benchmarks.

Rows are generated in batches with ids assigned up front, encrypted with the real keyring
(the cost is part of what is measured) and written with COPY on PostgreSQL or executemany
on SQLite. Nothing here is realistic enough to identify anyone: names are drawn from lists.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from caseapp.crypto import keyring, name_index, phone_index
from caseapp.db import db

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ",
          "Thạch", "Sơn", "Kim", "Lâm", "Danh", "Dương", "Lý", "Trương"]
MIDDLE = ["Thị", "Thị", "Thị Ngọc", "Thị Thu", "Thị Kim", "Văn", "Minh"]
GIVEN = ["Hoa", "Lan", "Mai", "Hà", "Thảo", "Hương", "Nhung", "Phương", "Sô Phia", "Sa Ly",
         "Chanh Đa", "Trang", "Yến", "Tuyết", "Ánh", "Diệu", "Hạnh", "Ngân", "Vy", "Linh"]

CATEGORIES = [("dv", 55), ("trafficking", 10), ("family", 25), ("legal", 10)]
REFERRAL_STATES = [("received", 55), ("not_received", 8), ("refused", 5), ("cancelled", 4),
                   ("sent", 8), ("accepted", 6), ("approved", 5), ("submitted", 4),
                   ("draft", 3), ("returned", 2)]
SERVICE_CODES = ["health", "psychological", "legal_aid", "legal_info", "shelter", "protection",
                 "vocational", "essential_needs", "allowance", "loan", "child_protection",
                 "schooling", "interpretation"]
REFORM_DAY = date(2025, 7, 1)


def weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


@dataclass
class Progress:
    total: int
    report: Callable[[int], None] = lambda n: None
    done: int = 0

    def advance(self, n: int) -> None:
        self.done += n
        self.report(n)


class Writer:
    """Bulk row writer: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self) -> None:
        self.conn = db.session.connection()
        self.pg = self.conn.dialect.name == "postgresql"

    def write(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self.pg:
            raw = self.conn.connection.driver_connection
            cols = ", ".join(f'"{c}"' for c in columns)
            with raw.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join("?" for _ in columns)
            cols = ", ".join(f'"{c}"' for c in columns)
            raw = self.conn.connection.driver_connection
            # Table and column names are this module's constants, never input.
            sql = f'INSERT INTO "{table}" ({cols}) VALUES ({placeholders})'  # noqa: S608  # nosec B608
            raw.executemany(sql, rows)

    def next_id(self, table: str) -> int:
        # The table name is one of this module's constants.
        sql = f'SELECT COALESCE(MAX(id), 0) FROM "{table}"'  # noqa: S608  # nosec B608
        return (self.conn.execute(sa.text(sql))
                .scalar_one()) + 1

    def fix_sequences(self, tables: Iterable[str]) -> None:
        if not self.pg:
            return
        for t in tables:
            # Constant table names, as above.
            sql = (f"SELECT setval(pg_get_serial_sequence('\"{t}\"', 'id'), "  # noqa: S608  # nosec B608
                   f'COALESCE((SELECT MAX(id) FROM "{t}"), 1))')
            self.conn.execute(sa.text(sql))


@dataclass
class Counts:
    units: int = 0
    clients: int = 0
    cases: int = 0
    incidents: int = 0
    consultations: int = 0
    referrals: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def _enc(value: str | None) -> str | None:
    return keyring().encrypt(value) if value else None


def build_units(w: Writer, rng: random.Random, provinces: int, communes_per_province: int,
                now: datetime) -> list[tuple[int, str]]:
    """Provinces with a center, districts retired in the 2025 reform, communes (some merged
    into a neighbour). Returns (unit id, code) of units that take cases."""
    existing_kinds = {r[0] for r in w.conn.execute(sa.text("SELECT code FROM unit_kinds"))}
    if "province" not in existing_kinds:
        from caseapp.units.services import ensure_default_kinds

        ensure_default_kinds()
    uid = w.next_id("units")
    rows: list[tuple[Any, ...]] = []
    case_units: list[tuple[int, str]] = []
    start = date(2021, 1, 1)

    def add(code: str, name: str, kind: str, parent: tuple[int, str] | None,
            active_to: date | None = None, merged_into: int | None = None) -> tuple[int, str]:
        nonlocal uid
        this = uid
        uid += 1
        path = f"{parent[1] if parent else '/'}{this}/"
        rows.append((this, code, name, kind, parent[0] if parent else None, path, start,
                     active_to, merged_into, REFORM_DAY if merged_into else None, now))
        return this, path

    tag = rng.randrange(10**6)
    for p in range(provinces):
        pcode = f"S{tag:06d}P{p:02d}"
        prov = add(pcode, f"Hội LHPN tỉnh Mẫu {p + 1}", "province", None)
        center = add(pcode + "-TT", f"Trung tâm tư vấn tỉnh Mẫu {p + 1}", "center", prov)
        case_units.append((center[0], pcode + "-TT"))
        last = center
        for d in range(3):  # the district level, retired in the 2025 reform
            add(f"{pcode}-H{d}", f"Hội LHPN huyện {d + 1}", "district", prov,
                active_to=REFORM_DAY)
        for c in range(communes_per_province):
            ccode = f"{pcode}-X{c:03d}"
            # After the reform communes sit directly under the province; every fifth
            # commune was merged into the previous one.
            if c % 5 == 4 and case_units:
                successor_id, successor_path = last
                merged = add(ccode, f"Hội LHPN xã {c + 1} (cũ)", "commune",
                             (successor_id, successor_path), active_to=REFORM_DAY,
                             merged_into=successor_id)
                case_units.append((merged[0], ccode))
                continue
            last = add(ccode, f"Hội LHPN xã {c + 1}", "commune", prov)
            case_units.append((last[0], ccode))
    w.write("units", ["id", "code", "name", "kind", "parent_id", "path", "active_from",
                      "active_to", "merged_into_id", "merged_on", "created_at"], rows)
    w.fix_sequences(["units"])
    return case_units


def generate(provinces: int, clients: int, years: int, seed: int,
             progress: Progress | None = None, batch: int = 5000) -> Counts:
    rng = random.Random(seed)  # noqa: S311 (fictional data, reproducible by seed)
    w = Writer()
    now = datetime.now(UTC).replace(microsecond=0)
    now_db = now.replace(tzinfo=None)  # timestamps are stored as naive UTC
    today = now.date()
    counts = Counts()
    communes = max(5, min(120, clients // max(1, provinces * 60)))
    case_units = build_units(w, rng, provinces, communes, now_db)
    counts.units = len(case_units)

    st_rows = w.conn.execute(sa.text("SELECT id, code FROM service_types")).all()
    if not st_rows:
        from caseapp.referrals.services import ensure_service_types

        ensure_service_types()
        st_rows = w.conn.execute(sa.text("SELECT id, code FROM service_types")).all()
    service_ids = [r[0] for r in st_rows]

    ids = {t: w.next_id(t) for t in ("clients", "cases", "incidents", "consultations",
                                     "referrals")}
    progress = progress or Progress(clients)
    span_days = years * 365
    for start in range(0, clients, batch):
        n = min(batch, clients - start)
        client_rows, case_rows, inc_rows, cons_rows, ref_rows = [], [], [], [], []
        for _ in range(n):
            cid = ids["clients"]
            ids["clients"] += 1
            unit_id, unit_code = case_units[rng.randrange(len(case_units))]
            sex = rng.choices(["F", "M", "other"], weights=[92, 6, 2])[0]
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            phone = f"09{rng.randrange(10**8):08d}"
            detected = today - timedelta(days=rng.randrange(span_days))
            age = rng.randrange(10, 16) if rng.random() < 0.12 else rng.randrange(16, 70)
            birth_year = detected.year - age
            client_rows.append((
                cid, f"KH.{unit_code}.{cid}", unit_id, _enc(name), name_index(name),
                _enc(phone), phone_index(phone), birth_year, sex,
                rng.choices(["kinh", "khmer", "hoa", "other"], weights=[80, 14, 4, 2])[0],
                False, False, 1, now_db,
            ))
            counts.clients += 1
            for k in range(1 if rng.random() < 0.8 else 2):
                case_id = ids["cases"]
                ids["cases"] += 1
                category = weighted(rng, CATEGORIES)
                det = detected + timedelta(days=k * rng.randrange(30, 400))
                if det > today:
                    det = today
                status = rng.choices(["open", "in_progress", "closure_requested", "closed"],
                                     weights=[20, 25, 5, 50])[0]
                risk = rng.choices([None, "low", "medium", "high"], weights=[30, 40, 20, 10])[0]
                case_rows.append((
                    case_id, f"HS.{unit_code}.{case_id}", cid, unit_id, category,
                    "victim" if category == "trafficking" else None, det, "walk_in", status,
                    det, det + timedelta(days=60) if status == "closed" else None,
                    _enc("Tóm tắt hồ sơ tổng hợp, không có thật."), risk, age + k, 1, now_db,
                ))
                counts.cases += 1
                if category in ("dv", "trafficking"):
                    for _i in range(rng.randint(1, 2)):
                        inc_rows.append((ids["incidents"], case_id, det, "home",
                                         _enc("Mô tả sự việc tổng hợp."), 1, now_db))
                        ids["incidents"] += 1
                        counts.incidents += 1
                for _c in range(rng.randint(0, 4)):
                    held = datetime.combine(det + timedelta(days=rng.randrange(0, 90)),
                                            datetime.min.time())
                    cons_rows.append((ids["consultations"], case_id, held,
                                      rng.choice(["legal", "family", "psychological", "other"]),
                                      rng.choice(["in_person", "phone", "online", "home_visit"]),
                                      45, _enc("Ghi chú tư vấn tổng hợp."), 1, now_db))
                    ids["consultations"] += 1
                    counts.consultations += 1
                n_ref = rng.choices([0, 1, 2, 3], weights=[20, 50, 20, 10])[0]
                if category not in ("dv", "trafficking"):
                    n_ref = rng.choices([0, 1], weights=[70, 30])[0]
                for _r in range(n_ref):
                    state = weighted(rng, REFERRAL_STATES)
                    referred = det + timedelta(days=rng.randrange(0, 30))
                    received = (referred + timedelta(days=rng.randrange(1, 40))
                                if state == "received" else None)
                    if received and received > today:
                        received = today
                    follow = referred + timedelta(days=14)
                    ref_rows.append((ids["referrals"], case_id, rng.choice(service_ids), state,
                                     "routine", referred, follow,
                                     referred if state in ("sent", "accepted", "refused",
                                                           "received", "not_received") else None,
                                     received, False, 1, now_db))
                    ids["referrals"] += 1
                    counts.referrals += 1
        if not w.pg:
            client_rows = [_sqlite_row(r) for r in client_rows]
            case_rows = [_sqlite_row(r) for r in case_rows]
            inc_rows = [_sqlite_row(r) for r in inc_rows]
            cons_rows = [_sqlite_row(r) for r in cons_rows]
            ref_rows = [_sqlite_row(r) for r in ref_rows]
        w.write("clients", ["id", "code", "unit_id", "full_name", "name_bidx", "phone",
                            "phone_bidx", "birth_year", "sex", "ethnicity",
                            "needs_interpreter", "disability", "version", "created_at"],
                client_rows)
        w.write("cases", ["id", "code", "client_id", "unit_id", "category", "victim_status",
                          "detected_on", "intake_channel", "status", "opened_on", "closed_on",
                          "summary", "current_risk", "age_at_detection", "version",
                          "created_at"], case_rows)
        w.write("incidents", ["id", "case_id", "occurred_on", "place_type", "narrative",
                              "version", "created_at"], inc_rows)
        w.write("consultations", ["id", "case_id", "held_at", "kind", "channel",
                                  "duration_minutes", "notes", "version", "created_at"],
                cons_rows)
        w.write("referrals", ["id", "case_id", "service_type_id", "state", "urgency",
                              "referred_on", "follow_up_on", "sent_on", "received_on",
                              "consent_override", "version", "created_at"], ref_rows)
        progress.advance(n)
    w.fix_sequences(["clients", "cases", "incidents", "consultations", "referrals"])
    if w.pg:
        w.conn.execute(sa.text("ANALYZE"))
    return counts


def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # sqlite3's default date adapters are deprecated; store ISO text as SQLAlchemy does.
    out = []
    for v in row:
        if isinstance(v, datetime):
            out.append(v.strftime("%Y-%m-%d %H:%M:%S.%f"))
        elif isinstance(v, date):
            out.append(v.isoformat())
        else:
            out.append(v)
    return tuple(out)
