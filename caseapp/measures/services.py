"""Adding and editing protection measures; each change audited with the case's unit."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from caseapp.auth.models import User
from caseapp.cases.models import Case
from caseapp.db import db
from caseapp.measures.models import ProtectionMeasure
from caseapp.records.common import apply_changes, audit_case_record
from caseapp.transaction import UserError

FIELDS = ("kind", "issuer", "starts_on", "ends_on", "note")


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    out = {k: values.get(k) for k in FIELDS}
    for k in ("issuer", "note"):
        out[k] = (out[k] or "").strip() or None
    if out["starts_on"] and out["ends_on"] and out["ends_on"] < out["starts_on"]:
        raise UserError(_("This date cannot be before the start date."), "ends_on")
    return out


def save_measure(case: Case, values: dict[str, Any], user: User | None,
                 measure: ProtectionMeasure | None = None) -> ProtectionMeasure:
    """Create (``measure`` None) or update a measure and audit it. The caller commits."""
    clean = _clean(values)
    creating = measure is None
    if measure is None:
        measure = ProtectionMeasure(case_id=case.id, created_by_id=getattr(user, "id", None),
                                    **clean)
        db.session.add(measure)
        changed = [k for k, v in clean.items() if v is not None]
    else:
        changed = apply_changes(measure, clean)
    db.session.flush()
    audit_case_record("measure.create" if creating else "measure.update",
                      "protection_measure", measure.id, case, changed)
    return measure
