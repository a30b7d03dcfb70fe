"""The unit tree: creating, renaming, moving, retiring and merging, and what scopes see."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from caseapp import access
from caseapp.audit.models import AuditEntry
from caseapp.audit.services import verify_chain
from caseapp.db import db
from caseapp.transaction import UserError
from caseapp.units import services as units
from caseapp.units.models import Unit
from caseapp.units.tree import merged_ids, subtree_ids


def ids(stmt: sa.Select) -> set[int]:
    return set(db.session.scalars(stmt))


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def reload(unit: Unit) -> Unit:
    db.session.expire_all()
    return db.session.get(Unit, unit.id)  # type: ignore[return-value]


def test_create_sets_path_and_writes_audit_entry(make) -> None:
    province = make.unit("P", kind="province")
    commune = make.unit("C", parent=province)
    assert province.path == f"/{province.id}/"
    assert commune.path == f"/{province.id}/{commune.id}/"
    assert commune.parent_id == province.id
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "unit.create")
        .order_by(AuditEntry.id)).all()
    assert [e.object_id for e in entries] == [province.id, commune.id]
    assert "code=C" in entries[1].summary


@pytest.mark.parametrize(
    ("code", "name", "kind", "field"),
    [
        ("", "Name", "commune", "code"),
        ("bad code!", "Name", "commune", "code"),
        ("X" * 33, "Name", "commune", "code"),
        ("NEW", "   ", "commune", "name"),
        ("NEW", "n" * 201, "commune", "name"),
        ("NEW", "Name", "planet", "kind"),
    ],
)
def test_create_refuses_bad_input(make, code: str, name: str, kind: str, field: str) -> None:
    make.unit("P", kind="province")
    with pytest.raises(UserError) as err:
        units.create_unit(code, name, kind, None)
    assert err.value.field == field
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 1


def test_create_refuses_duplicate_code_and_closed_parent(make) -> None:
    p = make.unit("P", kind="province")
    old = make.unit("OLD", parent=p)
    units.retire_unit(old, date(2026, 6, 15))
    db.session.commit()
    with pytest.raises(UserError, match="P"):
        units.create_unit("P", "Again", "province", None)
    with pytest.raises(UserError) as err:
        units.create_unit("NEW", "Under a retired unit", "commune", old)
    assert err.value.field == "parent"


def test_rename_changes_name_and_kind_and_is_audited(make) -> None:
    u = make.unit("C", name="Old name")
    assert units.rename_unit(u, "  New   name ", "branch") is True
    db.session.commit()
    u = reload(u)
    assert (u.name, u.kind) == ("New name", "branch")
    assert actions()[-1] == "unit.rename"
    # Saving the same values again records nothing.
    assert units.rename_unit(u, "New name", "branch") is False
    assert actions()[-1] == "unit.rename" and actions().count("unit.rename") == 1


def test_move_takes_the_whole_subtree_along(make) -> None:
    province = make.unit("P", kind="province")
    district = make.unit("D", parent=province, kind="district")
    commune = make.unit("C", parent=district)
    corner = make.unit("G", parent=commune, kind="corner")
    other = make.unit("D2", parent=province, kind="district")

    units.move_unit(commune, other)
    db.session.commit()
    commune, corner = reload(commune), db.session.get(Unit, corner.id)
    assert commune.parent_id == other.id
    assert commune.path == f"/{province.id}/{other.id}/{commune.id}/"
    assert corner.path == f"/{province.id}/{other.id}/{commune.id}/{corner.id}/"
    assert ids(subtree_ids(other.id)) == {other.id, commune.id, corner.id}
    assert ids(subtree_ids(district.id)) == {district.id}
    assert actions()[-1] == "unit.move"


def test_repeated_moves_in_one_session_use_current_paths(make) -> None:
    """A second move right after the first must not use the first move's stale paths."""
    p = make.unit("P", kind="province")
    a = make.unit("A", parent=p)
    b = make.unit("B", parent=a)
    c = make.unit("C", parent=b)
    q = make.unit("Q", kind="province")
    units.move_unit(a, q)
    units.move_unit(b, p)
    db.session.commit()
    db.session.expire_all()
    paths = {code: path for code, path in db.session.execute(sa.select(Unit.code, Unit.path))}
    assert paths["A"] == f"/{q.id}/{a.id}/"
    assert paths["B"] == f"/{p.id}/{b.id}/"
    assert paths["C"] == f"/{p.id}/{b.id}/{c.id}/"


