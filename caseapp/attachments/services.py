"""Scanned documents on a case or a complaint, stored encrypted in the database.

The type is decided by the file's first bytes, never by its name or the browser's claim:
a renamed executable must not be stored as a "PDF" and later opened by a colleague.
"""

from __future__ import annotations

import hashlib
from typing import IO, Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from caseapp.attachments.models import Attachment
from caseapp.audit import services as audit
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.clock import now
from caseapp.complaints.models import Complaint
from caseapp.db import db
from caseapp.transaction import UserError

# (magic bytes, content type, file extension)
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
EXTENSIONS = {ctype: ext for _, ctype, ext in SIGNATURES}
# Columns listed in sections and pages: never the (deferred) data.
LIST_COLUMNS = (Attachment.id, Attachment.filename, Attachment.content_type, Attachment.size,
                Attachment.uploaded_at, Attachment.case_id, Attachment.complaint_id)


# The upload form's field that every refusal of a file is shown on.
FIELD = "file"


def _too_large(limit: int) -> UserError:
    return UserError(_("The file is too large (at most %(mb)s MB).",
                       mb=f"{limit / 1024 / 1024:.1f}"), FIELD)


def sniff(head: bytes) -> str | None:
    """The content type recognised from the first bytes, or None."""
    for magic, ctype, _ext in SIGNATURES:
        if head.startswith(magic):
            return ctype
    return None


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """Read at most ``limit`` bytes; refuse a larger file without reading all of it."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    return data


NAME_MAX = 200


def check_name(filename: str | None) -> str:
    """The file's name as the browser sent it, refused if it is a path or holds control
    characters: browsers send a bare name, so anything else was crafted to be misused."""
    name = (filename or "").strip()
    if (len(name) > NAME_MAX or "/" in name or "\\" in name or name in (".", "..")
            or any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in name)):
        raise UserError(_("The file name is not allowed: give the file a short name without "
                          "folders or special characters, then attach it again."), FIELD)
    return name or "file"


def store(data: bytes, filename: str | None, user: User | None, *, case: Case | None = None,
          complaint: Complaint | None = None) -> Attachment:
    """Stage an attachment on a case or a complaint with its audit entry; UserError when the
    file is refused."""
    if (case is None) == (complaint is None):
        raise ValueError("an attachment belongs to exactly one case or complaint")
    name = check_name(filename)
    if not data:
        raise UserError(_("The file is empty."), FIELD)
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if len(data) > limit:
        raise _too_large(limit)
    ctype = sniff(data[:16])
    if ctype is None:
        raise UserError(_("Only PDF, JPEG or PNG files can be attached."), FIELD)
    owner_unit = case.unit_id if case else complaint.unit_id  # type: ignore[union-attr]
    a = Attachment(unit_id=owner_unit, case_id=case.id if case else None,
                   complaint_id=complaint.id if complaint else None,
                   filename=name, content_type=ctype, size=len(data),
                   sha256=hashlib.sha256(data).hexdigest(), data=data,
                   uploaded_by_id=getattr(user, "id", None), uploaded_at=now())
    db.session.add(a)
    db.session.flush()
    owner = case.code if case else complaint.code  # type: ignore[union-attr]
    audit.record("attachment.upload", object_type="attachment", object_id=a.id,
                 unit_id=owner_unit, summary=f"{owner}; {ctype}; {len(data)} bytes")
    return a


def owner_code(a: Attachment) -> str:
    if a.case_id:
        return db.session.scalar(sa.select(Case.code).where(Case.id == a.case_id)) or "case"
    return db.session.scalar(
        sa.select(Complaint.code).where(Complaint.id == a.complaint_id)) or "complaint"


def download_name(a: Attachment, code: str) -> str:
    """A generic name: codes are pseudonymous, the original name may hold a person's name."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in code)
    return f"{safe}-{a.id}.{EXTENSIONS.get(a.content_type, 'bin')}"


def open_for_download(a: Attachment) -> tuple[bytes, str]:
    """The file's bytes and download name; audits the download. Caller commits."""
    code = owner_code(a)
    data = db.session.scalar(sa.select(Attachment.data).where(Attachment.id == a.id))
    audit.record("attachment.download", object_type="attachment", object_id=a.id,
                 unit_id=a.unit_id, summary=f"{code}; {a.content_type}")
    return data or b"", download_name(a, code)


def delete(a: Attachment) -> None:
    code = owner_code(a)
    audit.record("attachment.delete", object_type="attachment", object_id=a.id,
                 unit_id=a.unit_id, summary=f"{code}; {a.content_type}; sha256 {a.sha256}")
    db.session.delete(a)


def _rows(cond: Any) -> list[Any]:
    return list(db.session.execute(
        sa.select(*LIST_COLUMNS).where(cond)
        .order_by(Attachment.uploaded_at.desc(), Attachment.id.desc())).all())


def for_case(case_id: int) -> list[Any]:
    return _rows(Attachment.case_id == case_id)


def for_complaint(complaint_id: int) -> list[Any]:
    return _rows(Attachment.complaint_id == complaint_id)
