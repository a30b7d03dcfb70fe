"""The chain check run from the screen is itself audited, in the caller's transaction."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from caseapp.audit import services as audit
from caseapp.audit.models import AuditEntry
from caseapp.audit.verification import verify_and_record
from caseapp.db import db


def _verifications() -> list[str]:
    return list(db.session.scalars(
        sa.select(AuditEntry.summary).where(AuditEntry.action == "audit.verify")))


def test_verify_and_record_stages_one_entry_and_never_commits(app: Any) -> None:
    audit.record("case.view", object_type="case", object_id=1, summary="x", username="u")
    db.session.commit()
    checked, problem = verify_and_record()
    assert (checked, problem) == (1, None)
    assert _verifications() == ["checked=1 result=ok"]
    db.session.rollback()
    assert _verifications() == []


def test_a_broken_chain_is_recorded_as_broken(app: Any) -> None:
    first = audit.record("case.view", object_type="case", object_id=1, summary="a",
                         username="u")
    audit.record("case.view", object_type="case", object_id=1, summary="b", username="u")
    db.session.commit()
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == first.id)
                       .values(summary="tampered"))
    db.session.commit()
    _checked, problem = verify_and_record()
    assert problem is not None and problem.entry_id == first.id
    (summary,) = _verifications()
    assert "result=broken" in summary and f"entry={first.id}" in summary
