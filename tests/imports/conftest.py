from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from caseapp.audit.models import AuditEntry
from caseapp.auth.models import Role, User
from caseapp.cases.models import Case
from caseapp.clients.models import Client
from caseapp.db import db
from caseapp.imports.models import ImportBatch
from caseapp.referrals.models import Referral
from caseapp.units.models import Unit
from tests.factories import Factory

CASE_HEADER = ["case_ref", "unit_code", "client_ref", "client_name", "sex", "birth_year",
               "detected_on", "category", "status", "closed_on"]


@dataclass
class World:
    province: Unit
    commune: Unit
    sibling: Unit
    supervisor: User
    admin: User
    counselor: User
    statistics: User


@pytest.fixture
def world(make: Factory) -> World:
    province = make.unit("P", kind="province")
    commune = make.unit("C1", parent=province)
    sibling = make.unit("C2", parent=province)
    make.service_type("legal_aid")
    make.service_type("health")
    return World(
        province, commune, sibling,
        supervisor=make.user(Role.SUPERVISOR, commune, username="sup"),
        admin=make.user(Role.ADMIN, province, username="adm"),
        counselor=make.user(Role.COUNSELOR, commune, username="cou"),
        statistics=make.user(Role.STATISTICS, province, username="sta"),
    )


def table_bytes(rows: Sequence[Sequence[Any]], delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for r in rows:
        writer.writerow(r)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def _write(name: str, rows: Sequence[Sequence[Any]], **kw: Any) -> Path:
        path = tmp_path / name
        data = xlsx_bytes(rows) if name.endswith(".xlsx") else table_bytes(rows, **kw)
        path.write_bytes(data)
        return path

    return _write


def counts() -> dict[str, int]:
    return {
        m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in (Client, Case, Referral, ImportBatch, AuditEntry)
    }


@pytest.fixture
def db_counts() -> Callable[[], dict[str, int]]:
    return counts
