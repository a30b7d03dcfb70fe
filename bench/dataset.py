"""The database a benchmark runs against: a fresh synthetic one, or an existing dataset.

Shared by ``bench/pages.py`` and ``bench/worker_memory.py``. A fresh database is a SQLite
file in a temporary folder or a new PostgreSQL database (dropped afterwards), filled by the
same generator as ``flask seed-synthetic``. On any database the benchmark adds two accounts
of its own (a supervisor of the busiest province and a counselor of its busiest commune,
whose unassigned cases are assigned to her so her worklists have rows).
"""

from __future__ import annotations

import os
import secrets
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from caseapp import create_app
from caseapp.db import db
from config import BaseConfig

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SUPERVISOR = "bench-supervisor"
COUNSELOR = "bench-counselor"
# Expected cases per synthetic client (80% have one case, 20% two).
CASES_PER_CLIENT = 1.2


@dataclass(frozen=True)
class Keys:
    secret_key: str
    data_key: str

    @classmethod
    def fresh(cls) -> Keys:
        from caseapp.keys import new_data_key_entry

        return cls(secrets.token_urlsafe(32), new_data_key_entry("k1"))

    @classmethod
    def from_instance(cls, folder: Path, create: bool = False) -> Keys:
        """The keys a development instance folder holds (``secret_key``, ``data_key``);
        with ``create``, missing ones are generated there first (mode 0600), so a dataset
        seeded now can be opened again later."""
        if create and not (folder / "data_key").exists():
            fresh = cls.fresh()
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            for name, value in (("secret_key", fresh.secret_key), ("data_key", fresh.data_key)):
                fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as fh:
                    fh.write(value + "\n")
        return cls((folder / "secret_key").read_text().strip(),
                   (folder / "data_key").read_text().strip())

    @classmethod
    def for_run(cls, instance: Path | None, seeding: bool) -> Keys:
        return cls.from_instance(instance, create=seeding) if instance else cls.fresh()


def bench_app(url: str, keys: Keys, **overrides: Any) -> Flask:
    # Production settings except the test client's needs: no CSRF token, no second factor.
    return create_app(BaseConfig, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=keys.secret_key,
                      DATA_KEY=keys.data_key, WTF_CSRF_ENABLED=False, **overrides)


@contextmanager
def fresh_database(backend: str) -> Iterator[str]:
    """An empty database URL, removed on exit."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite"
        return
    name = f"caseapp_pagebench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(
            hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(app: Flask, cases: int, provinces: int, seed_value: int = 1) -> None:
    """Create the schema and a synthetic dataset of about ``cases`` cases."""
    from caseapp.referrals.services import ensure_service_types
    from caseapp.synthetic.generate import generate

    with app.app_context():
        db.create_all()
        ensure_service_types()
        db.session.commit()
        generate(provinces, max(1, round(cases / CASES_PER_CLIENT)), 5, seed_value)
        db.session.commit()
        if db.engine.dialect.name == "sqlite":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()


@dataclass(frozen=True)
class Subjects:
    """What the benchmark looks at: its users, their units, one case, one phone number."""

    supervisor_id: int
    counselor_id: int
    province_code: str
    commune_code: str
    case_id: int
    phone: str
    password: str
    cases: int


def _first_segment(dialect: str) -> sa.ColumnElement[str]:
    # '/12/345/' -> '/12/': the top-level unit of a path.
    from caseapp.units.models import Unit

    pos = (sa.func.strpos if dialect == "postgresql" else sa.func.instr)(
        sa.func.substr(Unit.path, 2), "/")
    return sa.func.substr(Unit.path, 1, pos + 1)


def prepare_subjects(app: Flask) -> Subjects:
    """Create (or refresh) the benchmark accounts and pick the case and phone to look at."""
    from caseapp.auth.models import Role, User
    from caseapp.auth.passwords import hash_password
    from caseapp.cases.models import Case
    from caseapp.referrals.models import Referral
    from caseapp.units.models import Unit

    password = secrets.token_urlsafe(18)
    with app.app_context():
        s = db.session
        top = _first_segment(db.engine.dialect.name).label("top")
        busiest = s.execute(
            sa.select(top, sa.func.count()).select_from(Case).join(Unit, Unit.id == Case.unit_id)
            .group_by(top).order_by(sa.func.count().desc()).limit(1)).first()
        if busiest is None:
            raise SystemExit("The database holds no cases.")
        province = s.scalars(sa.select(Unit).where(Unit.path == busiest[0])).one()
        commune_id = s.scalar(
            sa.select(Case.unit_id).join(Unit, Unit.id == Case.unit_id)
            .where(Unit.path.like(province.path + "%"), Unit.id != province.id,
                   Unit.merged_into_id.is_(None), Unit.active_to.is_(None))
            .group_by(Case.unit_id).order_by(sa.func.count().desc(), Case.unit_id).limit(1))
        commune = s.get(Unit, commune_id)
        assert commune is not None
        hashed = hash_password(password)
        users = {}
        for username, role, unit in ((SUPERVISOR, Role.SUPERVISOR, province),
                                     (COUNSELOR, Role.COUNSELOR, commune)):
            user = s.scalar(sa.select(User).where(User.username == username))
            if user is None:
                user = User(username=username, full_name=f"Người đo {role.value}", role=role,
                            unit_id=unit.id, password_hash=hashed)
                s.add(user)
            user.role, user.unit_id, user.active = role, unit.id, True
            user.password_hash = hashed
            user.failed_logins, user.locked_until = 0, None
            users[role] = user
        s.flush()
        counselor = users[Role.COUNSELOR]
        s.execute(sa.update(Case).where(Case.unit_id == commune.id,
                                        Case.counselor_id.is_(None))
                  .values(counselor_id=counselor.id))
        # The case with the most referrals in the commune: a full case page.
        case_id = s.scalar(
            sa.select(Case.id).join(Referral, Referral.case_id == Case.id)
            .where(Case.unit_id == commune.id).group_by(Case.id)
            .order_by(sa.func.count().desc(), Case.id).limit(1))
        case = s.get(Case, case_id)
        assert case is not None
        phone = case.client.phone or ""
        total = s.scalar(sa.select(sa.func.count()).select_from(Case)) or 0
        s.commit()
        return Subjects(users[Role.SUPERVISOR].id, counselor.id, province.code, commune.code,
                        case.id, phone, password, int(total))