def test_cannot_move_under_itself_its_descendant_or_a_closed_unit(make) -> None:
    p = make.unit("P", kind="province")
    a = make.unit("A", parent=p)
    b = make.unit("B", parent=a)
    gone = make.unit("GONE", parent=p)
    units.retire_unit(gone, date(2026, 6, 15))
    db.session.commit()
    for target in (a, b, gone):
        with pytest.raises(UserError) as err:
            units.move_unit(a, target)
        assert err.value.field == "parent"
    db.session.rollback()
    assert reload(a).path == f"/{p.id}/{a.id}/"


def test_retire_is_refused_while_active_units_are_below(make) -> None:
    p = make.unit("P", kind="province")
    child = make.unit("C", parent=p)
    with pytest.raises(UserError):
        units.retire_unit(p, date(2026, 6, 15))
    db.session.rollback()
    units.retire_unit(child, date(2026, 6, 15))
    units.retire_unit(p, date(2026, 6, 15))
    db.session.commit()
    p = reload(p)
    assert p.active_to == date(2026, 6, 15) and p.is_retired
    assert actions()[-2:] == ["unit.retire", "unit.retire"]
    with pytest.raises(UserError):
        units.retire_unit(p, date(2026, 6, 16))


def test_retire_date_cannot_precede_activity(make) -> None:
    u = make.unit("C")  # active since 01/01/2021
    with pytest.raises(UserError) as err:
        units.retire_unit(u, date(2020, 12, 31))
    assert err.value.field == "on"


def test_merge_moves_unit_and_subtree_under_successor(make) -> None:
    p = make.unit("P", kind="province")
    old = make.unit("OLD", parent=p)
    branch = make.unit("OLD-B", parent=old, kind="branch")
    succ = make.unit("NEW", parent=p)

    units.merge_unit(old, succ, date(2026, 6, 15))
    db.session.commit()
    old, branch = reload(old), db.session.get(Unit, branch.id)
    assert old.parent_id == succ.id and old.merged_into_id == succ.id
    assert old.merged_on == old.active_to == date(2026, 6, 15)
    assert old.is_merged and not old.is_retired
    assert branch.path == f"{succ.path}{old.id}/{branch.id}/"
    assert ids(subtree_ids(succ.id)) == {succ.id, old.id, branch.id}
    assert ids(merged_ids(succ.id)) == {succ.id, old.id}
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "unit.merge")).one()
    assert entry.object_id == old.id and entry.unit_id == succ.id


def test_cases_of_a_merged_unit_are_in_the_successors_scopes(make) -> None:
    p = make.unit("P", kind="province")
    old = make.unit("OLD", parent=p)
    succ = make.unit("NEW", parent=p)
    sibling = make.unit("SIB", parent=p)
    case = make.case(old)
    sibling_case = make.case(sibling)
    supervisor = make.user("supervisor", succ)
    counselor = make.user("counselor", succ)
    assert case.id not in ids(access.scoped_cases(supervisor).with_only_columns(
        sa.literal_column("cases.id")))

    units.merge_unit(old, succ, date(2026, 6, 15))
    db.session.commit()

    def visible(user) -> set[int]:
        return {c.id for c in db.session.scalars(access.scoped_cases(user))}

    assert case.id in visible(supervisor)
    assert case.id in visible(counselor)
    assert sibling_case.id not in visible(supervisor) | visible(counselor)


def test_chain_of_merges_rolls_up(make) -> None:
    p = make.unit("P", kind="province")
    a = make.unit("A", parent=p)
    b = make.unit("B", parent=p)
    c = make.unit("C", parent=p)
    case_a = make.case(a)
    counselor_c = make.user("counselor", c)
    units.merge_unit(a, b, date(2026, 6, 15))
    db.session.commit()
    units.merge_unit(b, c, date(2026, 6, 15))
    db.session.commit()
    assert ids(merged_ids(c.id)) == {a.id, b.id, c.id}
    assert ids(subtree_ids(c.id)) == {a.id, b.id, c.id}
    a = reload(a)
    assert a.path == f"/{p.id}/{c.id}/{b.id}/{a.id}/"
    assert case_a.id in {x.id for x in db.session.scalars(access.scoped_cases(counselor_c))}


