"""Creating, renaming, moving, retiring and merging units. Each writes its audit entry;
callers commit once (and roll back on a UserError, so nothing is half-written)."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from caseapp.audit import services as audit
from caseapp.clock import now, today
from caseapp.db import db
from caseapp.transaction import UserError
from caseapp.units.models import Unit, UnitKind
from caseapp.units.tree import path_for

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
NAME_MAX = 200
# Arbitrary constant: structural changes to the tree serialise on it (see _lock_tree).
_TREE_LOCK_KEY = 7_220_318_002
KIND_LABEL_MAX = 100

DEFAULT_KINDS = [
    ("province", "Hội LHPN tỉnh/thành phố", "Provincial union", 1),
    ("center", "Trung tâm tư vấn HN-GĐ", "Marriage-family counseling center", 2),
    ("district", "Hội LHPN huyện/thị xã", "District union", 3),
    ("commune", "Hội LHPN xã/phường/đặc khu", "Commune union", 4),
    ("corner", "Góc tư vấn", "Counseling corner", 5),
    ("branch", "Chi hội", "Branch", 6),
]


def ensure_default_kinds() -> None:
    existing = set(db.session.scalars(sa.select(UnitKind.code)))
    for code, vi, en, sort in DEFAULT_KINDS:
        if code not in existing:
            db.session.add(UnitKind(code=code, label_vi=vi, label_en=en, sort=sort))
    db.session.flush()


def get_by_code(code: str) -> Unit | None:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise UserError(_("The unit needs a name."), "name")
    if len(name) > NAME_MAX:
        raise UserError(_("At most %(n)d characters.", n=NAME_MAX), "name")
    return name


def _check_kind(kind: str) -> None:
    if not kind or db.session.get(UnitKind, kind) is None:
        raise UserError(_("Unknown unit kind: %(kind)s.", kind=kind), "kind")


def _is_closed(unit: Unit) -> bool:
    return unit.merged_into_id is not None or unit.active_to is not None


def _lock_tree(*involved: Unit | None) -> None:
    """Serialise structural changes, then re-read the units involved.

    Without this, two administrators moving A under B and B under A at the same time would
    each pass the descendant check against the other's old path and build a cycle. SQLite
    allows one writer at a time already; PostgreSQL needs the lock.
    """
    db.session.flush()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _TREE_LOCK_KEY})
    for unit in involved:
        if unit is not None and unit in db.session:
            db.session.refresh(unit)


def _check_date(unit: Unit, on: date, field: str) -> None:
    if unit.active_from is not None and on < unit.active_from:
        raise UserError(
            _("The date cannot be before the unit became active (%(d)s).",
              d=unit.active_from.strftime("%d/%m/%Y")),
            field,
        )


def create_unit(code: str, name: str, kind: str, parent: Unit | None,
                active_from: date | None = None) -> Unit:
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise UserError(
            _("A unit code has 1 to 32 letters, digits, dots, dashes or underscores."), "code"
        )
    if get_by_code(code) is not None:
        raise UserError(_("A unit with code %(code)s already exists.", code=code), "code")
    name = _clean_name(name)
    _check_kind(kind)
    _lock_tree(parent)
    if parent is not None and _is_closed(parent):
        raise UserError(_("A unit cannot be placed under a merged or retired unit."), "parent")
    unit = Unit(code=code, name=name, kind=kind, parent_id=parent.id if parent else None,
                active_from=active_from or today())
    db.session.add(unit)
    db.session.flush()
    unit.path = path_for(parent, unit.id)
    db.session.flush()
    audit.record("unit.create", object_type="unit", object_id=unit.id, unit_id=unit.id,
                 summary=f"code={code} kind={kind} parent={parent.code if parent else '-'}")
    return unit


def _repath_subtree(unit: Unit, new_parent: Unit | None) -> int:
    """Rewrite the path of ``unit`` and every unit below it in one UPDATE; returns how many
    rows moved. The prefix is re-read from the database so a stale object cannot corrupt it."""
    db.session.flush()
    old_prefix = db.session.scalar(sa.select(Unit.path).where(Unit.id == unit.id))
    parent_path = (
        db.session.scalar(sa.select(Unit.path).where(Unit.id == new_parent.id))
        if new_parent is not None else "/"
    )
    assert old_prefix, "unit without a path"
    new_prefix = f"{parent_path}{unit.id}/"
    result = db.session.execute(
        sa.update(Unit)
        .where(Unit.path.like(old_prefix + "%"))
        .values(path=sa.literal(new_prefix, sa.String)
                + sa.func.substr(Unit.path, len(old_prefix) + 1))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(Unit).where(Unit.id == unit.id)
        .values(parent_id=new_parent.id if new_parent else None)
        .execution_options(synchronize_session=False)
    )
    # Objects loaded before the bulk UPDATE hold the old paths; reload them on next access.
    for obj in db.session.identity_map.values():
        if isinstance(obj, Unit):
            db.session.expire(obj, ["path", "parent_id", "parent"])
    return int(result.rowcount or 0)


def subtree_count(unit: Unit) -> int:
    """How many units lie below ``unit`` (not counting itself)."""
    return int(db.session.scalar(
        sa.select(sa.func.count()).select_from(Unit)
        .where(Unit.path.like(unit.path + "%"), Unit.id != unit.id)
    ) or 0)


def move_unit(unit: Unit, new_parent: Unit | None) -> None:
    _lock_tree(unit, new_parent)
    if unit.merged_into_id is not None:
        raise UserError(
            _("A merged unit stays under its successor and cannot be moved."), "parent"
        )
    if new_parent is not None:
        if new_parent.path.startswith(unit.path):
            raise UserError(
                _("A unit cannot be moved under itself or one of its own units."), "parent"
            )
        if _is_closed(new_parent):
            raise UserError(
                _("A unit cannot be placed under a merged or retired unit."), "parent"
            )
    if (new_parent.id if new_parent else None) == unit.parent_id:
        raise UserError(_("The unit is already there."), "parent")
    old = unit.parent.code if unit.parent else "-"
    moved = _repath_subtree(unit, new_parent)
    unit.updated_at = now()
    audit.record("unit.move", object_type="unit", object_id=unit.id, unit_id=unit.id,
                 summary=f"code={unit.code} from={old} "
                         f"to={new_parent.code if new_parent else '-'} units={moved}")


def rename_unit(unit: Unit, name: str, kind: str | None = None) -> bool:
    """Change the name and/or kind; returns False (and records nothing) if nothing changed."""
    name = _clean_name(name)
    if kind is not None:
        _check_kind(kind)
    changed = []
    if name != unit.name:
        changed.append("name")
    if kind and kind != unit.kind:
        changed.append("kind")
    if not changed:
        return False
    unit.name = name
    if kind:
        unit.kind = kind
    unit.updated_at = now()
    audit.record("unit.rename", object_type="unit", object_id=unit.id, unit_id=unit.id,
                 summary=f"code={unit.code} fields={','.join(changed)}")
    return True


def retire_unit(unit: Unit, on: date | None = None) -> None:
    _lock_tree(unit)
    if _is_closed(unit):
        raise UserError(_("This unit is already retired or merged."), "on")
    on = on or today()
    _check_date(unit, on, "on")
    active_children = db.session.scalar(
        sa.select(sa.func.count()).select_from(Unit)
        .where(Unit.parent_id == unit.id, Unit.active_to.is_(None))
    )
    if active_children:
        raise UserError(_("Move, merge or retire the units below this unit first."), "on")
    unit.active_to = on
    unit.updated_at = now()
    audit.record("unit.retire", object_type="unit", object_id=unit.id, unit_id=unit.id,
                 summary=f"code={unit.code} on={on.isoformat()}")


def merge_unit(unit: Unit, successor: Unit, on: date | None = None) -> None:
    """Merge ``unit`` into ``successor``: it moves below the successor, keeps its records,
    and is shown as merged. Its sub-units move with it, so every report or scope of the
    successor's subtree includes the merged unit's history."""
    _lock_tree(unit, successor)
    if unit.id == successor.id:
        raise UserError(_("A unit cannot be merged into itself."), "successor")
    if unit.merged_into_id is not None:
        raise UserError(_("This unit is already merged."), "successor")
    if unit.active_to is not None:
        raise UserError(_("A retired unit cannot be merged."), "successor")
    if _is_closed(successor):
        raise UserError(_("The successor unit is merged or retired."), "successor")
    if successor.path.startswith(unit.path):
        raise UserError(_("A unit cannot be merged into one of its own units."), "successor")
    on = on or today()
    _check_date(unit, on, "on")
    moved = _repath_subtree(unit, successor)
    unit.merged_into_id = successor.id
    unit.merged_on = on
    unit.active_to = on
    unit.updated_at = now()
    audit.record("unit.merge", object_type="unit", object_id=unit.id, unit_id=successor.id,
                 summary=f"code={unit.code} into={successor.code} on={on.isoformat()} "
                         f"units={moved}")


def update_kind_labels(kind: UnitKind, label_vi: str, label_en: str) -> None:
    label_vi, label_en = " ".join(label_vi.split()), " ".join(label_en.split())
    for field, value in (("label_vi", label_vi), ("label_en", label_en)):
        if not value:
            raise UserError(_("This field is required."), field)
        if len(value) > KIND_LABEL_MAX:
            raise UserError(_("At most %(n)d characters.", n=KIND_LABEL_MAX), field)
    changed = [f for f, v in (("label_vi", label_vi), ("label_en", label_en))
               if getattr(kind, f) != v]
    kind.label_vi, kind.label_en = label_vi, label_en
    db.session.flush()
    audit.record("unit_kind.update", object_type="unit_kind",
                 summary=f"kind={kind.code} fields={','.join(changed) or '-'}")


def tree_lines() -> list[str]:
    """The unit tree as indented text lines (for the command line), in display order."""
    from caseapp.units.tree import load_tree, walk

    roots, by_id = load_tree()
    kinds = {c: lbl for c, lbl in db.session.execute(sa.select(UnitKind.code, UnitKind.label_en))}
    lines = []
    for node in walk(roots):
        u = node.unit
        state = ""
        if u.merged_into_id is not None:
            succ = by_id.get(u.merged_into_id)
            state = (f" [merged into {succ.code if succ else u.merged_into_id} "
                     f"on {u.merged_on.strftime('%d/%m/%Y') if u.merged_on else '?'}]")
        elif u.active_to is not None:
            state = f" [retired {u.active_to.strftime('%d/%m/%Y')}]"
        lines.append(f"  {'  ' * node.depth}{u.code}  {u.name} ({kinds.get(u.kind, u.kind)})"
                     f"{state}")
    return lines
