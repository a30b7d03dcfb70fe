"""A fingerprint of the database's contents, to prove a refused submission wrote nothing."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from caseapp.db import db

# Tables any request may legitimately change: session bookkeeping, login throttling and the
# head of the audit chain (moved by every audited read).
VOLATILE_TABLES = frozenset({"user_sessions", "login_attempts", "audit_head"})
# Audit entries for reads are written on the way to refusing a submission (the page shown
# again), and failed sign-in or code attempts are recorded because they were refused: neither
# is a change the submission made.
NOT_CHANGES = frozenset({
    "case.view", "complaint.view", "referral.view", "indicator.worklist_view",
    "attachment.download", "report.export", "client.reveal", "auth.login_failed",
    "auth.mfa_failed",
})
# Per-user throttling counters, moved by every wrong password or code.
VOLATILE_COLUMNS = {"users": frozenset({"failed_logins", "locked_until"})}


def fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row, per table, read in a fresh transaction."""
    db.session.rollback()
    out: dict[str, tuple[int, str]] = {}
    conn = db.session.connection()
    for table in db.metadata.sorted_tables:
        if table.name in VOLATILE_TABLES:
            continue
        skip = VOLATILE_COLUMNS.get(table.name, frozenset())
        columns = [c for c in table.columns if c.name not in skip]
        query = sa.select(*columns).order_by(*table.primary_key.columns)
        if table.name == "audit_entries":
            query = query.where(table.c.action.not_in(NOT_CHANGES))
        digest = hashlib.sha256()
        count = 0
        for row in conn.execute(query):
            digest.update(repr(tuple(row)).encode())
            count += 1
        out[table.name] = (count, digest.hexdigest())
    db.session.rollback()
    return out


def changed_tables(before: dict[str, tuple[int, str]],
                   after: dict[str, tuple[int, str]]) -> list[str]:
    return sorted(t for t in before if before[t] != after.get(t))
