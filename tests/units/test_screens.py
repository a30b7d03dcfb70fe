"""Unit screens: the tree, the change forms, who may reach them."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from caseapp.audit.models import AuditEntry
from caseapp.db import db
from caseapp.units import services as units
from caseapp.units.models import Unit, UnitKind


def snapshot() -> tuple:
    """Everything a unit form could change, to show that a refused form changed nothing."""
    db.session.expire_all()
    rows = db.session.execute(sa.select(
        Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id, Unit.path, Unit.active_to,
        Unit.merged_into_id).order_by(Unit.id)).all()
    kinds = db.session.execute(sa.select(UnitKind.code, UnitKind.label_vi, UnitKind.label_en)
                               .order_by(UnitKind.code)).all()
    audit_count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    return (tuple(map(tuple, rows)), tuple(map(tuple, kinds)), audit_count)


@pytest.fixture
def tree(make):
    p = make.unit("P", kind="province", name="Tỉnh Một")
    d = make.unit("D", parent=p, kind="district", name="Huyện Hai")
    a = make.unit("A", parent=d, name="Xã Ba")
    b = make.unit("B", parent=d, name="Xã Bốn")
    s = make.unit("S", parent=p, name="Phường Năm")
    return {"P": p, "D": d, "A": a, "B": b, "S": s}


@pytest.fixture
def admin(make, tree, login_as):
    return login_as(make.user("admin", tree["P"]))


def test_tree_shows_units_kinds_dates_merges_and_retirements(admin, tree) -> None:
    units.merge_unit(tree["B"], tree["A"], date(2026, 6, 15))
    db.session.commit()
    html = admin.get("/units/").get_data(as_text=True)
    for name in ("Tỉnh Một", "Huyện Hai", "Xã Ba", "Xã Bốn", "Phường Năm"):
        assert name in html
    assert "Hội LHPN tỉnh/thành phố" in html  # kind label in Vietnamese, the default
    assert "đã sáp nhập vào Xã Ba ngày 15/06/2026" in html
    assert "01/01/2021" in html  # active since
    # A is nested inside D's list, B inside A's.
    assert html.index("Huyện Hai") < html.index("Xã Ba") < html.index("Xã Bốn")


def test_tree_shows_english_kind_labels_in_english(admin) -> None:
    admin.post("/language", data={"lang": "en"})
    html = admin.get("/units/").get_data(as_text=True)
    assert "Provincial union" in html and "Hội LHPN tỉnh/thành phố" not in html


def test_retired_unit_has_a_badge(admin, tree) -> None:
    units.retire_unit(tree["S"], date(2026, 6, 15))
    db.session.commit()
    html = admin.get("/units/").get_data(as_text=True)
    assert 'tag-retired' in html


def test_tree_uses_a_fixed_number_of_queries(admin, make, tree, queries) -> None:
    # Requests share the test's session: start both measurements from the same state.
    db.session.expire_all()
    with queries() as few:
        assert admin.get("/units/").status_code == 200
    for i in range(30):
        make.unit(f"N{i}", parent=tree["A"] if i % 2 else tree["S"])
    units.merge_unit(db.session.get(Unit, tree["B"].id), db.session.get(Unit, tree["S"].id),
                     date(2026, 6, 15))
    db.session.commit()
    db.session.expire_all()
    with queries() as many:
        html = admin.get("/units/").get_data(as_text=True)
    assert "N29" in html
    assert len(many) == len(few)


@pytest.mark.parametrize("role", ["counselor", "statistics"])
def test_other_roles_get_404(make, tree, login_as, role) -> None:
    c = login_as(make.user(role, tree["P"]))
    for url in ("/units/", "/units/new", f"/units/{tree['A'].id}",
                f"/units/{tree['A'].id}/rename", f"/units/{tree['A'].id}/merge", "/units/kinds"):
        assert c.get(url).status_code == 404, url
    assert c.post("/units/new", data={"code": "X", "name": "X", "kind": "commune"}
                  ).status_code == 404
    assert units.get_by_code("X") is None


def test_supervisor_sees_own_subtree_read_only(make, tree, login_as) -> None:
    c = login_as(make.user("supervisor", tree["D"]))
    html = c.get("/units/").get_data(as_text=True)
    assert "Xã Ba" in html and "Huyện Hai" in html
    assert "Phường Năm" not in html and "Tỉnh Một" not in html.split("<main")[1]
    assert c.get(f"/units/{tree['A'].id}").status_code == 200
    assert c.get(f"/units/{tree['S'].id}").status_code == 404
    before = snapshot()
    # Units of her subtree are hers to see, not to change: 403; a unit outside it, 404.
    assert c.get("/units/new").status_code == 403
    assert c.post(f"/units/{tree['A'].id}/rename", data={"name": "X", "kind": "commune"}
                  ).status_code == 403
    assert c.post(f"/units/{tree['A'].id}/retire", data={"on": "15/06/2026"}).status_code == 403
    assert c.post(f"/units/{tree['S'].id}/retire", data={"on": "15/06/2026"}).status_code == 404
    assert snapshot() == before


def test_create_unit(admin, tree) -> None:
    resp = admin.post("/units/new", data={
        "code": "NEW", "name": "Xã Mới", "kind": "commune", "parent": str(tree["D"].id),
        "active_from": "01/06/2026"})
    assert resp.status_code == 302
    unit = units.get_by_code("NEW")
    assert unit is not None and unit.parent_id == tree["D"].id
    assert unit.active_from == date(2026, 6, 1)
    assert unit.path == f"{tree['D'].path}{unit.id}/"
    assert "Xã Mới" in admin.get(resp.headers["Location"]).get_data(as_text=True)


def test_create_top_level_unit(admin) -> None:
    resp = admin.post("/units/new", data={"code": "TOP", "name": "Tỉnh Khác",
                                          "kind": "province", "parent": "None"})
    assert resp.status_code == 302
    assert units.get_by_code("TOP").parent_id is None


def test_rename_move_retire(admin, tree) -> None:
    a = tree["A"]
    assert admin.post(f"/units/{a.id}/rename", data={"name": "Xã Ba Mới", "kind": "branch"}
                      ).status_code == 302
    assert admin.post(f"/units/{a.id}/move", data={"parent": str(tree["S"].id)}
                      ).status_code == 302
    assert admin.post(f"/units/{a.id}/retire", data={"on": "15/06/2026"}).status_code == 302
    db.session.expire_all()
    a = db.session.get(Unit, a.id)
    assert (a.name, a.kind, a.parent_id, a.active_to) == (
        "Xã Ba Mới", "branch", tree["S"].id, date(2026, 6, 15))


def test_merge_asks_for_confirmation_first(admin, tree) -> None:
    b, a = tree["B"], tree["A"]
    before = snapshot()
    resp = admin.post(f"/units/{b.id}/merge", data={"successor": str(a.id), "on": "15/06/2026"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Xã Bốn (B) sẽ được sáp nhập vào Xã Ba (A) từ ngày 15/06/2026" in html
    assert 'name="confirm" value="1"' in html
    assert snapshot() == before
    resp = admin.post(f"/units/{b.id}/merge",
                      data={"successor": str(a.id), "on": "15/06/2026", "confirm": "1"})
    assert resp.status_code == 302
    db.session.expire_all()
    b = db.session.get(Unit, b.id)
    assert b.merged_into_id == a.id and b.parent_id == a.id


def test_a_refused_confirmation_must_be_confirmed_again(admin, tree) -> None:
    b, a = tree["B"], tree["A"]
    resp = admin.post(f"/units/{b.id}/merge",
                      data={"successor": str(a.id), "on": "01/01/2020", "confirm": "1"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'class="error"' in html
    assert 'name="confirm" type="hidden" value=""' in html


def test_supervisor_breadcrumb_starts_at_own_unit(make, tree, login_as) -> None:
    c = login_as(make.user("supervisor", tree["D"]))
    html = c.get(f"/units/{tree['A'].id}").get_data(as_text=True).split("<main")[1]
    assert "Huyện Hai" in html and "Tỉnh Một" not in html


def test_edit_kind_labels(admin) -> None:
    resp = admin.post("/units/kinds/commune", data={"label_vi": "Hội LHPN cấp xã",
                                                    "label_en": "Commune-level union"})
    assert resp.status_code == 302
    assert "Hội LHPN cấp xã" in admin.get("/units/").get_data(as_text=True)
    assert admin.get("/units/kinds/nope").status_code == 404


LONG = "x" * 300


def invalid_posts(tree) -> list[tuple[str, dict[str, str]]]:
    a, b, d, p = tree["A"], tree["B"], tree["D"], tree["P"]
    return [
        ("/units/new", {}),
        ("/units/new", {"code": "", "name": "", "kind": "", "parent": "None"}),
        ("/units/new", {"code": LONG, "name": "N", "kind": "commune", "parent": "None"}),
        ("/units/new", {"code": "OK1", "name": LONG, "kind": "commune", "parent": "None"}),
        ("/units/new", {"code": "OK2", "name": "N", "kind": "planet", "parent": "None"}),
        ("/units/new", {"code": "OK3", "name": "N", "kind": "commune", "parent": "999999"}),
        ("/units/new", {"code": "OK4", "name": "N", "kind": "commune", "parent": "abc"}),
        ("/units/new", {"code": "A", "name": "Duplicate", "kind": "commune", "parent": "None"}),
        ("/units/new", {"code": "bad code!", "name": "N", "kind": "commune", "parent": "None"}),
        ("/units/new", {"code": "OK5", "name": "N", "kind": "commune", "parent": "None",
                        "active_from": "31/02/2026"}),
        ("/units/new", {"code": "OK6", "name": "N", "kind": "commune", "parent": "None",
                        "active_from": "01/01/2030"}),
        (f"/units/{a.id}/rename", {"name": "", "kind": "commune"}),
        (f"/units/{a.id}/rename", {"name": LONG, "kind": "commune"}),
        (f"/units/{a.id}/rename", {"name": "N", "kind": "planet"}),
        (f"/units/{d.id}/move", {"parent": str(a.id)}),      # under its own sub-unit
        (f"/units/{d.id}/move", {"parent": str(d.id)}),      # under itself
        (f"/units/{a.id}/move", {"parent": "999999"}),
        (f"/units/{a.id}/move", {"parent": str(d.id)}),      # already there
        (f"/units/{d.id}/retire", {"on": "15/06/2026"}),    # active units below
        (f"/units/{a.id}/retire", {"on": ""}),
        (f"/units/{a.id}/retire", {"on": "not a date"}),
        (f"/units/{a.id}/retire", {"on": "01/01/2020"}),    # before it became active
        (f"/units/{a.id}/merge", {"successor": "", "on": "15/06/2026"}),
        (f"/units/{a.id}/merge", {"successor": str(a.id), "on": "15/06/2026"}),
        (f"/units/{d.id}/merge", {"successor": str(b.id), "on": "15/06/2026",
                                  "confirm": "1"}),  # into its own sub-unit
        (f"/units/{a.id}/merge", {"successor": "999999", "on": "15/06/2026"}),
        (f"/units/{a.id}/merge", {"successor": str(b.id), "on": ""}),
        (f"/units/{a.id}/merge", {"successor": str(b.id), "on": "01/01/2020"}),
        (f"/units/{a.id}/merge", {"successor": str(b.id), "on": "01/01/2020",
                                  "confirm": "1"}),
        (f"/units/{p.id}/merge", {"successor": str(b.id), "on": "15/06/2026"}),
        ("/units/kinds/commune", {"label_vi": "", "label_en": "Commune"}),
        ("/units/kinds/commune", {"label_vi": LONG, "label_en": "Commune"}),
        ("/units/kinds/commune", {"label_vi": "Xã", "label_en": "   "}),
    ]


def test_every_form_refuses_invalid_input_with_a_field_error_and_no_change(admin, tree) -> None:
    before = snapshot()
    for url, data in invalid_posts(tree):
        resp = admin.post(url, data=data)
        assert resp.status_code == 200, (url, data)
        assert 'class="error"' in resp.get_data(as_text=True), (url, data)
        assert snapshot() == before, (url, data)


def test_required_selects_start_with_an_empty_placeholder(admin, tree) -> None:
    # HTML: the first option of a required select must have an empty value.
    a = tree["A"]
    required = []
    for url in ("/units/new", f"/units/{a.id}/rename", f"/units/{a.id}/move",
                f"/units/{a.id}/merge"):
        html = admin.get(url).get_data(as_text=True)
        for attrs, first in re.findall(r"<select([^>]*)>\s*<option([^>]*)>", html):
            if re.search(r"\brequired\b", attrs):
                required.append(url)
                assert 'value=""' in first, (url, first)
    assert len(required) == 3  # the kind of a new or renamed unit, a merge's successor


def test_the_placeholder_is_refused_with_a_message(admin, tree) -> None:
    a = tree["A"]
    before = snapshot()
    for url, data in ((f"/units/{a.id}/rename", {"name": "Xã Ba", "kind": ""}),
                      (f"/units/{a.id}/merge", {"successor": "", "on": "15/06/2026"})):
        resp = admin.post(url, data=data)
        assert "Trường này là bắt buộc." in resp.get_data(as_text=True), url
    assert snapshot() == before


def test_closed_unit_cannot_be_retired_or_merged_again(admin, tree) -> None:
    units.merge_unit(tree["B"], tree["A"], date(2026, 6, 15))
    db.session.commit()
    b = tree["B"]
    before = snapshot()
    for url, data in [(f"/units/{b.id}/retire", {"on": "15/06/2026"}),
                      (f"/units/{b.id}/merge", {"successor": str(tree["S"].id),
                                                "on": "15/06/2026", "confirm": "1"}),
                      (f"/units/{b.id}/move", {"parent": str(tree["S"].id)})]:
        resp = admin.post(url, data=data)
        assert resp.status_code == 200 and 'class="error"' in resp.get_data(as_text=True), url
    assert snapshot() == before


def test_unknown_unit_is_404(admin) -> None:
    for url in ("/units/999999", "/units/999999/rename", "/units/999999/move",
                "/units/999999/retire", "/units/999999/merge"):
        assert admin.get(url).status_code == 404, url


def test_forms_render(admin, tree) -> None:
    a = tree["A"]
    for url in ("/units/new", f"/units/{a.id}", f"/units/{a.id}/rename", f"/units/{a.id}/move",
                f"/units/{a.id}/retire", f"/units/{a.id}/merge", "/units/kinds",
                "/units/kinds/commune"):
        assert admin.get(url).status_code == 200, url

