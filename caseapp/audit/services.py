"""The one function that writes audit entries, and the chain verifier.

Each entry's hash covers its own fields and the previous entry's hash, so altering or
deleting any entry breaks every later link. Entries are written in the caller's
transaction: a change and its audit entry commit together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context, has_request_context, request
from flask_login import current_user

from caseapp.audit.actions import is_known
from caseapp.audit.models import AuditEntry, AuditHead
from caseapp.clock import now
from caseapp.db import db

GENESIS = "0" * 64
# Arbitrary constant: all writers serialise on it so the chain never forks.
_ADVISORY_LOCK_KEY = 7_220_318_001


def _entry_hash(e: AuditEntry) -> str:
    payload = json.dumps(
        [
            e.prev_hash,
            e.at.isoformat(),
            e.user_id,
            e.username,
            e.action,
            e.object_type,
            e.object_id,
            e.unit_id,
            e.ip,
            e.summary,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def client_ip() -> str:
    if not has_request_context():
        return "cli"
    return request.remote_addr or ""


def record(
    action: str,
    *,
    object_type: str = "",
    object_id: int | None = None,
    unit_id: int | None = None,
    summary: str = "",
    user: object | None = None,
    username: str | None = None,
) -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits).

    ``summary`` must hold no personal data: codes, field names, counts.
    """
    if has_app_context() and current_app.debug and not is_known(action):
        # A new action needs its label in caseapp/audit/actions.py; say so while developing.
        # (Tests check every action the code writes by reading the source instead.)
        raise ValueError(f"unknown audit action {action!r}: add it to caseapp/audit/actions.py")
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    session = db.session
    head: AuditHead | None = None
    sqlite_head: Any = None
    if session.get_bind().dialect.name != "postgresql":
        # SQLite ignores FOR UPDATE, and a read before the transaction's first write sees
        # no lock at all: two writers could read the same head and fork the chain. A write
        # first takes the database's write lock (waiting for any other writer); it returns
        # the head as it stands under that lock.
        sqlite_head = session.execute(
            sa.update(AuditHead).where(AuditHead.id == 1).values(id=AuditHead.id)
            .returning(AuditHead.last_hash, AuditHead.count)
            .execution_options(synchronize_session=False)).first()
        prev = sqlite_head.last_hash if sqlite_head else None
    else:
        # The head row's lock orders writers of the chain. Before the first entry there is
        # no row to lock, so writers then queue on an advisory lock and read again.
        head = session.get(AuditHead, 1, with_for_update=True)
        if head is None:
            session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"),
                            {"k": _ADVISORY_LOCK_KEY})
            head = session.get(AuditHead, 1, with_for_update=True)
        prev = head.last_hash if head else None
    entry = AuditEntry(
        at=now(),
        user_id=getattr(user, "id", None),
        username=username or getattr(user, "username", "") or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        unit_id=unit_id,
        ip=client_ip(),
        summary=summary[:500],
        prev_hash=prev or GENESIS,
    )
    entry.hash = _entry_hash(entry)
    session.add(entry)
    # Flush now so the next entry in this transaction chains to this one.
    session.flush()
    if sqlite_head is not None:
        session.execute(
            sa.update(AuditHead).where(AuditHead.id == 1)
            .values(last_id=entry.id, last_hash=entry.hash, count=sqlite_head.count + 1)
            .execution_options(synchronize_session=False))
    elif head is not None:
        head.last_id, head.last_hash, head.count = entry.id, entry.hash, head.count + 1
    else:
        session.add(AuditHead(id=1, last_id=entry.id, last_hash=entry.hash, count=1))
    session.flush()
    return entry


# Stable reasons (English, for the CLI and logs); screens translate them.
REASON_REMOVED = "entries removed from the log"
REASON_LINK = "previous entry missing or altered"
REASON_ALTERED = "entry altered"


@dataclass
class ChainProblem:
    entry_id: int
    reason: str


def verify_chain(batch: int = 5000) -> tuple[int, ChainProblem | None]:
    """Walk the log in id order; return the count checked and the first broken link."""
    prev_hash = GENESIS
    prev_id = 0
    checked = 0
    while True:
        rows = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.id > prev_id).order_by(AuditEntry.id)
            .limit(batch).execution_options(populate_existing=True)
        ).all()
        if not rows:
            head = db.session.get(AuditHead, 1, populate_existing=True)
            if head is None and checked == 0:
                return checked, None
            if head is None or head.last_hash != prev_hash or head.count != checked:
                return checked, ChainProblem(head.last_id if head else prev_id, REASON_REMOVED)
            return checked, None
        for e in rows:
            if e.prev_hash != prev_hash:
                return checked, ChainProblem(e.id, REASON_LINK)
            if _entry_hash(e) != e.hash:
                return checked, ChainProblem(e.id, REASON_ALTERED)
            prev_hash, prev_id = e.hash, e.id
            checked += 1
        # Forget the checked rows only (not the caller's objects, e.g. the logged-in user),
        # so memory stays flat on a long log.
        for e in rows:
            db.session.expunge(e)