def test_merge_refusals(make) -> None:
    p = make.unit("P", kind="province")
    a = make.unit("A", parent=p)
    child = make.unit("A1", parent=a)
    b = make.unit("B", parent=p)
    retired = make.unit("R", parent=p)
    units.retire_unit(retired, date(2026, 6, 15))
    db.session.commit()
    cases = [
        (a, a),          # into itself
        (a, child),      # into its own sub-unit
        (a, retired),    # into a retired unit
        (retired, b),    # a retired unit
    ]
    for unit, successor in cases:
        with pytest.raises(UserError):
            units.merge_unit(unit, successor, date(2026, 6, 15))
        db.session.rollback()
    units.merge_unit(a, b, date(2026, 6, 15))
    db.session.commit()
    with pytest.raises(UserError):
        units.merge_unit(a, p, date(2026, 6, 15))  # already merged
    db.session.rollback()
    with pytest.raises(UserError):
        units.merge_unit(child, a, date(2026, 6, 15))  # into a merged unit
    db.session.rollback()
    with pytest.raises(UserError) as err:
        units.merge_unit(child, b, date(2020, 1, 1))  # before it existed
    assert err.value.field == "on"


def test_merging_many_units_in_a_loop_stays_consistent(make) -> None:
    p = make.unit("P", kind="province")
    district = make.unit("D", parent=p, kind="district")
    succ = make.unit("S", parent=p)
    communes = [make.unit(f"X{i:02d}", parent=district) for i in range(50)]
    branches = [make.unit(f"X{i:02d}-B", parent=c, kind="branch")
                for i, c in enumerate(communes[:10])]
    for c in communes:
        units.merge_unit(db.session.get(Unit, c.id), db.session.get(Unit, succ.id),
                         date(2026, 6, 15))
        db.session.commit()
    units.retire_unit(db.session.get(Unit, district.id), date(2026, 6, 15))
    db.session.commit()
    db.session.expire_all()
    succ = db.session.get(Unit, succ.id)
    assert ids(subtree_ids(succ.id)) == {succ.id} | {u.id for u in communes + branches}
    assert len(ids(merged_ids(succ.id))) == 51
    for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(subtree_ids(succ.id)))):
        parent = db.session.get(Unit, u.parent_id) if u.parent_id else None
        assert u.path == f"{parent.path if parent else '/'}{u.id}/"
    assert ids(subtree_ids(district.id)) == {district.id}
    assert actions().count("unit.merge") == 50
    checked, problem = verify_chain()
    assert problem is None and checked == len(actions())


def test_every_unit_change_writes_an_audit_entry(make) -> None:
    p = make.unit("P", kind="province")
    a = make.unit("A", parent=p)
    b = make.unit("B", parent=p)
    q = make.unit("Q", kind="province")
    before = len(actions())
    units.rename_unit(a, "Renamed")
    units.move_unit(b, q)
    units.merge_unit(a, db.session.get(Unit, b.id), date(2026, 6, 15))
    kind = db.session.get(units.UnitKind, "commune")
    units.update_kind_labels(kind, "Xã", "Commune")
    db.session.commit()
    units.retire_unit(db.session.get(Unit, p.id), date(2026, 6, 15))
    db.session.commit()
    assert actions()[before:] == [
        "unit.rename", "unit.move", "unit.merge", "unit_kind.update", "unit.retire"]


def test_a_move_made_elsewhere_meanwhile_cannot_lead_to_a_cycle(make) -> None:
    """Objects loaded before another administrator's change are re-read under the lock."""
    p = make.unit("P", kind="province")
    a = make.unit("A", parent=p)
    b = make.unit("B", parent=p)
    a, b = db.session.get(Unit, a.id), db.session.get(Unit, b.id)
    assert b.path == f"/{p.id}/{b.id}/"
    # Someone else moves B under A and commits, on another connection.
    with db.engine.begin() as other:
        other.execute(sa.update(Unit).where(Unit.id == b.id).values(
            parent_id=a.id, path=f"/{p.id}/{a.id}/{b.id}/"))
    with pytest.raises(UserError):
        units.move_unit(a, b)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Unit, a.id).path == f"/{p.id}/{a.id}/"
