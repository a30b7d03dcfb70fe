"""Change tracking, audit and optimistic-locking helpers for the records of a case."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import url_for
from wtforms import SelectChoice, SelectField

from caseapp.audit import services as audit
from caseapp.cases.models import Case
from caseapp.forms_common import enum_coerce, required
from caseapp.labels import choices as label_choices
from caseapp.transaction import StaleEdit


def check_version(obj: Any, submitted: str | int | None) -> None:
    """Refuse (``StaleEdit``) a save made from a form opened on an older version of ``obj``."""
    try:
        seen = int(submitted) if submitted not in (None, "") else None
    except (TypeError, ValueError):
        seen = None
    if seen is None or seen != obj.version:
        raise StaleEdit()


def apply_changes(obj: Any, values: dict[str, Any]) -> list[str]:
    """Set attributes on ``obj``; return the names of those whose value changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def audit_case_record(action: str, object_type: str, object_id: int | None, case: Case,
                      fields: Iterable[str] = (), extra: str = "") -> None:
    """An audit entry for a record of ``case``: the case code and field names, never values."""
    names = sorted(set(fields))
    summary = case.code
    if names:
        summary += "; fields: " + ", ".join(names)
    if extra:
        summary += "; " + extra
    audit.record(action, object_type=object_type, object_id=object_id, unit_id=case.unit_id,
                 summary=summary)


def opts(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options as SelectChoice objects (tuples are deprecated in WTForms)."""
    return [SelectChoice(str(v), lbl) for v, lbl in pairs]


def enum_choices(enum_cls: Any, *, blank: bool = False) -> list[SelectChoice]:
    return opts(label_choices(enum_cls, blank=blank))


def enum_select(label: Any, enum_cls: Any, *, required_: bool = False,
                validators: list[Callable[..., Any]] | None = None) -> SelectField:
    """A select of an enumeration's translated labels; blank allowed unless required."""
    vals = list(validators or [])
    if required_:
        vals.insert(0, required())
    return SelectField(label, choices=enum_choices(enum_cls, blank=not required_),
                       coerce=enum_coerce(enum_cls), validators=vals)


def case_page_url(case: Case, anchor: str = "") -> str:
    """The case page, optionally at a section."""
    return url_for("cases.view", case_id=case.id, _anchor=anchor or None)


def audit_view(object_type: str, object_id: int, case: Case) -> None:
    """Opening a record that shows confidential text is a view of the case."""
    audit_case_record(f"{object_type}.view", object_type, object_id, case)
