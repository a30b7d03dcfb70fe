from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from caseapp.db import db
from caseapp.measures.models import MeasureKind, ProtectionMeasure
from tests.records.world import World, audits


def _data(**over: Any) -> dict[str, Any]:
    data = {"kind": "no_contact_order", "issuer": "Chủ tịch UBND xã",
            "starts_on": "01/06/2026", "ends_on": "30/06/2026", "note": ""}
    data.update(over)
    return data


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count(ProtectionMeasure.id))) or 0


def test_no_contact_order_saved_and_audited(world: World, login_as: Any) -> None:
    c = login_as(world.counselor_a)
    assert c.post(f"/measures/new/{world.case.id}", data=_data()).status_code == 302
    m = db.session.scalar(sa.select(ProtectionMeasure))
    assert m.kind == MeasureKind.NO_CONTACT_ORDER and m.ends_on == date(2026, 6, 30)
    (entry,) = audits("measure.create")
    assert entry.unit_id == world.a.id and "issuer" in entry.summary


def test_shelter_note_is_encrypted(world: World, login_as: Any) -> None:
    c = login_as(world.counselor_a)
    c.post(f"/measures/new/{world.case.id}",
           data=_data(kind="shelter", issuer="", note="Nhà Bình yên, 12 đường Hoa Sữa"))
    raw = db.session.execute(sa.text("SELECT note FROM protection_measures")).scalar_one()
    assert "Hoa Sữa" not in raw


def test_invalid_input_writes_nothing(world: World, login_as: Any) -> None:
    c = login_as(world.counselor_a)
    for bad in ({"ends_on": "31/05/2026"}, {"issuer": ""}, {"starts_on": ""},
                {"note": "x" * 4001}, {"kind": ""}):
        assert c.post(f"/measures/new/{world.case.id}", data=_data(**bad)).status_code == 400
    assert _count() == 0


def test_edit_records_changed_fields(world: World, login_as: Any) -> None:
    c = login_as(world.counselor_a)
    c.post(f"/measures/new/{world.case.id}", data=_data())
    m = db.session.scalar(sa.select(ProtectionMeasure))
    assert c.post(f"/measures/{m.id}/edit", data=_data(ends_on="15/07/2026")).status_code == 302
    (entry,) = audits("measure.update")
    assert entry.summary.endswith("fields: ends_on")
