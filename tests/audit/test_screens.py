"""Audit log screens: scope by role, filters, pages, and the chain check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from caseapp.audit import services as audit
from caseapp.audit.models import AuditEntry
from caseapp.db import db


@pytest.fixture
def units3(make):
    p = make.unit("P", kind="province")
    x = make.unit("X", parent=p)
    x1 = make.unit("X1", parent=x, kind="branch")
    y = make.unit("Y", parent=p)
    return {"P": p, "X": x, "X1": x1, "Y": y}


def add_entry(action: str, unit_id: int | None, summary: str, at: datetime | None = None,
              app=None) -> int:
    if at is not None:
        app.config["CLOCK_NOW"] = at
    entry = audit.record(action, object_type="case", object_id=7, unit_id=unit_id,
                         summary=summary, username="someone")
    db.session.commit()
    return entry.id


def rows(html: str) -> str:
    return html.split("<tbody>")[1].split("</tbody>")[0]


def test_admin_sees_every_entry(make, units3, login_as) -> None:
    add_entry("case.view", units3["X"].id, "marker-x")
    add_entry("case.view", units3["Y"].id, "marker-y")
    html = login_as(make.user("admin", units3["P"])).get("/audit/").get_data(as_text=True)
    assert "marker-x" in html and "marker-y" in html


def test_supervisor_sees_own_subtree_only(make, units3, login_as) -> None:
    add_entry("case.view", units3["X"].id, "marker-x")
    add_entry("case.view", units3["X1"].id, "marker-x1")
    add_entry("case.view", units3["Y"].id, "marker-y")
    add_entry("settings.update", None, "marker-none")
    c = login_as(make.user("supervisor", units3["X"]))
    html = c.get("/audit/").get_data(as_text=True)
    assert "marker-x" in html and "marker-x1" in html
    assert "marker-y" not in html and "marker-none" not in html
    # Filters cannot widen the scope, and pages stay inside it.
    y_id = db.session.scalar(sa.select(AuditEntry.id).where(AuditEntry.summary == "marker-y"))
    html = rows(c.get(f"/audit/?before={y_id + 1}").get_data(as_text=True))
    assert "marker-x1" in html and "marker-y" not in html
    # She sees the log, so the check she may not run answers 403.
    assert c.post("/audit/verify").status_code == 403


@pytest.mark.parametrize("role", ["counselor", "statistics"])
def test_other_roles_get_404(make, units3, login_as, role) -> None:
    c = login_as(make.user(role, units3["P"]))
    assert c.get("/audit/").status_code == 404
    assert c.post("/audit/verify").status_code == 404


def test_columns_show_local_time_unit_and_address(app, make, units3, login_as) -> None:
    add_entry("case.view", units3["X"].id, "marker", at=datetime(2026, 6, 14, 18, 30, tzinfo=UTC),
              app=app)
    app.config["CLOCK_NOW"] = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
    html = rows(login_as(make.user("admin", units3["P"])).get("/audit/").get_data(as_text=True))
    assert "15/06/2026 01:30" in html  # 18:30 UTC is 01:30 the next day in Vietnam
    assert "case.view" in html and "case #7" in html and ">X<" in html and "someone" in html
    assert "cli" in html  # entries written outside a request carry this address


def test_filters(app, make, units3, login_as) -> None:
    admin = make.user("admin", units3["P"])
    c = login_as(admin)
    add_entry("case.view", units3["X"].id, "early", at=datetime(2026, 6, 1, 2, 0, tzinfo=UTC),
              app=app)
    add_entry("case_edit", units3["X"].id, "middle", at=datetime(2026, 6, 10, 2, 0, tzinfo=UTC),
              app=app)
    add_entry("case.view", units3["Y"].id, "late", at=datetime(2026, 6, 14, 2, 0, tzinfo=UTC),
              app=app)
    app.config["CLOCK_NOW"] = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)

    def shown(query: str) -> set[str]:
        html = rows(c.get(f"/audit/?{query}").get_data(as_text=True))
        return {m for m in ("early", "middle", "late") if m in html}

    assert shown("action=case.view") == {"early", "late"}
    assert shown("date_from=05%2F06%2F2026&date_to=10%2F06%2F2026") == {"middle"}
    assert shown("date_to=01%2F06%2F2026") == {"early"}
    assert shown("object_type=case&action=case_edit") == {"middle"}
    # Entries written by the admin (logins, unit creation) are found by user; the markers are
    # written without a user.
    html = rows(c.get(f"/audit/?user={admin.id}").get_data(as_text=True))
    assert "auth.login" in html and "early" not in html


def test_invalid_filter_shows_field_error(make, units3, login_as) -> None:
    c = login_as(make.user("admin", units3["P"]))
    for query in ("date_from=31%2F02%2F2026", "date_from=10%2F06%2F2026&date_to=01%2F06%2F2026",
                  "action=no_such_action", "user=abc"):
        resp = c.get(f"/audit/?{query}")
        assert resp.status_code == 200, query
        assert 'class="error"' in resp.get_data(as_text=True), query


def test_pages_newest_first(make, units3, login_as) -> None:
    c = login_as(make.user("admin", units3["P"]))
    for i in range(60):
        add_entry("case.view", units3["X"].id, f"n{i:03d}")
    html = c.get("/audit/?action=case.view").get_data(as_text=True)
    first = rows(html)
    assert "n059" in first and "n010" in first and "n009" not in first
    assert first.index("n059") < first.index("n058")
    next_link = html.split('href="/audit/?')[-1].split('"')[0].replace("&amp;", "&")
    assert "before=" in next_link and "action=case.view" in next_link
    second = rows(c.get(f"/audit/?{next_link}").get_data(as_text=True))
    assert "n009" in second and "n000" in second and "n010" not in second


def test_verify_button_reports_intact_and_broken_chain(make, units3, login_as) -> None:
    c = login_as(make.user("admin", units3["P"]))
    target = add_entry("case.view", units3["X"].id, "fine")
    add_entry("case.view", units3["X"].id, "after")
    html = c.post("/audit/verify").get_data(as_text=True)
    assert "intact" in html
    db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == target)
                       .values(summary="tampered"))
    db.session.commit()
    html = c.post("/audit/verify").get_data(as_text=True)
    assert f"broken at entry {target}" in html
    last = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last.action == "audit.verify" and "result=broken" in last.summary


@pytest.fixture
def app_overrides() -> dict[str, object]:
    # These tests compare texts with their English ids; Vietnamese rendering is checked in
    # tests/foundation/test_translations.py and the browser tests.
    return {"BABEL_DEFAULT_LOCALE": "en"}
