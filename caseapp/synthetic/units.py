"""The synthetic unit tree: provinces, their centers, retired districts, communes."""

from __future__ import annotations

import random
from datetime import date

import sqlalchemy as sa

from caseapp.synthetic.distributions import REFORM_DAY
from caseapp.synthetic.writer import BulkWriter, Row

UNIT_COLUMNS = ("id", "code", "name", "kind", "parent_id", "path", "active_from", "active_to",
                "merged_into_id", "merged_on", "created_at")
TREE_START = date(2021, 1, 1)
DISTRICTS_PER_PROVINCE = 3
# Every fifth commune was merged into its neighbour in the 2025 reform.
MERGED_EVERY = 5


def communes_per_province(provinces: int, clients: int) -> int:
    """About 60 clients per commune, between 5 and 120 communes a province."""
    return max(5, min(120, clients // max(1, provinces * 60)))


def build_units(w: BulkWriter, rng: random.Random, provinces: int, communes: int,
                created_at: str) -> list[tuple[int, str]]:
    """Provinces with a center, districts retired in the 2025 reform, communes (some merged
    into a neighbour). Returns (unit id, code) of the units that take cases."""
    existing_kinds = {r[0] for r in w.conn.execute(sa.text("SELECT code FROM unit_kinds"))}
    if "province" not in existing_kinds:
        from caseapp.units.services import ensure_default_kinds

        ensure_default_kinds()
    uid = w.next_id("units")
    rows: list[Row] = []
    case_units: list[tuple[int, str]] = []
    null = w.null
    start = TREE_START.isoformat()
    reform = REFORM_DAY.isoformat()

    def add(code: str, name: str, kind: str, parent: tuple[int, str] | None,
            retired: bool = False, merged_into: int | None = None) -> tuple[int, str]:
        nonlocal uid
        this = uid
        uid += 1
        path = f"{parent[1] if parent else '/'}{this}/"
        rows.append((str(this), code, name, kind, str(parent[0]) if parent else null, path,
                     start, reform if retired else null,
                     str(merged_into) if merged_into else null,
                     reform if merged_into else null, created_at))
        return this, path

    tag = rng.randrange(10**6)
    for p in range(provinces):
        pcode = f"S{tag:06d}P{p:02d}"
        prov = add(pcode, f"Hội LHPN tỉnh Mẫu {p + 1}", "province", None)
        center = add(pcode + "-TT", f"Trung tâm tư vấn tỉnh Mẫu {p + 1}", "center", prov)
        case_units.append((center[0], pcode + "-TT"))
        last = center
        for d in range(DISTRICTS_PER_PROVINCE):  # the district level, retired in 2025
            add(f"{pcode}-H{d}", f"Hội LHPN huyện {d + 1}", "district", prov, retired=True)
        for c in range(communes):
            ccode = f"{pcode}-X{c:03d}"
            # After the reform communes sit directly under the province; a merged commune
            # sits under its successor, so the successor's reports include its history.
            if c % MERGED_EVERY == MERGED_EVERY - 1:
                merged = add(ccode, f"Hội LHPN xã {c + 1} (cũ)", "commune", last,
                             retired=True, merged_into=last[0])
                case_units.append((merged[0], ccode))
                continue
            last = add(ccode, f"Hội LHPN xã {c + 1}", "commune", prov)
            case_units.append((last[0], ccode))
    w.write("units", UNIT_COLUMNS, rows)
    return case_units
