"""A fictional province for demonstration and manual testing.

Re-running is safe: what exists is kept. Demo passwords are generated at the first run into
instance/demo_credentials.txt (mode 0600) and printed each time; none is in the code.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from caseapp.auth.accounts import create_user
from caseapp.auth.models import User
from caseapp.db import db
from caseapp.units import services as units

# (code, name, kind, parent code)
DEMO_UNITS = [
    ("AL", "Hội LHPN tỉnh An Lạc", "province", None),
    ("AL-TT", "Trung tâm tư vấn HN-GĐ tỉnh An Lạc", "center", "AL"),
    ("AL-LP", "Hội LHPN huyện Long Phú", "district", "AL"),
    ("AL-LP-X1", "Hội LHPN xã Long Phú", "commune", "AL-LP"),
    ("AL-LP-X2", "Hội LHPN xã Tân Hưng", "commune", "AL-LP"),
    ("AL-LP-X1-G", "Góc tư vấn xã Long Phú", "corner", "AL-LP-X1"),
    ("AL-P1", "Hội LHPN phường Khánh Hòa", "commune", "AL"),
    ("AL-VH", "Hội LHPN xã Vĩnh Hải", "commune", "AL"),
    ("AL-VH-CH1", "Chi hội ấp Mỹ Thanh", "branch", "AL-VH"),
]

# (username, full name, role, unit code)
DEMO_USERS = [
    ("admin", "Quản trị viên Demo", "admin", "AL"),
    ("giamsat", "Trần Thị Giám Sát", "supervisor", "AL"),
    ("giamsat.lp", "Lê Thị Hồng Nhung", "supervisor", "AL-LP-X1"),
    ("tuvan.lp", "Nguyễn Thị Thu Hà", "counselor", "AL-LP-X1"),
    ("tuvan.tt", "Phạm Thị Mai Anh", "counselor", "AL-TT"),
    ("tuvan.p1", "Thạch Thị Sô Phia", "counselor", "AL-P1"),
    ("thongke", "Võ Thị Thống Kê", "statistics", "AL"),
]

REFORM_DAY = date(2025, 7, 1)


def _credentials() -> dict[str, str]:
    path = Path(current_app.instance_path) / "demo_credentials.txt"
    creds: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, _, pw = line.partition(" ")
            if name and pw:
                creds[name] = pw
    missing = [u for u, *_ in DEMO_USERS if u not in creds]
    if missing:
        for name in missing:
            creds[name] = "demo-" + secrets.token_urlsafe(9)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write("".join(f"{n} {p}\n" for n, p in creds.items()))
    return creds


def seed_units() -> None:
    units.ensure_default_kinds()
    for code, name, kind, parent_code in DEMO_UNITS:
        if units.get_by_code(code) is None:
            parent = units.get_by_code(parent_code) if parent_code else None
            units.create_unit(code, name, kind, parent, active_from=date(2021, 1, 1))
    db.session.flush()
    # The 2025 reform: the district level ends, Tân Hưng merges into Long Phú commune.
    x1, x2, district, province = (
        units.get_by_code(c) for c in ("AL-LP-X1", "AL-LP-X2", "AL-LP", "AL")
    )
    assert x1 and x2 and district and province
    if x2.merged_into_id is None:
        units.merge_unit(x2, x1, REFORM_DAY)
    if district.active_to is None:
        units.move_unit(x1, province)
        units.retire_unit(units.get_by_code("AL-LP"), REFORM_DAY)  # type: ignore[arg-type]


def seed_users() -> dict[str, str]:
    creds = _credentials()
    for username, full_name, role, unit_code in DEMO_USERS:
        if db.session.scalar(sa.select(User.id).where(User.username == username)) is None:
            create_user(username, full_name, role, unit_code, creds[username])
    return creds


def seed_demo() -> Iterator[str]:
    seed_units()
    creds = seed_users()
    db.session.flush()
    # Areas add their demo records here, each safe to re-run.
    from caseapp.cases.demo import seed_demo_cases

    seed_demo_cases()
    from caseapp.complaints.demo import seed_complaints

    seed_complaints()
    from caseapp.referrals.demo import seed_demo_referrals

    seed_demo_referrals()
    from caseapp.consultations.demo import seed_demo_consultations

    seed_demo_consultations()
    db.session.flush()
    yield "Demo data is ready. Log in with one of these accounts:"
    for username, _name, role, unit_code in DEMO_USERS:
        yield f"  {role:<11} {username:<12} {creds[username]:<20} ({unit_code})"
    yield "Units (see also Units in the web interface):"
    yield from units.tree_lines()
