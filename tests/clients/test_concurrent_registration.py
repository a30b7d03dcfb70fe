"""Many counselors registering clients in the same unit at the same moment all get a
client, each with its own code, and the audit chain stays whole."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from caseapp.audit.models import AuditEntry
from caseapp.audit.services import verify_chain
from caseapp.clients.models import Client
from caseapp.db import db
from tests.concurrency import run_at_once
from tests.orgtree import Org

USERS = 20


def test_twenty_clients_registered_at_once_get_distinct_codes(org: Org, make,
                                                               login_as) -> None:
    counselors = [make.user("counselor", org.a) for _ in range(USERS)]
    sessions = [login_as(u) for u in counselors]

    def register(c: Any, n: int) -> Any:
        return c.post("/clients/new", data={"sex": "F", "birth_year": str(1980 + n)})

    results = run_at_once([lambda c=c, n=n: register(c, n) for n, c in enumerate(sessions)])
    errors = [r for r in results if isinstance(r, Exception) or r.status_code != 302]
    assert not errors, errors
    codes = list(db.session.scalars(sa.select(Client.code).where(Client.unit_id == org.a.id)))
    assert len(codes) == USERS
    assert sorted(codes) == [f"KH.A.2026.{n:04d}" for n in range(1, USERS + 1)]
    creators = set(db.session.scalars(sa.select(Client.created_by_id)))
    assert creators == {u.id for u in counselors}
    audited = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                .where(AuditEntry.action == "client.create"))
    assert audited == USERS
    assert verify_chain()[1] is None
