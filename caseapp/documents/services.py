"""Printing confidential documents: one renderer per process, one way to print.

Every PDF goes through :func:`render_document`, which renders first and only then records
the printed document and its audit entry and commits, so a failed rendering leaves no
trace and a recorded document always exists.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_translations
from sqlalchemy.orm import aliased

from caseapp.audit.services import record
from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.clock import now
from caseapp.db import db
from caseapp.documents.models import DocumentKind, PrintedDocument
from caseapp.pdf import PdfMeta, PdfRenderer, PdfStamp
from caseapp.policy import allowed
from caseapp.units.models import Unit
from caseapp.units.tree import subtree_ids

# Crockford base32: no I, L, O or U, so an id read off a photocopy is not misread.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ID_LENGTH = 10  # 50 random bits
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")

# Official names of the documents, fixed like the "MẬT" stamp: they are the document's
# title and file metadata whatever language the person printing uses.
OFFICIAL_TITLES: dict[DocumentKind, str] = {
    DocumentKind.CASE_SUMMARY: "Tóm tắt hồ sơ",
    DocumentKind.REFERRAL_SLIP: "Phiếu chuyển gửi",
    DocumentKind.REPORT: "Báo cáo định kỳ",
}


@lru_cache(maxsize=4)
def shared_renderer(template_dir: Path) -> PdfRenderer:
    """The process's renderer for ``template_dir``.

    Building one parses the stylesheet and loads the fonts; tests and workers create many
    apps in one process, and they all share this one.
    """
    # The report tables are shared with the report screen (templates/reports/_tables.html);
    # each case section's part of the summary lives with its area, named from the root of
    # the templates (templates/<area>/_pdf_section.html).
    renderer = PdfRenderer(
        template_dir, extra_template_dirs=[template_dir.parent / "reports", template_dir.parent]
    )
    renderer.env.add_extension("jinja2.ext.i18n")
    renderer.env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda s: get_translations().ugettext(s),
        lambda s, p, n: get_translations().ungettext(s, p, n),
        newstyle=True,
    )
    return renderer


def get_renderer() -> PdfRenderer:
    return current_app.extensions["pdf"]  # type: ignore[no-any-return]


def new_document_id() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_ID_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalize_document_id(text: str) -> str | None:
    """The stored form of an id typed by a person, or None if it cannot be one."""
    raw = re.sub(r"[\s-]", "", text).upper().translate(_MISREAD)
    if len(raw) != _ID_LENGTH or any(ch not in _ALPHABET for ch in raw):
        return None
    return f"{raw[:5]}-{raw[5:]}"


@dataclass(frozen=True, kw_only=True)
class DocumentSpec:
    """Everything needed to print one document; ``context`` holds plain data only."""

    kind: DocumentKind
    template: str
    context: Mapping[str, Any]
    code: str  # the pseudonymous case code (or report reference) in title and file name
    unit_id: int | None
    case_id: int | None = None
    referral_id: int | None = None
    sections: tuple[str, ...] = ()
    identifying: bool = False
    # Extra audit words: codes and names of fields only, never values.
    audit_note: str = ""
    keywords: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        return f"{OFFICIAL_TITLES[self.kind]} {self.code}"

    @property
    def filename(self) -> str:
        safe_code = _FILENAME_UNSAFE.sub("_", self.code)
        return f"{self.kind.value.replace('_', '-')}-{safe_code}.pdf"

    def meta(self) -> PdfMeta:
        return PdfMeta(
            title=self.title,
            subject=OFFICIAL_TITLES[self.kind],
            keywords=[OFFICIAL_TITLES[self.kind], self.code, *self.keywords],
        )


def _unused_document_id() -> str:
    while True:
        doc_id = new_document_id()
        taken = db.session.scalar(
            sa.select(PrintedDocument.id).where(PrintedDocument.doc_id == doc_id)
        )
        if taken is None:
            return doc_id


def render_document(spec: DocumentSpec, *, user: User, password: str | None = None) -> bytes:
    """Render, then stage the printed document and its audit entry; the caller commits.

    The password is handed to the encryption and nowhere else: not stored, not logged.
    """
    doc_id = _unused_document_id()
    printed_at = now()
    stamp = PdfStamp(document_id=doc_id, printed_by=user.full_name, printed_at=printed_at)
    pdf = get_renderer().render(
        spec.template, spec.context, meta=spec.meta(), stamp=stamp, password=password
    )
    encrypted = password is not None
    db.session.add(
        PrintedDocument(
            doc_id=doc_id,
            kind=spec.kind,
            case_id=spec.case_id,
            referral_id=spec.referral_id,
            unit_id=spec.unit_id,
            user_id=user.id,
            printed_at=printed_at,
            sections=",".join(spec.sections),
            encrypted=encrypted,
            identifying=spec.identifying,
        )
    )
    words = [
        f"kind={spec.kind.value}",
        f"doc={doc_id}",
        f"code={spec.code}",
        f"sections={','.join(spec.sections) or '-'}",
        f"identifying={'yes' if spec.identifying else 'no'}",
        f"encrypted={'yes' if encrypted else 'no'}",
    ]
    if spec.audit_note:
        words.append(spec.audit_note)
    record(
        "document.print",
        object_type="referral" if spec.referral_id is not None else "case",
        object_id=spec.referral_id if spec.referral_id is not None else spec.case_id,
        unit_id=spec.unit_id,
        summary=" ".join(words),
        user=user,
    )
    return pdf


# Looking up a document id found on a leaked page

def can_look_up(user: User) -> bool:
    return allowed("document.lookup", user)


@dataclass(frozen=True)
class DocumentTrace:
    """Who printed a document, when and what: case code only, no case content."""

    doc_id: str
    kind: DocumentKind
    case_code: str
    printed_at: datetime
    printed_by_username: str
    printed_by_name: str
    printed_by_unit: str
    sections: list[str]
    encrypted: bool
    identifying: bool


def lookup_document(text: str, user: User) -> DocumentTrace | None:
    """The document with that id printed in the user's unit subtree, or None.

    Audited whether found or not: probing ids is itself worth knowing about. The caller
    commits.
    """
    if not can_look_up(user):
        return None
    doc_id = normalize_document_id(text)
    trace = None
    if doc_id is not None:
        printer = aliased(User)
        row = db.session.execute(
            sa.select(PrintedDocument, Case.code, printer.username, printer.full_name, Unit.name)
            .join(printer, printer.id == PrintedDocument.user_id)
            .join(Unit, Unit.id == printer.unit_id)
            .outerjoin(Case, Case.id == PrintedDocument.case_id)
            .where(
                PrintedDocument.doc_id == doc_id,
                PrintedDocument.unit_id.in_(subtree_ids(user.unit_id)),
            )
        ).first()
        if row is not None:
            doc, case_code, username, full_name, unit_name = row
            trace = DocumentTrace(
                doc_id=doc.doc_id,
                kind=doc.kind,
                case_code=case_code or "",
                printed_at=doc.printed_at,
                printed_by_username=username,
                printed_by_name=full_name,
                printed_by_unit=unit_name,
                sections=[s for s in doc.sections.split(",") if s],
                encrypted=doc.encrypted,
                identifying=doc.identifying,
            )
    record(
        "document.lookup",
        object_type="printed_document",
        summary=f"doc={doc_id or 'malformed'} found={'yes' if trace else 'no'}",
        user=user,
    )
    return trace
