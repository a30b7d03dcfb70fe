"""Creating, renaming, moving, retiring and merging units. Each writes its audit entry;
callers commit once."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from caseapp.audit import services as audit
from caseapp.clock import now, today
from caseapp.db import db
from caseapp.units.models import Unit, UnitKind
from caseapp.units.tree import path_for

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")

DEFAULT_KINDS = [
    ("province", "Hội LHPN tỉnh/thành phố", "Provincial union", 1),
    ("center", "Trung tâm tư vấn HN-GĐ", "Marriage-family counseling center", 2),
    ("district", "Hội LHPN huyện/thị xã", "District union", 3),
    ("commune", "Hội LHPN xã/phường/đặc khu", "Commune union", 4),
    ("corner", "Góc tư vấn", "Counseling corner", 5),
    ("branch", "Chi hội", "Branch", 6),
]


class UnitError(ValueError):
    """A unit operation that cannot be done; the message is shown to the user."""


def ensure_default_kinds() -> None:
    existing = set(db.session.scalars(sa.select(UnitKind.code)))
    for code, vi, en, sort in DEFAULT_KINDS:
        if code not in existing:
            db.session.add(UnitKind(code=code, label_vi=vi, label_en=en, sort=sort))
    db.session.flush()


def get_by_code(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def create_unit(code: str, name: str, kind: str, parent: Unit | None,
                active_from: date | None = None) -> Unit:
    from flask_babel import gettext as _

    code = code.strip()
    if not CODE_RE.match(code):
        raise UnitError(_("A unit code has 1 to 32 letters, digits, dots, dashes or underscores."))
    if get_by_code(code) is not None:
        raise UnitError(_("A unit with code %(code)s already exists.", code=code))
    if db.session.get(UnitKind, kind) is None:
        raise UnitError(_("Unknown unit kind: %(kind)s.", kind=kind))
    if not name.strip():
        raise UnitError(_("The unit needs a name."))
    if parent is not None and (parent.merged_into_id or parent.active_to):
        raise UnitError(_("A unit cannot be placed under a merged or retired unit."))
    unit = Unit(code=code, name=name.strip(), kind=kind, parent_id=parent.id if parent else None,
                active_from=active_from or today())
    db.session.add(unit)
    db.session.flush()
    unit.path = path_for(parent, unit.id)
    audit.record("unit_create", object_type="unit", object_id=unit.id, unit_id=unit.id,
                 summary=f"code={code}")
    return unit


def _repath_subtree(unit: Unit, new_parent: Unit | None) -> None:
    old_prefix = unit.path
    new_prefix = path_for(new_parent, unit.id)
    db.session.execute(
        sa.update(Unit)
        .where(Unit.path.like(old_prefix + "%"))
        .values(path=sa.literal(new_prefix) + sa.func.substr(Unit.path, len(old_prefix) + 1))
        .execution_options(synchronize_session=False)
    )
    unit.parent_id = new_parent.id if new_parent else None
    db.session.flush()
    db.session.expire_all()


def move_unit(unit: Unit, new_parent: Unit | None) -> None:
    from flask_babel import gettext as _

    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise UnitError(_("A unit cannot be moved under itself or one of its own units."))
    old = unit.parent.code if unit.parent else "-"
    _repath_subtree(unit, new_parent)
    unit.updated_at = now()
    audit.record("unit_move", object_type="unit", object_id=unit.id, unit_id=unit.id,
                 summary=f"from={old} to={new_parent.code if new_parent else '-'}")


def rename_unit(unit: Unit, name: str, kind: str | None = None) -> None:
    from flask_babel import gettext as _

    if not name.strip():
        raise UnitError(_("The unit needs a name."))
    if kind is not None and db.session.get(UnitKind, kind) is None:
        raise UnitError(_("Unknown unit kind: %(kind)s.", kind=kind))
    unit.name = name.strip()
    if kind:
        unit.kind = kind
    unit.updated_at = now()
    audit.record("unit_rename", object_type="unit", object_id=unit.id, unit_id=unit.id,
                 summary=f"code={unit.code}")


def retire_unit(unit: Unit, on: date | None = None) -> None:
    from flask_babel import gettext as _

    if unit.active_to is not None:
        raise UnitError(_("This unit is already retired or merged."))
    active_children = db.session.scalar(
        sa.select(sa.func.count()).select_from(Unit)
        .where(Unit.parent_id == unit.id, Unit.active_to.is_(None))
    )
    if active_children:
        raise UnitError(_("Move, merge or retire the units below this unit first."))
    unit.active_to = on or today()
    unit.updated_at = now()
    audit.record("unit_retire", object_type="unit", object_id=unit.id, unit_id=unit.id,
                 summary=f"code={unit.code}")


def merge_unit(unit: Unit, successor: Unit, on: date | None = None) -> None:
    """Merge ``unit`` into ``successor``: it moves below the successor, keeps its records,
    and is shown as merged. Its active sub-units move with it."""
    from flask_babel import gettext as _

    if unit.id == successor.id:
        raise UnitError(_("A unit cannot be merged into itself."))
    if unit.merged_into_id is not None:
        raise UnitError(_("This unit is already merged."))
    if successor.merged_into_id is not None or successor.active_to is not None:
        raise UnitError(_("The successor unit is merged or retired."))
    if successor.path.startswith(unit.path):
        raise UnitError(_("A unit cannot be merged into one of its own units."))
    on = on or today()
    _repath_subtree(unit, successor)
    unit.merged_into_id = successor.id
    unit.merged_on = on
    unit.active_to = on
    unit.updated_at = now()
    audit.record("unit_merge", object_type="unit", object_id=unit.id, unit_id=successor.id,
                 summary=f"code={unit.code} into={successor.code} on={on.isoformat()}")
